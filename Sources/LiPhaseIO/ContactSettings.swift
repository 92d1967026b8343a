import LiPhaseMaterials

/// Li resupply, stack pressure and the initial contact pattern (MODEL.md §6), SI.
public struct ContactSettings: Sendable {
    public var stackPressure: Double                // Pa
    public var diffusiveSupply: Double              // v_d at the reference temperature, m/s
    public var diffusiveActivationEnergy: Double    // J
    public var creepCoefficient: Double             // B at the reference temperature, m/s
    public var creepExponent: Double
    public var creepActivationEnergy: Double        // J
    public var patchSize: Double                    // m
    public var seed: UInt64
    public var minimumFraction: Double
    public var roughness: Double                    // σ of the anode's asperities, m

    init(deck: Deck) {
        stackPressure = deck.real("contact.stack_pressure") ?? 0
        diffusiveSupply = deck.real("contact.diffusive_supply") ?? ContactDefaults.diffusiveSupply
        diffusiveActivationEnergy = deck.real("contact.diffusive_activation_energy") ?? 0.55 * 1.602176634e-19
        creepCoefficient = deck.real("contact.creep_coefficient") ?? ContactDefaults.creepCoefficient
        creepExponent = deck.real("contact.creep_exponent") ?? 6.56
        creepActivationEnergy = deck.real("contact.creep_activation_energy") ?? 37e3 / 6.02214076e23
        patchSize = deck.real("contact.patch_size") ?? 5e-6
        seed = UInt64(max(0, deck.integer("contact.seed") ?? 1))
        minimumFraction = deck.real("contact.minimum_fraction") ?? 0.01
        roughness = deck.real("contact.roughness") ?? ContactDefaults.roughness
    }
}

/// The Li/electrolyte contact: a library interlayer with the deck's overrides, or the bare
/// contact described by the same parameters (MODEL.md §3; docs/interlayers.md).
public struct InterlayerSettings: Sendable {
    /// The library entry, nil for the bare contact.
    public var record: InterlayerRecord?
    public var parameters: InterlayerParameters

    init(deck: Deck, bareChargeTransferResistance: Double, exchangeActivationEnergy: Double, referenceTemperature: Double, issues: inout [DeckIssue]) {
        var library = InterlayerLibrary.builtIn, libraryFailed = false
        if let path = deck.text("interlayer.library") {
            do { library = try InterlayerLibrary.load(path: path) } catch {
                issues.append(deck.issue("interlayer.library", "\(error)"))
                libraryFailed = true
            }
        }
        record = nil
        parameters = InterlayerParameters(layers: 1, chargeTransferResistance: bareChargeTransferResistance, ionicResistance: 0, electronicResistance: 0,
                                          penetrationThreshold: nil, initialContactFraction: 1, supplyFactor: 1)
        if let name = deck.text("interlayer.name") {
            if let found = library.first(where: { $0.key == name }) {
                record = found
                parameters = InterlayerRules.parameters(found, exchangeActivationEnergy: exchangeActivationEnergy, referenceTemperature: referenceTemperature)
            } else if !libraryFailed {
                let hint = DeckParser.closest(to: name, among: library.map(\.key)).map { "; did you mean '\($0)'?" } ?? ""
                issues.append(deck.issue("interlayer.name", "'\(name)' is not in the interlayer library (\(library.count) entries; list them with `liphase info interlayers`)\(hint)"))
            }
        }
        if let layers = deck.integer("interlayer.layers") { parameters.layers = layers }
        if let r = deck.real("interlayer.charge_transfer_resistance") { parameters.chargeTransferResistance = r }
        if let r = deck.real("interlayer.ionic_resistance") { parameters.ionicResistance = r }
        if let r = deck.real("interlayer.electronic_resistance") { parameters.electronicResistance = r }
        if let v = deck.real("interlayer.penetration_threshold") { parameters.penetrationThreshold = v }
        if let f = deck.real("interlayer.initial_contact_fraction") { parameters.initialContactFraction = f }
        if let chi = deck.real("interlayer.supply_factor") { parameters.supplyFactor = chi }
    }
}
