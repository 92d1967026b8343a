/// Property laws of MODEL.md §3, pointwise. Fractions: ξ (Li), v (void), s = 1 − ξ − v (solid
/// electrolyte or interlayer material). Conductivities in S/m.
public enum ConductivityLaws {
    /// σ_i = s·σ_SE + (ξ + v)·σ_floor: Li and void conduct no ions; the floor keeps the operator
    /// regular without carrying meaningful current.
    @inline(__always)
    public static func ionic(li: Double, void v: Double, electrolyte: Double, floor: Double) -> Double {
        let s = 1 - li - v
        return s * electrolyte + (li + v) * floor
    }

    /// σ_e = ξ·σ_Li + s·σ_e,SE + v·σ_floor, with σ_Li already capped (see `cappedLithium`).
    @inline(__always)
    public static func electronic(li: Double, void v: Double, lithium: Double, electrolyte: Double, floor: Double) -> Double {
        let s = 1 - li - v
        return li * lithium + s * electrolyte + v * floor
    }

    /// σ_Li (1.1×10⁷ S/m) would make the electronic operator span 10¹³; it is capped at C_cap × the
    /// largest conductivity outside Li. Li stays equipotential to within 1/C_cap of the drop
    /// elsewhere, which a test checks changes the cell voltage by < 0.1 %.
    public static func cappedLithium(_ lithium: Double, largestOutside: Double, capFactor: Double) -> Double {
        Swift.min(lithium, capFactor * largestOutside)
    }

    /// Share of the non-Li side that is electrolyte: voids carry no reaction (MODEL.md §4).
    @inline(__always)
    public static func contactShare(li: Double, void v: Double) -> Double {
        let s = 1 - li - v
        return s + v > 1e-12 ? s / (s + v) : 1
    }

    /// The smooth step p(ξ) = 3ξ² − 2ξ³ (clamped ξ) whose gradient is the interface delta
    /// δ_Γ = |∇p(ξ)| (MODEL.md §4): p runs from 0 to 1, so ∫δ_Γ dn = 1 across any monotone profile,
    /// and |∇p| = 6ξ(1−ξ)|∇ξ| decays like ξ² in the tails.
    @inline(__always)
    public static func interfaceStep(_ li: Double) -> Double {
        let x = Swift.min(Swift.max(li, 0), 1)
        return x * x * (3 - 2 * x)
    }
}
