import Foundation

/// Li resupply to a stripping contact (MODEL.md §6), per unit contact area:
///
///     v_sup = χ·v_d(T) + B(T)·(P_eff / 1 MPa)^n_c,   P_eff = P_stack / f
///
/// v_d is the diffusive (vacancy) supply and B the creep supply at 1 MPa, both already at the
/// cell temperature; f is the contact fraction, so the stack load concentrates on what contact
/// remains and creep speeds up as contact is lost.
public struct SupplyLaw: Sendable, Equatable {
    /// χ·v_d, m/s.
    public var diffusive: Double
    /// B, m/s at P_eff = 1 MPa.
    public var creepCoefficient: Double
    public var creepExponent: Double
    /// P_stack, Pa.
    public var stackPressure: Double

    public init(diffusive: Double, creepCoefficient: Double, creepExponent: Double, stackPressure: Double) {
        self.diffusive = diffusive
        self.creepCoefficient = creepCoefficient
        self.creepExponent = creepExponent
        self.stackPressure = stackPressure
    }

    /// v_sup at contact fraction f (m/s). f is floored at 10⁻⁶: with no contact left the load
    /// has nowhere to go, and the run stops on contact loss long before.
    public func velocity(contactFraction f: Double) -> Double {
        guard stackPressure > 0, creepCoefficient > 0 else { return diffusive }
        let effective = stackPressure / Swift.max(f, 1e-6) / 1e6
        return diffusive + creepCoefficient * pow(effective, creepExponent)
    }

    /// The stripping current density a full contact (f = 1) can carry without opening void:
    /// J = v_sup(1)·F/Ω (A/m²). Below it the supply covers the stripped Li everywhere on a
    /// uniformly stripped planar contact.
    public func sustainableCurrentDensity(molarVolume: Double) -> Double {
        velocity(contactFraction: 1) * PhysicalConstants.faraday / molarVolume
    }
}

/// How much of a column's anode still touches the electrolyte once stripping has opened a void gap
/// between them (MODEL.md §6, deviation in docs/model.md section (l)). The anode's face is rough
/// on the scale σ: with the exponential asperity heights of Greenwood & Williamson (1966), the
/// share of the face within reach of the electrolyte across a mean gap w is exp(−w/σ). The gap is
/// a volume per area, so the law holds whatever the diffuse interface width ℓ; without it a
/// column lost contact only once the whole diffuse band was stripped, and the CCD scaled with ℓ.
public enum AsperityContact {
    /// exp(−w/σ) for gap w ≥ 0 and roughness σ > 0 (both m).
    @inline(__always)
    public static func share(gap: Double, roughness: Double) -> Double {
        exp(-Swift.max(gap, 0) / roughness)
    }
}

/// The cells of the Li/interlayer contact (MODEL.md §3): from the collector at x = 0 to the far
/// side of the interlayer film. Li there touches the interlayer, so the contact's exchange
/// current density and penetration threshold apply; beyond it (dendrite tips, nuclei) the bare
/// Li/electrolyte values do.
public struct ContactRegion: Sendable, Equatable {
    /// Global x cells [0, end).
    public var end: Int
    /// i₀ of the contact over i₀ of bare Li/electrolyte.
    public var exchangeScale: Double
    /// η_pen,IL, V; nil: the electrolyte's own (grain/boundary) threshold.
    public var penetrationThreshold: Double?

    public init(end: Int, exchangeScale: Double, penetrationThreshold: Double?) {
        self.end = end
        self.exchangeScale = exchangeScale
        self.penetrationThreshold = penetrationThreshold
    }
}
