import XCTest
import LiPhasePhysics

final class ManufacturedAllenCahnTests: XCTestCase {
    let problem = ManufacturedAllenCahn()

    /// The closed-form source must make the exact solution satisfy the PDE. Each derivative is
    /// taken by a central difference with step h; the truncation error is h²/6·|∂³η| for first
    /// derivatives and κh²/12·|∂⁴η| for the Laplacian. With |∂ⁿη| ≲ (1/√(2κ))ⁿ ≈ 35ⁿ (times
    /// |α_x|ⁿ ≲ 3ⁿ along x) and h = 1e-5, that bounds the residual by about 2e-5.
    func testSourceSatisfiesThePDE() {
        let h = 1e-5, kappa = problem.kappa
        var worst = 0.0
        for x in stride(from: 0.013, to: 1, by: 0.071) {
            for y in stride(from: 0.17, to: 0.33, by: 0.0071) {
                for t in [0.0, 1.3, 4.7, 8.0] {
                    let e = { (x: Double, y: Double, t: Double) in self.problem.exact(x: x, y: y, t: t) }
                    let c = e(x, y, t)
                    let dt = (e(x, y, t + h) - e(x, y, t - h)) / (2 * h)
                    let dxx = (e(x + h, y, t) - 2 * c + e(x - h, y, t)) / (h * h)
                    let dyy = (e(x, y + h, t) - 2 * c + e(x, y - h, t)) / (h * h)
                    let residual = dt + ManufacturedAllenCahn.wellDerivative(c) - kappa * (dxx + dyy) - problem.source(x: x, y: y, t: t)
                    worst = max(worst, abs(residual))
                }
            }
        }
        XCTAssertLessThan(worst, 2e-5)
    }

    func testExactSolutionMeetsTheWallValuesWithinTheTanhTail() {
        // The benchmark imposes η = 1 at y = 0 and η = 0 at y = ½; the exact solution differs by
        // tanh's tail. By t = 8, α ∈ [¼ − 8A₁ − A₂, ¼ + 8A₁ + A₂] = [0.16, 0.34], so the largest
        // gap is ½[1 − tanh(0.16/√(2κ))] ≈ 1.2e-5: far below the L2 errors of the study (≥ 2e-4).
        let reach = 8 * problem.a1 + problem.a2
        let bound = 0.5 * (1 - tanh((0.25 - reach) / problem.width))
        XCTAssertLessThan(bound, 1.3e-5)
        for x in stride(from: 0.0, through: 1.0, by: 0.01) {
            for t in [0.0, 2.0, 8.0] {
                XCTAssertEqual(problem.exact(x: x, y: 0, t: t), 1, accuracy: bound)
                XCTAssertEqual(problem.exact(x: x, y: 0.5, t: t), 0, accuracy: bound)
            }
        }
    }

    func testStableStepIsTheForwardEulerLimit() {
        // 1-D check of the bound: 2/(4κ/Δx² + g″) with Δy → ∞ contributes nothing.
        let dt = problem.stableTimeStep(spacing: [0.01, 1e30, 1], maximumCurvature: 2)
        XCTAssertEqual(dt, 2 / (4 * problem.kappa / 1e-4 + 2), accuracy: 1e-15)
        // Negative curvature (the unstable middle of the well) never shortens the step.
        XCTAssertEqual(problem.stableTimeStep(spacing: [0.01, 0.01, 1], maximumCurvature: -1),
                       problem.stableTimeStep(spacing: [0.01, 0.01, 1], maximumCurvature: 0))
    }
}
