import Foundation
import LiPhaseGrid

/// The initial contact pattern (MODEL.md §6): void patches of mean size ℓ_patch covering 1 − f₀
/// of the interface. Patches are the Voronoi cells of seeds placed by counter-based random numbers
/// in the periodic lateral plane (a line in 2-D), so every rank builds the same global pattern.
/// Patches are taken in a random order while each brings the void share closer to 1 − f₀, so the
/// realised share is within one patch of the target.
public struct ContactPatches: Sendable {
    /// Lateral cell counts (y, z; z = 1 in 2-D).
    public let lateral: (y: Int, z: Int)
    /// Per global column (y fastest): true where the Li starts away from the electrolyte.
    public let voidColumns: [Bool]

    public init(dimensions: Int, cells: [Int], spacing: [Double], contactFraction: Double, patchSize: Double, seed: UInt64) {
        let ny = cells[1], nz = dimensions == 3 ? cells[2] : 1
        lateral = (ny, nz)
        let extent = [Double(ny) * spacing[1], dimensions == 3 ? Double(nz) * spacing[2] : 1]
        let axes = dimensions - 1
        let area = axes == 2 ? extent[0] * extent[1] : extent[0]
        let count = max(1, Int((area / pow(patchSize, Double(axes))).rounded()))
        let seeds = (0..<count).map { index in
            (0..<axes).map { axis in 0.5 * (CounterRandom.symmetric(seed: seed, cell: UInt64(index), step: 0, stream: UInt64(31 + axis)) + 1) * extent[axis] }
        }
        var patchOf = [Int](repeating: 0, count: ny * nz), sizes = [Int](repeating: 0, count: count)
        for k in 0..<nz { for j in 0..<ny {
            let centre = [(Double(j) + 0.5) * spacing[1], axes == 2 ? (Double(k) + 0.5) * spacing[2] : 0]
            var best = 0, nearest = Double.infinity
            for (index, s) in seeds.enumerated() {
                var d2 = 0.0
                for axis in 0..<axes {
                    var d = abs(centre[axis] - s[axis])
                    d = min(d, extent[axis] - d)
                    d2 += d * d
                }
                if d2 < nearest { nearest = d2; best = index }
            }
            patchOf[j + ny * k] = best
            sizes[best] += 1
        } }
        let keys = (0..<count).map { CounterRandom.symmetric(seed: seed, cell: UInt64($0), step: 0, stream: 41) }
        let order = (0..<count).sorted { keys[$0] < keys[$1] }
        let target = (1 - contactFraction) * Double(ny * nz)
        var covered = 0.0, chosen = [Bool](repeating: false, count: count)
        for patch in order where abs(covered + Double(sizes[patch]) - target) < abs(covered - target) {
            chosen[patch] = true
            covered += Double(sizes[patch])
        }
        voidColumns = patchOf.map { chosen[$0] }
    }

    /// Share of the columns that start in contact.
    public var contactShare: Double { Double(voidColumns.filter { !$0 }.count) / Double(max(1, voidColumns.count)) }
}
