import LiPhaseParallel

/// An XDMF 3 temporal collection over the field files, which ParaView and VisIt open directly.
/// Values are cell-centred, so the CoRectMesh has one more point than cells along each axis.
///
/// A 2-D grid is described as a 3DCoRectMesh one cell thick: ParaView places a 2DCoRectMesh in
/// the y–z plane (our x would show as y), while the slab keeps x and y where they belong. Its
/// data items read the [ny][nx] datasets as 1 × ny × nx, which both ParaView readers
/// (Xdmf3ReaderS and the legacy XDMF reader) accept; checked with pvbatch by
/// Scripts/check_paraview.py.
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

    public func document() -> String {
        // Slowest axis first, always three axes (see the type's comment for 2-D).
        let cellShape = [dimensions == 3 ? cells.z : 1, cells.y, cells.x].map(String.init).joined(separator: " ")
        let pointShape = [(dimensions == 3 ? cells.z : 1) + 1, cells.y + 1, cells.x + 1].map(String.init).joined(separator: " ")
        let thickness = dimensions == 3 ? spacing[2] : min(spacing[0], spacing[1])
        let origin = [dimensions == 3 ? self.origin[2] : 0, self.origin[1], self.origin[0]].map { "\($0)" }.joined(separator: " ")
        let spacing = [thickness, self.spacing[1], self.spacing[0]].map { "\($0)" }.joined(separator: " ")
        let topology = "3DCoRectMesh"
        let geometry = "ORIGIN_DXDYDZ"
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
                      <DataItem Format="XML" NumberType="Float" Precision="8" Dimensions="3">\(origin)</DataItem>
                      <DataItem Format="XML" NumberType="Float" Precision="8" Dimensions="3">\(spacing)</DataItem>
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
