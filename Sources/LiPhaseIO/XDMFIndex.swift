import LiPhaseParallel

/// An XDMF 3 temporal collection over the field files, which ParaView and VisIt open directly.
/// Values are cell-centred, so the CoRectMesh has one more point than cells along each axis.
public struct XDMFIndex: Sendable {
    public struct Entry: Equatable, Sendable {
        public let step: Int
        public let time: Double
        public let file: String
        public init(step: Int, time: Double, file: String) { self.step = step; self.time = time; self.file = file }
    }

    public struct FieldDescription: Equatable, Sendable {
        public let name: String
        public init(name: String) { self.name = name }
    }

    public let dimensions: Int
    public let cells: Index3
    public let spacing: [Double]
    public let origin: [Double]
    public let fields: [FieldDescription]
    public var entries: [Entry] = []

    public init(dimensions: Int, cells: Index3, spacing: [Double], origin: [Double], fields: [FieldDescription]) {
        self.dimensions = dimensions
        self.cells = cells
        self.spacing = spacing
        self.origin = origin
        self.fields = fields
    }

    /// XDMF orders every triple slowest axis first: (z,) y, x.
    private func reversed<T>(_ values: [T]) -> [T] { Array(values.prefix(dimensions).reversed()) }

    public func document() -> String {
        let cellShape = reversed([cells.x, cells.y, cells.z]).map(String.init).joined(separator: " ")
        let pointShape = reversed([cells.x + 1, cells.y + 1, cells.z + 1]).map(String.init).joined(separator: " ")
        let origin = reversed(self.origin).map { "\($0)" }.joined(separator: " ")
        let spacing = reversed(self.spacing).map { "\($0)" }.joined(separator: " ")
        let topology = dimensions == 3 ? "3DCoRectMesh" : "2DCoRectMesh"
        let geometry = dimensions == 3 ? "ORIGIN_DXDYDZ" : "ORIGIN_DXDY"
        var xml = """
        <?xml version="1.0" ?>
        <!DOCTYPE Xdmf SYSTEM "Xdmf.dtd" []>
        <Xdmf Version="3.0">
          <Domain>
            <Grid Name="fields" GridType="Collection" CollectionType="Temporal">

        """
        for entry in entries {
            xml += """
                  <Grid Name="step_\(entry.step)" GridType="Uniform">
                    <Time Value="\(entry.time)"/>
                    <Topology TopologyType="\(topology)" Dimensions="\(pointShape)"/>
                    <Geometry GeometryType="\(geometry)">
                      <DataItem Format="XML" NumberType="Float" Precision="8" Dimensions="\(dimensions)">\(origin)</DataItem>
                      <DataItem Format="XML" NumberType="Float" Precision="8" Dimensions="\(dimensions)">\(spacing)</DataItem>
                    </Geometry>

            """
            for field in fields {
                xml += """
                        <Attribute Name="\(field.name)" AttributeType="Scalar" Center="Cell">
                          <DataItem Format="HDF" NumberType="Float" Precision="8" Dimensions="\(cellShape)">\(entry.file):/\(field.name)</DataItem>
                        </Attribute>

                """
            }
            xml += "      </Grid>\n"
        }
        xml += "    </Grid>\n  </Domain>\n</Xdmf>\n"
        return xml
    }
}
