import Foundation
import LiPhaseGrid

/// Seeded Voronoi grains (MODEL.md §3): a power (Laguerre) diagram of seeds placed by counter-based
/// random numbers, so every rank computes the same grain for the same point without talking.
///
/// Grain size d is the side of the square (2-D) or cube (3-D) with the mean grain area (volume):
/// seeds = domain volume / d^dim. A brick layer of side d has boundary length per area 2/d, and a
/// Poisson–Voronoi tessellation of the same seed density has exactly 2/d as well (2-D), so the
/// brick-layer estimate and the Voronoi polycrystal share the boundary density.
///
/// The lateral axes are periodic (MODEL.md §0), x is not. A spread s > 0 gives each seed the power
/// weight (s·d)²·u with u uniform in [0, 1): a point belongs to the seed of least |x − p|² − w.
public struct VoronoiGrains: Sendable {
    public let dimensions: Int
    public let domain: [Double]
    public let seeds: [[Double]]
    public let weights: [Double]
    let binSize: [Double]
    let bins: [Int]
    /// Seed indices per bin, bins x-fastest.
    let members: [[Int]]
    let largestWeight: Double
    let smallestBin: Double

    public init(dimensions: Int, domain: [Double], grainSize: Double, sizeSpread: Double, seed: UInt64) {
        self.dimensions = dimensions
        let padded = (0..<3).map { $0 < dimensions ? domain[$0] : 1 }
        self.domain = padded
        let volume = (0..<dimensions).reduce(1.0) { $0 * domain[$1] }
        let count = max(1, Int((volume / pow(grainSize, Double(dimensions))).rounded()))
        var seeds: [[Double]] = [], weights: [Double] = []
        seeds.reserveCapacity(count)
        for index in 0..<count {
            let position = (0..<3).map { axis -> Double in
                guard axis < dimensions else { return 0.5 }
                let u = 0.5 * (CounterRandom.symmetric(seed: seed, cell: UInt64(index), step: 0, stream: UInt64(1 + axis)) + 1)
                return u * domain[axis]
            }
            seeds.append(position)
            let u = 0.5 * (CounterRandom.symmetric(seed: seed, cell: UInt64(index), step: 0, stream: 7) + 1)
            weights.append(sizeSpread * sizeSpread * grainSize * grainSize * u)
        }
        self.seeds = seeds
        self.weights = weights
        largestWeight = weights.max() ?? 0
        let bins = (0..<3).map { axis in axis < dimensions ? max(1, Int(domain[axis] / grainSize)) : 1 }
        self.bins = bins
        let sizes = (0..<3).map { padded[$0] / Double(bins[$0]) }
        binSize = sizes
        smallestBin = (0..<dimensions).map { sizes[$0] }.min() ?? 0
        var members = [[Int]](repeating: [], count: bins[0] * bins[1] * bins[2])
        for (index, p) in seeds.enumerated() {
            let b = (0..<3).map { min(bins[$0] - 1, Int(p[$0] / sizes[$0])) }
            members[b[0] + bins[0] * (b[1] + bins[1] * b[2])].append(index)
        }
        self.members = members
    }

    /// Squared distance along `axis`, the lateral axes periodic.
    @inline(__always)
    func separation(_ a: Double, _ b: Double, axis: Int) -> Double {
        var d = abs(a - b)
        if axis > 0 { d = min(d, domain[axis] - d) }
        return d * d
    }

    /// The grain (seed index) that owns point `x`: rings of bins are searched outward until no
    /// farther bin can hold a seed of smaller power distance.
    public func grain(at x: [Double]) -> Int {
        let home = (0..<3).map { min(bins[$0] - 1, max(0, Int(x[$0] / binSize[$0]))) }
        var best = Double.infinity, owner = 0
        let maximumRing = bins.max() ?? 1
        var ring = 0
        while ring <= maximumRing {
            // Every point in a bin of Chebyshev ring r is at least (r − 1)·min(binSize) away.
            let reach = Double(max(0, ring - 1)) * smallestBin
            if reach * reach - largestWeight > best { break }
            visitRing(ring, around: home) { bin in
                for index in members[bin] {
                    let p = seeds[index]
                    var d = 0.0
                    for axis in 0..<dimensions { d += separation(x[axis], p[axis], axis: axis) }
                    d -= weights[index]
                    if d < best || (d == best && index < owner) { best = d; owner = index }
                }
            }
            ring += 1
        }
        return owner
    }

    /// Calls `body` once for each bin of Chebyshev distance `ring` from `home` (periodic laterally;
    /// bins beyond the x ends do not exist).
    private func visitRing(_ ring: Int, around home: [Int], _ body: (Int) -> Void) {
        var seen = Set<Int>()
        let span = (0..<3).map { $0 < dimensions ? ring : 0 }
        for dz in -span[2]...span[2] { for dy in -span[1]...span[1] { for dx in -span[0]...span[0] {
            guard max(abs(dx), abs(dy), abs(dz)) == ring else { continue }
            let bx = home[0] + dx
            guard bx >= 0, bx < bins[0] else { continue }
            let by = ((home[1] + dy) % bins[1] + bins[1]) % bins[1]
            let bz = ((home[2] + dz) % bins[2] + bins[2]) % bins[2]
            let bin = bx + bins[0] * (by + bins[1] * bz)
            if seen.insert(bin).inserted { body(bin) }
        } } }
    }
}
