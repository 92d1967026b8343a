import Foundation

/// Butler–Volmer kinetics at the Li contact (MODEL.md §0):
///
///     i(η) = i₀ [exp(α_a f η) − c̃ exp(−α_c f η)],   f = F/(RT)
///
/// i > 0 strips Li (anodic), i < 0 plates. c̃ (the normalised Li⁺ concentration) multiplies the
/// cathodic branch in binary-electrolyte mode and is 1 otherwise.
public struct ButlerVolmer: Sendable, Equatable {
    public var exchangeCurrentDensity: Double   // A/m²
    public var alphaAnodic: Double
    public var alphaCathodic: Double
    public var temperature: Double              // K

    public init(exchangeCurrentDensity: Double, alphaAnodic: Double = 0.5, alphaCathodic: Double = 0.5, temperature: Double) {
        self.exchangeCurrentDensity = exchangeCurrentDensity
        self.alphaAnodic = alphaAnodic
        self.alphaCathodic = alphaCathodic
        self.temperature = temperature
    }

    /// i₀ = RT/(F·R_ct) from a measured charge-transfer area resistance (Ω·m²): the slope of
    /// i(η) at η = 0 is then exactly 1/R_ct.
    public static func exchangeCurrentDensity(chargeTransferResistance: Double, temperature: Double) -> Double {
        PhysicalConstants.gas * temperature / (PhysicalConstants.faraday * chargeTransferResistance)
    }

    public var f: Double { PhysicalConstants.inverseThermalVoltage(temperature: temperature) }

    /// Exponents beyond ±200 (η of volts) never occur in a converged state; clamping keeps a
    /// wild Newton iterate finite so the solver can recover instead of producing Inf.
    @inline(__always)
    static func safeExp(_ x: Double) -> Double { exp(Swift.min(Swift.max(x, -200), 200)) }

    @inline(__always)
    public func current(overpotential eta: Double, concentration: Double = 1) -> Double {
        let fe = f * eta
        return exchangeCurrentDensity * (Self.safeExp(alphaAnodic * fe) - concentration * Self.safeExp(-alphaCathodic * fe))
    }

    /// di/dη > 0: the linearised reaction term of the Newton step.
    @inline(__always)
    public func slope(overpotential eta: Double, concentration: Double = 1) -> Double {
        let fe = f * eta
        return exchangeCurrentDensity * f * (alphaAnodic * Self.safeExp(alphaAnodic * fe) + concentration * alphaCathodic * Self.safeExp(-alphaCathodic * fe))
    }

    /// The η that carries current density `i` (inverse of `current`), by safeguarded Newton on a
    /// monotone function: exact to ~1e-15 V.
    public func overpotential(forCurrent i: Double, concentration: Double = 1) -> Double {
        // Bracket: the current is monotone increasing in η.
        var low = -1.0, high = 1.0
        while current(overpotential: low, concentration: concentration) > i { low *= 2 }
        while current(overpotential: high, concentration: concentration) < i { high *= 2 }
        var eta = 0.0
        for _ in 0..<200 {
            let residual = current(overpotential: eta, concentration: concentration) - i
            if residual > 0 { high = eta } else { low = eta }
            var next = eta - residual / slope(overpotential: eta, concentration: concentration)
            if !(next > low && next < high) { next = 0.5 * (low + high) }
            if abs(next - eta) <= 1e-16 * Swift.max(1, abs(eta)) { return next }
            eta = next
        }
        return eta
    }
}

/// X(T) = X(T_ref)·exp[−(E_a/k_B)(1/T − 1/T_ref)] (MODEL.md §3); E_a in J per particle.
@inline(__always)
public func arrhenius(_ valueAtReference: Double, activationEnergy: Double, temperature: Double, referenceTemperature: Double = 298.15) -> Double {
    valueAtReference * exp(-(activationEnergy / PhysicalConstants.boltzmann) * (1 / temperature - 1 / referenceTemperature))
}

/// The plating overpotential at which Li can displace electrolyte (MODEL.md §3):
/// η_pen = Ω_Li·σ_c/F with the fracture stress σ_c = K_IC/(1.12·√(πa)) of a surface flaw of size a.
public func penetrationThreshold(fractureToughness: Double, flawSize: Double, molarVolume: Double) -> Double {
    let stress = fractureToughness / (1.12 * (Double.pi * flawSize).squareRoot())
    return molarVolume * stress / PhysicalConstants.faraday
}
