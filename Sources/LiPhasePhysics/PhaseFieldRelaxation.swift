import LiPhaseGrid
import LiPhaseParallel

/// Mass-neutral Allen–Cahn relaxation of ξ (MODEL.md §5): keeps the diffuse interface at its
/// width without moving Li:
///
///     ∂ξ/∂t = Lκ∇²ξ + [−L W g′(ξ) + noise + λ_R·w(ξ)],   w = 30ξ²(1−ξ)²
///
/// The Laplacian only moves Li between neighbours (its sum over the domain vanishes with the
/// no-flux walls and periodic sides); the bracket is local, and a Lagrange multiplier λ_R per
/// region R makes it sum to zero over R, so Σξ is unchanged. With deposit regions (solid mode)
/// every connected deposit keeps its own Li, so relaxation never carries Li from an isolated
/// deposit to the anode or back; frozen regions (nuclei, see `DepositRegions`) do not relax and
/// their neighbours see them as walls. Without regions (binary mode) there is one multiplier.
///
/// The weight is quadratic in the tails on purpose. A weight like 4ξ(1−ξ), linear in ξ, lets a
/// large λ out-grow the well's linear restoring force −2LWξ in the tanh tails, so those tails grow
/// exponentially: a Li haze ahead of the front, seen in the Hong & Viswanathan case. The noise
/// carries the same weight. The volume ξ gains or loses is taken from or given to the electrolyte
/// and void of the cell in proportion to their fractions.
public struct PhaseFieldRelaxation {
    public var mobility: Double
    public var gradientCoefficient: Double
    public var barrierHeight: Double
    /// Noise amplitude relative to L·W (a rate), confined to interfaces by w.
    public var noise: Double
    public var seed: UInt64

    public init(mobility: Double, gradientCoefficient: Double, barrierHeight: Double, noise: Double, seed: UInt64) {
        self.mobility = mobility
        self.gradientCoefficient = gradientCoefficient
        self.barrierHeight = barrierHeight
        self.noise = noise
        self.seed = seed
    }

    public func apply(to state: ElectrodepositionState, dt: Double, step: Int, work rate: Field, regions: DepositRegions? = nil) throws {
        let grid = state.grid
        try grid.refreshGhosts([state.lithium], conditions: [phaseFieldConditions()])
        let layout = state.lithium.layout, n = layout.interior, dims = grid.geometry.dimensions
        let xi = state.lithium.pointer, v = state.void.pointer, r = rate.pointer
        let inverseH2 = (0..<dims).map { 1 / (grid.geometry.spacing[$0] * grid.geometry.spacing[$0]) }
        let strides = (0..<dims).map { layout.stride($0) }
        let l = mobility, w = barrierHeight, kappa = gradientCoefficient
        let noisy = noise > 0, noiseScale = noise * l * w, seed = seed, counter = UInt64(step)
        // The local bracket without λ: the double-well force plus the weighted noise.
        @inline(__always) func localRate(_ c: Double, _ i: Int, _ j: Int, _ k: Int) -> Double {
            var local = -l * w * 2 * c * (1 - c) * (1 - 2 * c)
            if noisy {
                local += noiseScale * Self.weight(c) * CounterRandom.symmetric(seed: seed, cell: state.globalIndex(i, j, k), step: counter)
            }
            return local
        }
        guard let regions else {
            // Binary mode: one region and no frozen cells, so the loops need no region lookups.
            let sums = try grid.reproducibleRegionSums(regions: 1, width: 2) { tile, add in
                var localSum = 0.0, weightSum = 0.0
                for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                    let base = layout.offset(0, j, k)
                    for i in tile.lower.x..<tile.upper.x {
                        let p = base &+ i
                        let c = xi[p]
                        var laplacian = (xi[p &- 1] + xi[p &+ 1] - 2 * c) * inverseH2[0]
                        for axis in 1..<dims { laplacian += (xi[p &- strides[axis]] + xi[p &+ strides[axis]] - 2 * c) * inverseH2[axis] }
                        let local = localRate(c, i, j, k)
                        r[p] = l * kappa * laplacian + local
                        localSum += local
                        weightSum += Self.weight(c)
                    }
                } }
                add(0, 0, localSum)
                add(0, 1, weightSum)
            }
            let lambda = sums[1] > 0 ? -sums[0] / sums[1] : 0
            for k in 0..<n.z { for j in 0..<n.y {
                let base = layout.offset(0, j, k)
                for i in 0..<n.x { Self.update(base &+ i, xi, v, dt * (r[base &+ i] + lambda * Self.weight(xi[base &+ i]))) }
            } }
            return
        }
        let region = UnsafePointer(regions.index.pointer)
        let frozen = regions.frozen
        let regionCount = regions.count + 1
        // Per region: Σ of the local (bracket) rate and Σw over the cells that relax.
        let sums = try grid.reproducibleRegionSums(regions: regionCount, width: 2) { tile, add in
            var lastRegion = -1, localSum = 0.0, weightSum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x {
                    let p = base &+ i
                    let own = Int(region[p])
                    // A frozen cell's rate is never read: pass 2 skips it too.
                    if frozen[own] { continue }
                    let c = xi[p]
                    var laplacian = 0.0
                    for axis in 0..<dims {
                        var below = xi[p &- strides[axis]], above = xi[p &+ strides[axis]]
                        if frozen[Int(region[p &- strides[axis]])] { below = c }
                        if frozen[Int(region[p &+ strides[axis]])] { above = c }
                        laplacian += (above + below - 2 * c) * inverseH2[axis]
                    }
                    let local = localRate(c, i, j, k)
                    r[p] = l * kappa * laplacian + local
                    if own != lastRegion {
                        if lastRegion >= 0 { add(lastRegion, 0, localSum); add(lastRegion, 1, weightSum) }
                        lastRegion = own; localSum = 0; weightSum = 0
                    }
                    localSum += local
                    weightSum += Self.weight(c)
                }
            } }
            if lastRegion >= 0 { add(lastRegion, 0, localSum); add(lastRegion, 1, weightSum) }
        }
        let lambda = (0..<regionCount).map { sums[2 * $0 + 1] > 0 ? -sums[2 * $0] / sums[2 * $0 + 1] : 0 }
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x {
                let p = base &+ i
                let own = Int(region[p])
                if frozen[own] { continue }
                Self.update(p, xi, v, dt * (r[p] + lambda[own] * Self.weight(xi[p])))
            }
        } }
    }

    /// ξ ← clamp(ξ + change); the other phases make room (or take the space back) in proportion.
    @inline(__always)
    static func update(_ p: Int, _ xi: UnsafeMutablePointer<Double>, _ v: UnsafeMutablePointer<Double>, _ increment: Double) {
        let old = xi[p]
        let updated = Swift.min(1, Swift.max(0, old + increment))
        let change = updated - old
        xi[p] = updated
        let solid = Swift.max(0, 1 - old - v[p]), other = solid + v[p]
        if other > 0 {
            v[p] = Swift.max(0, v[p] - change * v[p] / other)
        }
        if xi[p] + v[p] > 1 { v[p] = 1 - xi[p] }
    }

    /// h′(ξ) = 30ξ²(1−ξ)²: where the multiplier and the noise act.
    @inline(__always)
    static func weight(_ xi: Double) -> Double { 30 * xi * xi * (1 - xi) * (1 - xi) }
}
