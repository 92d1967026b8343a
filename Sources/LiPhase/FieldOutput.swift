import Foundation
import LiPhaseGrid
import LiPhaseIO
import LiPhaseParallel

/// Writes field snapshots (one HDF5 file per output step, written collectively) and keeps the
/// XDMF time-series index over them current.
final class FieldOutput {
    let directory: String
    let grid: DistributedGrid
    let lengthUnit: String
    private(set) var index: XDMFIndex

    init(directory: String, grid: DistributedGrid, fieldNames: [String], lengthUnit: String, history: [XDMFIndex.Entry]) {
        self.directory = directory
        self.grid = grid
        self.lengthUnit = lengthUnit
        let g = grid.geometry
        index = XDMFIndex(dimensions: g.dimensions, cells: g.cells, spacing: Array(g.spacing.prefix(g.dimensions)),
                          origin: Array(g.origin.prefix(g.dimensions)), fields: fieldNames.map { .init(name: $0) })
        index.entries = history
    }

    static func fileName(step: Int) -> String { String(format: "fields_%08d.h5", step) }

    var indexPath: String { (directory as NSString).appendingPathComponent("fields.xdmf") }

    func write(fields: [Field], step: Int, time: Double, timeUnit: String) throws {
        let name = Self.fileName(step: step)
        let path = (directory as NSString).appendingPathComponent(name)
        let temporary = AtomicFile.temporaryPath(for: path)
        let file = try HDF5File.create(path: temporary, communicator: grid.communicator)
        try writeFields(fields, to: file, grid: grid, lengthUnit: lengthUnit)
        try file.setAttribute("time", .double(time))
        try file.setAttribute("time_unit", .text(timeUnit))
        try file.setAttribute("step", .integer(step))
        try file.setAttribute("liphase_version", .text(LiPhaseVersion.string))
        try file.close()
        try grid.communicator.onRoot {
            try AtomicFile.commit(temporary, to: path)
            index.entries.removeAll { $0.step >= step }
            index.entries.append(.init(step: step, time: time, file: name))
            try AtomicFile.write(index.document(), to: indexPath)
        }
    }
}

/// Global arrays with units, plus the grid description as attributes of the file root.
func writeFields(_ fields: [Field], to file: HDF5File, grid: DistributedGrid, lengthUnit: String) throws {
    let g = grid.geometry
    try file.setAttribute("dimensions", .integer(g.dimensions))
    try file.setAttribute("cells", .integers((0..<g.dimensions).map { g.cells[$0] }))
    try file.setAttribute("spacing", .doubles(Array(g.spacing.prefix(g.dimensions))))
    try file.setAttribute("origin", .doubles(Array(g.origin.prefix(g.dimensions))))
    try file.setAttribute("length_unit", .text(lengthUnit))
    try file.setAttribute("axis_order", .text(g.dimensions == 3 ? "z, y, x (x fastest)" : "y, x (x fastest)"))
    for field in fields {
        try file.writeBlock(field.name, values: field.interiorValues(), global: g.cells, dimensions: g.dimensions, box: grid.localBox,
                            attributes: [("units", .text(field.units)), ("centering", .text("cell"))])
    }
}
