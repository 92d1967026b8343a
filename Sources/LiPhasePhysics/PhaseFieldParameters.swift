import Foundation

/// Allen–Cahn parameters from the interface energy γ and width ℓ (MODEL.md §5).
///
/// With g(ξ) = ξ²(1−ξ)², the 1-D equilibrium of κξ″ = W g′(ξ) is ξ = ½[1 + tanh(2x/ℓ)] when
/// ℓ = 2√(2κ/W), and its excess energy is γ = √(2κW)/6. Solving both: κ = 3γℓ/2, W = 12γ/ℓ.
public struct PhaseFieldParameters: Sendable, Equatable {
    public var gradientCoefficient: Double   // κ, J/m
    public var barrierHeight: Double         // W, J/m³
    public var width: Double                 // ℓ, m

    public init(interfaceEnergy gamma: Double, width: Double) {
        self.width = width
        gradientCoefficient = 1.5 * gamma * width
        barrierHeight = 12 * gamma / width
    }

    /// The relaxed planar profile ξ(x) for an interface at x₀ with Li (ξ = 1) on the low-x side.
    public func profile(_ x: Double, interface x0: Double) -> Double {
        0.5 * (1 - tanh(2 * (x - x0) / width))
    }
}
