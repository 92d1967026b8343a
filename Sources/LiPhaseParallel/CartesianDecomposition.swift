import CMPI

public enum DecompositionError: Error, CustomStringConvertible {
    case tooManyRanks(cells: Index3, ranks: Int, ghosts: Int)
    case mpi(MPIError)
    public var description: String {
        switch self {
        case let .tooManyRanks(cells, ranks, ghosts):
            return "the grid \(cells.x)×\(cells.y)×\(cells.z) cannot be split over \(ranks) ranks: blocks are made of 16-cell tiles (fewer on small grids) and need at least \(ghosts) cell(s) along each split axis; use fewer ranks or more cells"
        case let .mpi(error): return error.description
        }
    }
}

/// Block decomposition of a global grid over a Cartesian process grid.
///
/// Blocks are made of whole tiles (16 cells per axis, fewer on tiny grids), so every block
/// starts at a multiple of the tile. Two things rest on that: multigrid coarsening aggregates the
/// same global cells at every level whatever the rank count, and reproducible sums add each tile
/// in a fixed order. Both make results bit-identical across rank counts. The process grid is
/// chosen to minimise the halo surface, so a 512×256 grid on 2 ranks is cut across x, not y.
/// Ranks are never reordered, so the same rank count always gives the same blocks.
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

    /// Tile edge along an axis of `cells` cells: 16, or the largest power of two that fits.
    public static func tile(cells: Int) -> Int {
        var tile = 1
        while tile * 2 <= Swift.min(16, cells) { tile *= 2 }
        return tile
    }

    /// Start and count of block `index` when the tiles of an axis are split into `parts` nearly
    /// equal runs; only the last block can end inside a tile (where the axis ends).
    public static func block(cells: Int, parts: Int, index: Int) -> (start: Int, count: Int) {
        let tile = Self.tile(cells: cells)
        let tiles = (cells + tile - 1) / tile
        let base = tiles / parts, extra = tiles % parts
        let first = index * base + Swift.min(index, extra)
        let start = Swift.min(first * tile, cells)
        let end = Swift.min((first + base + (index < extra ? 1 : 0)) * tile, cells)
        return (start, end - start)
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
                // Every block needs at least `minimumCells` along each split axis (its ghost width).
                let fits = (0..<3).allSatisfy { axis in
                    grid[axis] == 1 || (0..<grid[axis]).allSatisfy { block(cells: cells[axis], parts: grid[axis], index: $0).count >= minimumCells }
                }
                guard fits else { continue }
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
