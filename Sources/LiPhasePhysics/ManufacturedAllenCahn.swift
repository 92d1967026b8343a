import Foundation

/// PFHub benchmark 7a: Allen–Cahn with a manufactured solution.
///
///     ∂η/∂t = −[4η(η−1)(η−½) − κ∇²η] + S(x, y, t)   on [0,1]×[0,½]
///
/// The exact solution is η = ½[1 − tanh((y − α)/√(2κ))] with
/// α(x,t) = ¼ + A₁·t·sin(B₁x) + A₂·sin(B₂x + C₂t). With w = √(2κ), u = (y − α)/w, T = tanh u:
///
///     S = sech²u · [α_t/(2w) − T·α_x²/2 − κ·α_xx/(2w)]
///
/// (derived in docs/model.md; checked symbolically by Scripts/check_bm7_source.py and
/// numerically by the unit tests).
public struct ManufacturedAllenCahn: Sendable {
    public var kappa = 4.0e-4
    public var a1 = 0.0075, b1 = 8.0 * Double.pi
    public var a2 = 0.03, b2 = 22.0 * Double.pi, c2 = 0.0625 * Double.pi
    /// The benchmark domain, [0, 1] × [0, ½].
    public static let domain: [Double] = [1.0, 0.5]

    public init() {}

    public var width: Double { (2 * kappa).squareRoot() }

    /// α and its derivatives at one x; they do not depend on y, so kernels compute them per column.
    public struct Front: Sendable {
        public var alpha, alphaT, alphaX, alphaXX: Double
    }

    @inline(__always)
    public func front(x: Double, t: Double) -> Front {
        let s1 = sin(b1 * x), c1 = cos(b1 * x)
        let phase = b2 * x + c2 * t
        let s2 = sin(phase), cph = cos(phase)
        return Front(
            alpha: 0.25 + a1 * t * s1 + a2 * s2,
            alphaT: a1 * s1 + a2 * c2 * cph,
            alphaX: a1 * t * b1 * c1 + a2 * b2 * cph,
            alphaXX: -a1 * t * b1 * b1 * s1 - a2 * b2 * b2 * s2)
    }

    @inline(__always)
    public func exact(y: Double, front: Front) -> Double {
        0.5 * (1 - tanh((y - front.alpha) / width))
    }

    public func exact(x: Double, y: Double, t: Double) -> Double { exact(y: y, front: front(x: x, t: t)) }

    @inline(__always)
    public func source(y: Double, front: Front) -> Double {
        let w = width
        let tanhU = tanh((y - front.alpha) / w)
        let sech2 = 1 - tanhU * tanhU
        return sech2 * (front.alphaT / (2 * w) - tanhU * front.alphaX * front.alphaX / 2 - kappa * front.alphaXX / (2 * w))
    }

    public func source(x: Double, y: Double, t: Double) -> Double { source(y: y, front: front(x: x, t: t)) }

    /// The double-well driving force 4η(η−1)(η−½) = g′(η) for g = η²(1−η)².
    @inline(__always)
    public static func wellDerivative(_ eta: Double) -> Double { 4 * eta * (eta - 1) * (eta - 0.5) }

    /// d/dη of the driving force; its positive part limits the explicit step.
    @inline(__always)
    public static func wellCurvature(_ eta: Double) -> Double { 12 * eta * eta - 12 * eta + 2 }
}

extension ManufacturedAllenCahn {
    /// Largest stable forward-Euler step. Linearised about η, the update multiplies a Fourier mode
    /// by 1 − dt·(4κ∑1/Δx_i² + g″); it must stay ≥ −1. Negative curvature (growth) never limits.
    public func stableTimeStep(spacing: [Double], maximumCurvature: Double) -> Double {
        let diffusive = 4 * kappa * (1 / (spacing[0] * spacing[0]) + 1 / (spacing[1] * spacing[1]))
        return 2 / (diffusive + Swift.max(maximumCurvature, 0))
    }
}
