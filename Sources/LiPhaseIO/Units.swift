import Foundation

/// Physical quantities that decks may give, each with the literature unit used for bare numbers
/// and the other spellings accepted in a "value unit" string. Everything is converted to SI.
public enum Quantity: String, Sendable, CaseIterable {
    case dimensionless, length, time, temperature, currentDensity, areaResistance
    case conductivity, pressure, voltage, activationEnergy, interfaceEnergy, diffusivity, molarVolume, fractureToughness, concentration, velocity

    /// The unit a bare number is taken in (MODEL.md §0) and in which ranges are stated.
    public var unit: String {
        switch self {
        case .dimensionless: return "1"
        case .length: return "µm"
        case .time: return "s"
        case .temperature: return "°C"
        case .currentDensity: return "mA/cm²"
        case .areaResistance: return "Ω·cm²"
        case .conductivity: return "S/cm"
        case .pressure: return "MPa"
        case .voltage: return "V"
        case .activationEnergy: return "eV"
        case .interfaceEnergy: return "J/m²"
        case .diffusivity: return "cm²/s"
        case .molarVolume: return "cm³/mol"
        case .fractureToughness: return "MPa·m^½"
        case .concentration: return "mol/L"
        case .velocity: return "nm/s"
        }
    }

    public var noun: String {
        switch self {
        case .dimensionless: return "number"
        case .length: return "length"
        case .time: return "time"
        case .temperature: return "temperature"
        case .currentDensity: return "current density"
        case .areaResistance: return "area resistance"
        case .conductivity: return "conductivity"
        case .pressure: return "pressure"
        case .voltage: return "voltage"
        case .activationEnergy: return "activation energy"
        case .interfaceEnergy: return "interface energy"
        case .diffusivity: return "diffusivity"
        case .molarVolume: return "molar volume"
        case .fractureToughness: return "fracture toughness"
        case .concentration: return "concentration"
        case .velocity: return "velocity"
        }
    }

    /// Accepted spellings (after `normalise`) → (scale, offset) to SI: si = value·scale + offset.
    var conversions: [(names: [String], scale: Double, offset: Double)] {
        switch self {
        case .dimensionless: return [(["", "1"], 1, 0)]
        case .length: return [(["m"], 1, 0), (["mm"], 1e-3, 0), (["um", "µm", "μm", "micron"], 1e-6, 0), (["nm"], 1e-9, 0)]
        case .time: return [(["s"], 1, 0), (["ms"], 1e-3, 0), (["min"], 60, 0), (["h"], 3600, 0)]
        case .temperature: return [(["k"], 1, 0), (["°c", "degc", "c"], 1, 273.15)]
        case .currentDensity: return [(["ma/cm2"], 10, 0), (["a/m2"], 1, 0), (["µa/cm2", "ua/cm2", "μa/cm2"], 1e-2, 0), (["a/cm2"], 1e4, 0)]
        case .areaResistance: return [(["ohmcm2"], 1e-4, 0), (["ohmm2"], 1, 0)]
        case .conductivity: return [(["s/cm"], 100, 0), (["s/m"], 1, 0), (["ms/cm"], 0.1, 0)]
        case .pressure: return [(["mpa"], 1e6, 0), (["kpa"], 1e3, 0), (["pa"], 1, 0), (["gpa"], 1e9, 0), (["bar"], 1e5, 0)]
        case .voltage: return [(["v"], 1, 0), (["mv"], 1e-3, 0)]
        case .activationEnergy: return [(["ev"], 1.602176634e-19, 0), (["kj/mol"], 1e3 / 6.02214076e23, 0), (["j/mol"], 1 / 6.02214076e23, 0)]
        case .interfaceEnergy: return [(["j/m2"], 1, 0), (["mj/m2"], 1e-3, 0)]
        case .diffusivity: return [(["cm2/s"], 1e-4, 0), (["m2/s"], 1, 0)]
        case .molarVolume: return [(["cm3/mol"], 1e-6, 0), (["m3/mol"], 1, 0)]
        case .fractureToughness: return [(["mpam0.5", "mpam1/2", "mpam½", "mpasqrt(m)"], 1e6, 0), (["pam0.5", "pam1/2", "pam½"], 1, 0)]
        case .concentration: return [(["mol/l", "m"], 1000, 0), (["mol/m3"], 1, 0), (["mmol/l", "mm"], 1, 0)]
        case .velocity: return [(["nm/s"], 1e-9, 0), (["um/s", "µm/s", "μm/s"], 1e-6, 0), (["m/s"], 1, 0), (["um/h", "µm/h", "μm/h"], 1e-6 / 3600, 0), (["nm/h"], 1e-9 / 3600, 0)]
        }
    }

    /// The spellings listed in error messages and docs.
    public var acceptedUnits: [String] {
        switch self {
        case .dimensionless: return []
        case .length: return ["m", "mm", "um", "µm", "nm"]
        case .time: return ["s", "ms", "min", "h"]
        case .temperature: return ["°C", "degC", "K"]
        case .currentDensity: return ["mA/cm2", "uA/cm2", "A/cm2", "A/m2"]
        case .areaResistance: return ["ohm*cm2", "Ω·cm²", "ohm*m2"]
        case .conductivity: return ["S/cm", "mS/cm", "S/m"]
        case .pressure: return ["MPa", "kPa", "Pa", "GPa", "bar"]
        case .voltage: return ["V", "mV"]
        case .activationEnergy: return ["eV", "kJ/mol", "J/mol"]
        case .interfaceEnergy: return ["J/m2", "mJ/m2"]
        case .diffusivity: return ["cm2/s", "m2/s"]
        case .molarVolume: return ["cm3/mol", "m3/mol"]
        case .fractureToughness: return ["MPa*m^0.5", "Pa*m^0.5"]
        case .concentration: return ["mol/L", "M", "mol/m3", "mM"]
        case .velocity: return ["nm/s", "um/s", "m/s", "um/h", "nm/h"]
        }
    }

    /// SI value of a number given in this quantity's literature unit.
    public func toSI(_ value: Double) -> Double {
        let c = conversions[defaultConversionIndex]
        return value * c.scale + c.offset
    }

    /// Inverse of `toSI`: the literature-unit number for an SI value.
    public func fromSI(_ value: Double) -> Double {
        let c = conversions[defaultConversionIndex]
        return (value - c.offset) / c.scale
    }

    private var defaultConversionIndex: Int {
        switch self {
        case .length: return 2
        case .temperature: return 1
        default: return 0
        }
    }

    static func normalise(_ unit: String) -> String {
        var u = unit.lowercased()
        for (from, to) in [("ω", "ohm"), ("Ω", "ohm"), ("²", "2"), ("³", "3"), ("^", ""), ("·", ""), ("*", ""), (" ", ""), ("ohm.", "ohm")] {
            u = u.replacingOccurrences(of: from, with: to)
        }
        return u
    }

    public enum ParseFailure: Error, Equatable {
        case notANumber
        case notFinite
        case unknownUnit(String)
        /// A finite number whose SI value is not (e.g. 1e308 h).
        case overflow
    }

    /// Parses "12", "12.5 um", "2 h", "25 °C" into SI.
    public func parse(_ text: String) -> Result<Double, ParseFailure> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let numberEnd = trimmed.firstIndex(where: { !("0123456789+-.eE".contains($0)) }) ?? trimmed.endIndex
        var numberPart = String(trimmed[..<numberEnd])
        var unitPart = String(trimmed[numberEnd...]).trimmingCharacters(in: .whitespaces)
        // "1e" followed by a unit letter such as "1 eV" must not swallow the "e".
        while !numberPart.isEmpty, Double(numberPart) == nil, let last = numberPart.last, last == "e" || last == "E" {
            numberPart.removeLast()
            unitPart = String(last) + unitPart
        }
        guard !numberPart.isEmpty, let number = Double(numberPart) else { return .failure(.notANumber) }
        guard number.isFinite else { return .failure(.notFinite) }
        let key = Self.normalise(unitPart)
        if unitPart.isEmpty {
            let si = toSI(number)
            return si.isFinite ? .success(si) : .failure(.overflow)
        }
        for conversion in conversions where conversion.names.contains(key) {
            let si = number * conversion.scale + conversion.offset
            return si.isFinite ? .success(si) : .failure(.overflow)
        }
        return .failure(.unknownUnit(unitPart))
    }
}
