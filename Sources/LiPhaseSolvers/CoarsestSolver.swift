import LiPhaseGrid
import LiPhaseParallel

public enum EllipticSolverError: Error, CustomStringConvertible, Equatable {
    /// No Dirichlet face and no reaction term: the potential is fixed only up to a constant.
    case singular
    case notConverged(iterations: Int, relativeResidual: Double)
    case nonFinite

    public var description: String {
        switch self {
        case .singular:
            return "the potential problem is singular: it has no Dirichlet boundary and no reaction term, so its level is undetermined"
        case let .notConverged(iterations, residual):
            return "the potential solve did not converge in \(iterations) iterations (relative residual \(residual))"
        case .nonFinite:
            return "the potential solve produced NaN or infinite values (check the conductivities and sources)"
        }
    }
}

/// Exact solve on the coarsest (replicated) grid by a dense Cholesky factorisation: cheap at
/// ≤ 64 unknowns, and exact, which a few smoothing sweeps are not for floating high-σ islands.
final class CoarsestSolver {
    private var factor: [Double] = []
    private var n = 0

    func factorize(_ level: MultigridLevel) throws {
        let cells = level.globalCells
        n = cells.product
        var a = [Double](repeating: 0, count: n * n)
        func index(_ i: Int, _ j: Int, _ k: Int) -> Int { i + cells.x * (j + cells.y * k) }
        let layout = level.layout
        for k in 0..<cells.z { for j in 0..<cells.y { for i in 0..<cells.x {
            let row = index(i, j, k)
            a[row * n + row] += level.diagonal(at: layout.offset(i, j, k))
            for axis in 0..<level.dimensions {
                var position = [i, j, k]
                let t = level.faces[axis].pointer
                let lowerFace = t[layout.offset(i, j, k)]
                position[axis] += 1
                let upperFace = t[layout.offset(position[0], position[1], position[2])]
                for (face, step) in [(lowerFace, -1), (upperFace, 1)] where face != 0 {
                    var neighbour = [i, j, k]
                    neighbour[axis] += step
                    if neighbour[axis] < 0 || neighbour[axis] >= cells[axis] {
                        guard level.decomposition.periodic[axis] else { continue }   // wall: ghost is 0
                        neighbour[axis] = (neighbour[axis] + cells[axis]) % cells[axis]
                    }
                    let column = index(neighbour[0], neighbour[1], neighbour[2])
                    a[row * n + column] -= face
                }
            }
        } } }
        // In-place Cholesky, lower triangle. A pivot that vanishes against its row's scale means
        // the operator has a null space (pure Neumann/periodic without reaction).
        for j in 0..<n {
            let scale = abs(a[j * n + j])
            var pivot = a[j * n + j]
            for m in 0..<j { pivot -= a[j * n + m] * a[j * n + m] }
            guard pivot > 1e-12 * max(scale, .leastNormalMagnitude) else { throw EllipticSolverError.singular }
            let root = pivot.squareRoot()
            a[j * n + j] = root
            for row in (j + 1)..<n {
                var value = a[row * n + j]
                for m in 0..<j { value -= a[row * n + m] * a[j * n + m] }
                a[row * n + j] = value / root
            }
        }
        factor = a
    }

    /// Solves for `level.solution` from `level.rhs` (interior values; the level is replicated).
    func solve(_ level: MultigridLevel) {
        let cells = level.globalCells, layout = level.layout
        var x = [Double](repeating: 0, count: n)
        var index = 0
        for k in 0..<cells.z { for j in 0..<cells.y { for i in 0..<cells.x {
            x[index] = level.rhs.pointer[layout.offset(i, j, k)]
            index += 1
        } } }
        for row in 0..<n {
            var value = x[row]
            for m in 0..<row { value -= factor[row * n + m] * x[m] }
            x[row] = value / factor[row * n + row]
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            var value = x[row]
            for m in (row + 1)..<n { value -= factor[m * n + row] * x[m] }
            x[row] = value / factor[row * n + row]
        }
        index = 0
        for k in 0..<cells.z { for j in 0..<cells.y { for i in 0..<cells.x {
            level.solution.pointer[layout.offset(i, j, k)] = x[index]
            index += 1
        } } }
    }
}
