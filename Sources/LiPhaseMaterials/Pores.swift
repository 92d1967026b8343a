import Foundation
import LiPhaseGrid
import LiPhaseParallel

/// Seeded spherical (circular in 2-D) pores in the electrolyte (MODEL.md §3: void cells of the SE).
/// Centres come from counter-based random numbers keyed by pore index, so every rank places the
/// same pores. The count targets the requested fraction of the electrolyte volume; overlaps make
/// the realised fraction slightly smaller, and it is reported.
public struct Pores: Sendable {
    public let centres: [[Double]]
    public let radius: Double
    let dimensions: Int
    let domain: [Double]

    /// Pores fill x ∈ [start + radius, Lx − radius] so none cuts the Li contact or the counter electrode.
    public init(dimensions: Int, domain: [Double], electrolyteStart start: Double, fraction: Double, diameter: Double, seed: UInt64) {
        self.dimensions = dimensions
        self.domain = domain
        let r = diameter / 2
        radius = r
        let span = max(0, domain[0] - start - diameter)
        let lateral = (1..<dimensions).reduce(1.0) { $0 * domain[$1] }
        let poreVolume = dimensions == 3 ? Double.pi / 6 * pow(diameter, 3) : Double.pi / 4 * diameter * diameter
        let count = span > 0 ? Int((fraction * (domain[0] - start) * lateral / poreVolume).rounded()) : 0
        centres = (0..<count).map { index in
            (0..<dimensions).map { axis -> Double in
                let u = 0.5 * (CounterRandom.symmetric(seed: seed, cell: UInt64(index), step: 1, stream: UInt64(11 + axis)) + 1)
                return axis == 0 ? start + r + u * span : u * domain[axis]
            }
        }
    }

    /// Sets v = 1 and ξ = 0 in cells whose centre lies inside a pore (lateral axes periodic).
    public func carve(void: Field, lithium: Field, geometry: GridGeometry, box: Box) {
        let n = box.size
        for centre in centres {
            var lower = [0, 0, 0], upper = [0, 0, 0]
            for axis in 0..<3 {
                guard axis < dimensions else { lower[axis] = 0; upper[axis] = 1; continue }
                let h = geometry.spacing[axis]
                lower[axis] = Int(((centre[axis] - radius) / h).rounded(.down))
                upper[axis] = Int(((centre[axis] + radius) / h).rounded(.up)) + 1
            }
            for gk in lower[2]..<upper[2] { for gj in lower[1]..<upper[1] { for gi in lower[0]..<upper[0] {
                let global = [gi, gj, gk]
                var d2 = 0.0, local = [0, 0, 0], inside = true
                for axis in 0..<3 {
                    var g = global[axis]
                    if axis > 0 { g = ((g % geometry.cells[axis]) + geometry.cells[axis]) % geometry.cells[axis] }
                    guard g >= 0, g < geometry.cells[axis] else { inside = false; break }
                    local[axis] = g - box.lower[axis]
                    if local[axis] < 0 || local[axis] >= n[axis] { inside = false; break }
                    if axis < dimensions {
                        let d = geometry.centre(axis, global[axis]) - centre[axis]
                        d2 += d * d
                    }
                }
                if inside, d2 <= radius * radius {
                    void[local[0], local[1], local[2]] = 1
                    lithium[local[0], local[1], local[2]] = 0
                }
            } } }
        }
    }
}
