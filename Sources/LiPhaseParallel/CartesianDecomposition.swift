import CMPI

public enum DecompositionError: Error, CustomStringConvertible {
    case tooManyRanks(cells: Index3, ranks: Int, ghosts: Int)
    case mpi(MPIError)
    public var description: String {
        switch self {
        case let .tooManyRanks(cells, ranks, ghosts):
            return "the grid \(cells.x)×\(cells.y)×\(cells.z) cannot be split over \(ranks) ranks: every rank needs at least \(ghosts) cell(s) along each split axis; use fewer ranks or more cells"
        case let .mpi(error): return error.description
        }
    }
}

/// Block decomposition of a global grid over a Cartesian process grid.
///
/// The process grid is chosen to minimise the halo surface for the given cell counts, so a
/// 512×256 grid on 2 ranks is cut across x, not y. Ranks are never reordered, so the same
/// rank count always gives the same blocks.
public final class CartesianDecomposition {
    public let world: Communicator
    public let cartesian: Communicator
    public let dimensions: Int
    public let globalCells: Index3
    public let periodic: [Bool]
    public let processGrid: Index3
    public let coordinates: Index3
    public let localBox: Box
    /// neighbours[axis][0] is the lower neighbour, [1] the upper; `MPI_PROC_NULL` at a wall.
    public let neighbours: [[Int32]]

    public init(world: Communicator, globalCells: Index3, dimensions: Int, periodic: [Bool], minimumCellsPerRank: Int = 1) throws {
        precondition(dimensions == 2 || dimensions == 3, "dimensions are validated by the deck schema")
        self.world = world
        self.dimensions = dimensions
        self.globalCells = globalCells
        self.periodic = periodic
        guard let grid = Self.bestProcessGrid(cells: globalCells, ranks: world.size, dimensions: dimensions, minimumCells: minimumCellsPerRank) else {
            throw DecompositionError.tooManyRanks(cells: globalCells, ranks: world.size, ghosts: minimumCellsPerRank)
        }
        processGrid = grid
        var dims: [Int32] = [Int32(grid.x), Int32(grid.y), Int32(grid.z)]
        var periods: [Int32] = periodic.map { $0 ? 1 : 0 }
        var cartHandle: MPI_Comm? = nil
        do {
            try check(MPI_Cart_create(world.handle, 3, &dims, &periods, 0, &cartHandle), "MPI_Cart_create")
        } catch let e as MPIError { throw DecompositionError.mpi(e) }
        guard let handle = cartHandle else { throw DecompositionError.mpi(MPIError(call: "MPI_Cart_create (null)", code: -1)) }
        cartesian = Communicator(handle: handle, owns: true)
        var coords: [Int32] = [0, 0, 0]
        MPI_Cart_coords(handle, Int32(cartesian.rank), 3, &coords)
        coordinates = Index3(Int(coords[0]), Int(coords[1]), Int(coords[2]))
        var lower = Index3(0, 0, 0), size = Index3(1, 1, 1)
        for axis in 0..<3 {
            let (start, count) = Self.block(cells: globalCells[axis], parts: grid[axis], index: coordinates[axis])
            lower[axis] = start
            size[axis] = count
        }
        localBox = Box(lower: lower, size: size)
        var result: [[Int32]] = []
        for axis in 0..<3 {
            var source: Int32 = 0, destination: Int32 = 0
            MPI_Cart_shift(handle, Int32(axis), 1, &source, &destination)
            result.append([source, destination])
        }
        neighbours = result
    }

    /// Start and count of block `index` when `cells` are split into `parts` nearly equal blocks.
    public static func block(cells: Int, parts: Int, index: Int) -> (start: Int, count: Int) {
        let base = cells / parts, extra = cells % parts
        let start = index * base + Swift.min(index, extra)
        return (start, base + (index < extra ? 1 : 0))
    }

    /// The factorisation of `ranks` over the active axes with the smallest halo surface.
    public static func bestProcessGrid(cells: Index3, ranks: Int, dimensions: Int, minimumCells: Int) -> Index3? {
        var best: (grid: Index3, surface: Double, largest: Int)? = nil
        for px in 1...ranks where ranks % px == 0 {
            let rest = ranks / px
            for py in 1...rest where rest % py == 0 {
                let pz = rest / py
                if dimensions == 2 && pz != 1 { continue }
                let grid = Index3(px, py, pz)
                guard (0..<3).allSatisfy({ cells[$0] / grid[$0] >= minimumCells || grid[$0] == 1 }) else { continue }
                let lx = Double(cells.x) / Double(px), ly = Double(cells.y) / Double(py), lz = Double(cells.z) / Double(pz)
                // Faces that are cut exchange halos; uncut axes cost nothing.
                var surface = 0.0
                if px > 1 { surface += ly * (dimensions == 3 ? lz : 1) }
                if py > 1 { surface += lx * (dimensions == 3 ? lz : 1) }
                if pz > 1 { surface += lx * ly }
                // Equal surfaces (64² on 4 ranks: 1×4 or 2×2) go to the more balanced grid.
                let largest = Swift.max(px, py, pz)
                if let current = best, surface > current.surface + 1e-9 || (surface > current.surface - 1e-9 && largest >= current.largest) { continue }
                best = (grid, surface, largest)
            }
        }
        return best?.grid
    }

    public var isLowerWall: [Bool] { (0..<3).map { neighbours[$0][0] == liphase_mpi_proc_null() } }
    public var isUpperWall: [Bool] { (0..<3).map { neighbours[$0][1] == liphase_mpi_proc_null() } }
}
