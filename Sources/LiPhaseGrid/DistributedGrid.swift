import LiPhaseParallel

/// The global grid: cell counts, spacing and origin, in SI units (or the model's own units).
public struct GridGeometry: Equatable, Sendable {
    public let dimensions: Int
    public let cells: Index3
    public let spacing: [Double]
    public let origin: [Double]

    public init(dimensions: Int, cells: Index3, spacing: [Double], origin: [Double] = [0, 0, 0]) {
        self.dimensions = dimensions
        self.cells = cells
        self.spacing = spacing
        self.origin = origin
    }

    /// Centre of global cell index `i` along `axis`.
    @inline(__always)
    public func centre(_ axis: Int, _ i: Int) -> Double { origin[axis] + (Double(i) + 0.5) * spacing[axis] }

    public var cellVolume: Double { (0..<dimensions).reduce(1.0) { $0 * spacing[$1] } }
}

/// This rank's part of the global grid: its block, the ghosted layout, and how to refresh ghosts.
public final class DistributedGrid {
    public let geometry: GridGeometry
    public let decomposition: CartesianDecomposition
    public let layout: GhostedLayout
    public let conditions: BoundaryConditions
    /// This rank's tiles in local indices, in the fixed order of reproducible sums.
    public let localTiles: [Box]
    private let halo: HaloExchange

    public var communicator: Communicator { decomposition.cartesian }
    public var localBox: Box { decomposition.localBox }

    /// - Parameter ghostWidth: ghost layers along each active axis (1 for the 2nd-order stencils).
    public init(geometry: GridGeometry, conditions: BoundaryConditions, world: Communicator, ghostWidth: Int = 1) throws {
        precondition(conditions.isConsistent(), "periodic faces come in pairs; the model sets them")
        self.geometry = geometry
        self.conditions = conditions
        decomposition = try CartesianDecomposition(
            world: world, globalCells: geometry.cells, dimensions: geometry.dimensions,
            periodic: conditions.periodicAxes, minimumCellsPerRank: ghostWidth)
        let ghosts = Index3(ghostWidth, ghostWidth, geometry.dimensions == 3 ? ghostWidth : 0)
        layout = GhostedLayout(interior: decomposition.localBox.size, ghosts: ghosts)
        halo = HaloExchange(decomposition: decomposition, layout: layout)
        localTiles = tiles(of: decomposition.localBox, cells: geometry.cells)
    }

    public func makeField(_ name: String, units: String, value: Double = 0) -> Field {
        Field(name: name, units: units, layout: layout, value: value)
    }

    /// Exchanges halos, then applies the wall conditions (each field may have its own).
    public func refreshGhosts(_ fields: [Field], conditions perField: [BoundaryConditions]? = nil) throws {
        try halo.exchange(fields.map(\.pointer))
        let lowerWall = decomposition.isLowerWall, upperWall = decomposition.isUpperWall
        for (index, field) in fields.enumerated() {
            let bc = perField?[index] ?? conditions
            for axis in 0..<geometry.dimensions {
                if lowerWall[axis] { bc.lower[axis].fillGhosts(of: field, axis: axis, upperSide: false, spacing: geometry.spacing[axis]) }
                if upperWall[axis] { bc.upper[axis].fillGhosts(of: field, axis: axis, upperSide: true, spacing: geometry.spacing[axis]) }
            }
        }
    }
}
