import Foundation

/// Li nucleation inside the solid electrolyte (MODEL.md §5), as a Faradaic reaction with a
/// threshold. In electrolyte cells that are not yet Li (ξ < ½) a nucleus reacts over an area
/// density s/ℓ (one interface of the relaxed width per cell, in proportion to the electrolyte
/// share s) with the cathodic branch of the contact's kinetics on the excess overpotential
///
///     x = η + η_nuc + η_pen(b),    η_pen(b) = η_pen,g(1 − b) + η_pen,gb·b,
///
///     i_nuc(x) = −i₀·[exp(−α_c f x) − 1 + α_c f x]   for x < 0,   0 otherwise.
///
/// Subtracting the linear term makes the current and its slope vanish at the threshold, so the
/// Newton iteration of the potential solve sees a C¹ law (a kink at x = 0 would let an iterate
/// flip a cell on and off). Being part of q, nucleation is charged to the solve like any
/// reaction: its electrons must arrive through σ_e, which is how the electronic conductivity of
/// the boundaries decides where Li appears, and the charge and the Li inventory count it exactly.
public struct Nucleation: Sendable, Equatable {
    public var exchangeCurrentDensity: Double   // i₀, A/m²
    public var alphaCathodic: Double
    public var inverseThermalVoltage: Double     // f = F/(RT), 1/V
    public var overpotential: Double             // η_nuc, V
    public var grainThreshold: Double            // η_pen,g, V
    public var boundaryThreshold: Double         // η_pen,gb, V
    public var areaDensity: Double               // 1/ℓ, 1/m

    public init(kinetics: ButlerVolmer, overpotential: Double, grainThreshold: Double, boundaryThreshold: Double, width: Double) {
        exchangeCurrentDensity = kinetics.exchangeCurrentDensity
        alphaCathodic = kinetics.alphaCathodic
        inverseThermalVoltage = kinetics.f
        self.overpotential = overpotential
        self.grainThreshold = grainThreshold
        self.boundaryThreshold = boundaryThreshold
        areaDensity = 1 / width
    }

    /// η_nuc + η_pen at boundary indicator b.
    @inline(__always)
    public func threshold(boundary b: Double) -> Double {
        overpotential + grainThreshold + (boundaryThreshold - grainThreshold) * b
    }

    /// i_nuc (A/m², < 0: plating) at excess overpotential x = η + threshold.
    @inline(__always)
    public func current(excess x: Double) -> Double {
        guard x < 0 else { return 0 }
        let a = alphaCathodic * inverseThermalVoltage * x
        return -exchangeCurrentDensity * (ButlerVolmer.safeExp(-a) - 1 + a)
    }

    /// di_nuc/dη ≥ 0.
    @inline(__always)
    public func slope(excess x: Double) -> Double {
        guard x < 0 else { return 0 }
        let af = alphaCathodic * inverseThermalVoltage
        return exchangeCurrentDensity * af * (ButlerVolmer.safeExp(-af * x) - 1)
    }
}
