import LiPhaseGrid
import LiPhaseParallel

/// Forward-Euler update of the manufactured Allen–Cahn problem over this rank's block.
public struct ManufacturedAllenCahnKernel {
    public let problem: ManufacturedAllenCahn
    public let geometry: GridGeometry
    public let box: Box

    public init(problem: ManufacturedAllenCahn, geometry: GridGeometry, box: Box) {
        self.problem = problem
        self.geometry = geometry
        self.box = box
    }

    public struct Sweep: Sendable {
        /// Largest well curvature g″ of the new field: it bounds the next stable step.
        public var maximumCurvature: Double
        /// Local index of the first non-finite value written, if any (Swift.max skips NaN, so
        /// the curvature alone cannot reveal one).
        public var firstNonFinite: Index3?
    }

    /// Writes η(t + dt) into `next` from `current` (ghosts filled).
    public func advance(from current: Field, to next: Field, time t: Double, dt: Double) -> Sweep {
        let layout = current.layout
        let n = layout.interior
        let eta = UnsafePointer(current.pointer), out = next.pointer
        let idx2 = 1 / (geometry.spacing[0] * geometry.spacing[0])
        let idy2 = 1 / (geometry.spacing[1] * geometry.spacing[1])
        let sy = layout.strideY
        let kappa = problem.kappa
        let fronts = (0..<n.x).map { problem.front(x: geometry.centre(0, box.lower.x + $0), t: t) }
        var stiffness = 0.0
        var firstNonFinite: Index3? = nil
        fronts.withUnsafeBufferPointer { front in
            for j in 0..<n.y {
                let y = geometry.centre(1, box.lower.y + j)
                let base = layout.offset(0, j, 0)
                for i in 0..<n.x {
                    let p = base &+ i
                    let c = eta[p]
                    let laplacian = (eta[p &- 1] + eta[p &+ 1] - 2 * c) * idx2 + (eta[p &- sy] + eta[p &+ sy] - 2 * c) * idy2
                    let rate = -ManufacturedAllenCahn.wellDerivative(c) + kappa * laplacian + problem.source(y: y, front: front[i])
                    let updated = c + dt * rate
                    out[p] = updated
                    stiffness = Swift.max(stiffness, ManufacturedAllenCahn.wellCurvature(updated))
                    if !updated.isFinite && firstNonFinite == nil { firstNonFinite = Index3(i, j, 0) }
                }
            }
        }
        return Sweep(maximumCurvature: stiffness, firstNonFinite: firstNonFinite)
    }

    /// The L2 norm of η − η_exact over this block, squared and integrated (∑ e²·ΔA).
    public func squaredErrorIntegral(_ field: Field, time t: Double) -> Double {
        let n = field.layout.interior
        var sum = 0.0
        for i in 0..<n.x {
            let front = problem.front(x: geometry.centre(0, box.lower.x + i), t: t)
            for j in 0..<n.y {
                let e = field[i, j, 0] - problem.exact(y: geometry.centre(1, box.lower.y + j), front: front)
                sum += e * e
            }
        }
        return sum * geometry.cellVolume
    }
}
