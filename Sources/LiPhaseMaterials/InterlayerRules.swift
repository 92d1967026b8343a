import Foundation

/// One row of the literature interlayer table (Inputs/literature/interlayers.csv), in SI.
public struct InterlayerRecord: Sendable, Equatable {
    public enum ElectronBlocking: String, Sendable, CaseIterable { case yes, no, unknown }
    public var key: String
    public var label: String
    public var family: String
    public var electronBlocking: ElectronBlocking
    public var alloying: Bool
    /// Interfacial ASR before and after the treatment, Ω·m².
    public var resistanceBefore: Double?
    public var resistanceAfter: Double
    /// Film thickness, m.
    public var thickness: Double?
    /// Temperature of the ASR measurement, K (nil: not reported).
    public var temperature: Double?
    public var source: String

    public init(key: String, label: String, family: String, electronBlocking: ElectronBlocking, alloying: Bool, resistanceBefore: Double?,
                resistanceAfter: Double, thickness: Double?, temperature: Double?, source: String) {
        self.key = key
        self.label = label
        self.family = family
        self.electronBlocking = electronBlocking
        self.alloying = alloying
        self.resistanceBefore = resistanceBefore
        self.resistanceAfter = resistanceAfter
        self.thickness = thickness
        self.temperature = temperature
        self.source = source
    }
}

/// The model parameters of an interlayer or of the bare contact (MODEL.md §3), SI.
public struct InterlayerParameters: Sendable, Equatable {
    /// n_IL, cell layers of the film.
    public var layers: Int
    /// R_ct at the Li/interlayer contact at 25 °C, Ω·m² (→ i₀ = RT/(F·R_ct)).
    public var chargeTransferResistance: Double
    /// R_IL,i and R_IL,e, Ω·m².
    public var ionicResistance: Double
    public var electronicResistance: Double
    /// η_pen,IL, V; nil: the electrolyte grain's threshold.
    public var penetrationThreshold: Double?
    /// f₀.
    public var initialContactFraction: Double
    /// χ ≥ 1.
    public var supplyFactor: Double

    public init(layers: Int, chargeTransferResistance: Double, ionicResistance: Double, electronicResistance: Double,
                penetrationThreshold: Double?, initialContactFraction: Double, supplyFactor: Double) {
        self.layers = layers
        self.chargeTransferResistance = chargeTransferResistance
        self.ionicResistance = ionicResistance
        self.electronicResistance = electronicResistance
        self.penetrationThreshold = penetrationThreshold
        self.initialContactFraction = initialContactFraction
        self.supplyFactor = supplyFactor
    }
}

/// The rules that turn a literature row into model parameters (docs/interlayers.md gives the
/// reasons; the numbers marked as assumptions there are not fitted to anything).
public enum InterlayerRules {
    /// R_IL,e of an electron-blocking film: 10⁶ Ω·cm² (a 5 nm Al₂O₃ or 20 nm LiF film at
    /// 10⁻¹²–10⁻¹³ S/cm gives 10⁵–10⁷ Ω·cm²).
    public static let blockingResistance = 1e2
    /// Lithiophobic carbonate surfaces touch about half the Li (assumption).
    public static let contaminatedContactFraction = 0.5
    public static let alloyingSupplyFactor = 4.0
    public static let mixedConductorSupplyFactor = 2.0

    static let boltzmann = 1.380649e-23

    public static func initialContactFraction(_ record: InterlayerRecord) -> Double {
        record.family == "contaminated" ? contaminatedContactFraction : 1
    }

    public static func supplyFactor(_ record: InterlayerRecord) -> Double {
        if record.alloying { return alloyingSupplyFactor }
        if ["mixed", "organic_mixed"].contains(record.family), record.electronBlocking == .no { return mixedConductorSupplyFactor }
        return 1
    }

    public static func electronicResistance(_ record: InterlayerRecord) -> Double {
        record.electronBlocking == .yes ? blockingResistance : 0
    }

    /// R_ct(25 °C) = f₀·ASR·(T_ref/T_meas)·exp[(E_a/k_B)(1/T_ref − 1/T_meas)]: the measured ASR
    /// is per nominal area and the current crosses only f₀ of it; the model's linear resistance
    /// RT/(F·i₀(T)) then gives back f₀·ASR at T_meas exactly (an ASR measured hot is larger at 25 °C).
    public static func chargeTransferResistance(_ record: InterlayerRecord, exchangeActivationEnergy: Double, referenceTemperature: Double) -> Double {
        let measured = record.temperature ?? referenceTemperature
        let toReference = referenceTemperature / measured * exp(exchangeActivationEnergy / boltzmann * (1 / referenceTemperature - 1 / measured))
        return initialContactFraction(record) * record.resistanceAfter * toReference
    }

    public static func parameters(_ record: InterlayerRecord, exchangeActivationEnergy: Double, referenceTemperature: Double) -> InterlayerParameters {
        InterlayerParameters(layers: 1,
                             chargeTransferResistance: chargeTransferResistance(record, exchangeActivationEnergy: exchangeActivationEnergy,
                                                                                referenceTemperature: referenceTemperature),
                             ionicResistance: 0, electronicResistance: electronicResistance(record), penetrationThreshold: nil,
                             initialContactFraction: initialContactFraction(record), supplyFactor: supplyFactor(record))
    }
}
