import LiPhaseGrid
import LiPhaseParallel

/// The Li deposits of a step (MODEL.md §5) and the dispersed Li around them.
///
/// A deposit is a connected set of cells within `reach` cells (Chebyshev distance) of Li with
/// ξ > ½: the Li and its diffuse interface, out to where the relaxed profile has fallen to about
/// 10⁻³. Deposits are labelled across ranks; each is connected to the anode (it reaches x = 0) or
/// isolated inside the electrolyte. Li outside every deposit is dispersed: nuclei that have not
/// grown to ξ > ½, and the far tails of the profiles.
///
/// The distinction carries physics the diffuse interface would otherwise get wrong:
/// - conduction: ξ·σ_Li describes a smeared sharp interface; dispersed Li does not percolate,
///   and by that rule 10⁻⁷ of it would out-conduct LLZO and wire every nucleus to the anode;
/// - relaxation: a mass-conserving Allen–Cahn flow would carry a nucleus's Li to the nearest
///   front, or spread it into a haze; each deposit keeps its own Li and dispersed Li stays put;
/// - routing: an isolated deposit, or a nucleus, has no reservoir behind it.
public final class DepositRegions {
    /// Region of each cell as an exact Double: 0..<count for deposits (in label order), count
    /// for dispersed Li and empty electrolyte. Ghosts are filled.
    public let index: Field
    public let reach: Int
    private let marked: Field
    /// The mask with `reach` ghost layers and its dilation scratch, kept from step to step.
    private let wide: GhostedLayout
    private let exchange: HaloExchange
    private let mask: UnsafeMutablePointer<Double>
    private let scratch: UnsafeMutablePointer<Double>
    /// The dilation's running window counts: one per cell of a row or plane.
    private let counts: UnsafeMutablePointer<Double>
    public private(set) var count = 0
    /// Per region, the dispersed region last (false for it).
    public private(set) var anodeConnected: [Bool] = [false]
    /// Per region: only the dispersed region, last, does not relax.
    public private(set) var frozen: [Bool] = [true]

    public init(grid: DistributedGrid, reach: Int) {
        index = grid.makeField("deposit_region", units: "1")
        marked = grid.makeField("deposit_cells", units: "1")
        self.reach = reach
        let n = grid.localBox.size
        wide = GhostedLayout(interior: n, ghosts: Index3(reach, reach, grid.geometry.dimensions == 3 ? reach : 0))
        exchange = HaloExchange(decomposition: grid.decomposition, layout: wide)
        mask = .allocate(capacity: wide.count)
        scratch = .allocate(capacity: wide.count)
        let plane = grid.geometry.dimensions == 3 ? wide.strideZ : wide.strideY
        counts = .allocate(capacity: plane)
        counts.initialize(repeating: 0, count: plane)
        mask.initialize(repeating: 0, count: wide.count)
        scratch.initialize(repeating: 0, count: wide.count)
    }

    deinit {
        mask.deallocate()
        scratch.deallocate()
        counts.deallocate()
    }

    /// Finds the deposits of `lithium`; collective.
    public func update(lithium: Field, grid: DistributedGrid) throws {
        try markDeposits(lithium: lithium, grid: grid)
        let deposits = try ComponentLabelling.label(marked, threshold: 0.5, grid: grid, labels: index).components
        count = deposits.count
        anodeConnected = deposits.map(\.touchesAnode) + [false]
        frozen = [Bool](repeating: false, count: count) + [true]
        var regionOfLabel: [Int: Int] = [:]
        for (region, deposit) in deposits.enumerated() { regionOfLabel[deposit.label] = region }
        // Labels become region indices; runs of one label (the common case) skip the lookup.
        let layout = index.layout, n = layout.interior, p = index.pointer
        var lastLabel = -2.0, lastRegion = Double(count)
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x {
                let label = p[base &+ i]
                if label != lastLabel {
                    lastLabel = label
                    lastRegion = label < 0 ? Double(count) : Double(regionOfLabel[Int(label)] ?? count)
                }
                p[base &+ i] = lastRegion
            }
        } }
        try grid.refreshGhosts([index], conditions: [.cellWalls()])
    }

    /// marked = 1 within `reach` cells of ξ > ½, else 0: a separable box dilation on a copy with
    /// `reach` ghost layers, filled by one exchange (beyond the x walls there is no Li).
    private func markDeposits(lithium: Field, grid: DistributedGrid) throws {
        let n = grid.localBox.size, dims = grid.geometry.dimensions
        mask.update(repeating: 0, count: wide.count)
        let xi = UnsafePointer(lithium.pointer), layout = lithium.layout
        for k in 0..<n.z { for j in 0..<n.y {
            let from = layout.offset(0, j, k), to = wide.offset(0, j, k)
            for i in 0..<n.x where xi[from &+ i] > 0.5 { mask[to &+ i] = 1 }
        } }
        try exchange.exchange([mask])
        // Dilate along each axis over the whole padded array (cells within `reach` of the array's
        // edge only feed the interior, which is all that is kept), with a running count of the
        // marked cells in each window [q − reach, q + reach]: O(1) per cell instead of O(reach).
        // Along y and z the windows of a whole row or plane slide together, over contiguous memory.
        let g = wide.ghosts, total = Index3(n.x + 2 * g.x, n.y + 2 * g.y, n.z + 2 * g.z)
        var source = mask, target = scratch
        for axis in 0..<dims {
            let inner = wide.stride(axis), extent = total[axis], line = inner * extent
            let lines = wide.count / line
            for outer in 0..<lines {
                let start = outer &* line
                counts.update(repeating: 0, count: inner)
                for q in 0..<Swift.min(reach, extent) {
                    let from = start &+ q &* inner
                    for m in 0..<inner { counts[m] += source[from &+ m] }
                }
                for q in 0..<extent {
                    if q + reach < extent {
                        let from = start &+ (q &+ reach) &* inner
                        for m in 0..<inner { counts[m] += source[from &+ m] }
                    }
                    let at = start &+ q &* inner
                    for m in 0..<inner { target[at &+ m] = counts[m] > 0 ? 1 : 0 }
                    if q >= reach {
                        let from = start &+ (q &- reach) &* inner
                        for m in 0..<inner { counts[m] -= source[from &+ m] }
                    }
                }
            }
            swap(&source, &target)
        }
        let out = marked.pointer
        for k in 0..<n.z { for j in 0..<n.y {
            let from = wide.offset(0, j, k), to = marked.layout.offset(0, j, k)
            for i in 0..<n.x { out[to &+ i] = source[from &+ i] }
        } }
    }
}
