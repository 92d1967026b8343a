/// The electrodeposition model's inputs in SI, after the checks that span several keys.
public struct ElectrodepositionSettings: Sendable {
    public enum Mode: String, Sendable { case galvanostatic, potentiostatic, cycle, ccdRamp = "ccd_ramp" }

    /// Binary electrolyte (MODEL.md §7) instead of a single-ion solid.
    public var binaryElectrolyte: Bool
    public var bulkConcentration: Double            // c₀, mol/m³
    public var diffusivity: Double                  // m²/s

    public var anodeThickness: Double
    public var reservoirThickness: Double
    /// Total electrolyte thickness L_SE (≥ the simulated electrolyte).
    public var pelletThickness: Double

    public var ionicConductivity: Double            // σ_g at the reference temperature, S/m
    public var ionicActivationEnergy: Double        // J
    public var electronicConductivity: Double       // S/m
    public var electronicActivationEnergy: Double   // J
    public var fractureToughness: Double            // Pa·m^½
    public var flawSize: Double                     // m
    public var conductivityFloor: Double            // fraction of σ_g

    public var boundaryResistance: Double           // r_gb, Ω·m² at the reference temperature
    public var boundaryActivationEnergy: Double     // J
    public var boundaryElectronicConductivity: Double  // σ_e,gb,phys of the core, S/m
    public var boundaryCoreWidth: Double            // δ_gb, m
    public var boundaryFractureToughness: Double    // Pa·m^½
    public var microstructure: MicrostructureSettings

    public var nucleationEnabled: Bool
    public var nucleationOverpotential: Double      // V
    public var shortVoltageThreshold: Double        // V, 0: off

    public var lithiumConductivity: Double          // S/m
    public var lithiumCapFactor: Double
    public var molarVolume: Double                  // m³/mol

    public var chargeTransferResistance: Double     // Ω·m² at the reference temperature
    public var exchangeActivationEnergy: Double     // J
    public var alphaAnodic: Double
    public var alphaCathodic: Double
    public var equilibriumPotential: Double         // V

    public var contact: ContactSettings
    public var interlayer: InterlayerSettings

    public var interfaceCells: Int
    public var interfaceEnergy: Double              // J/m²
    public var relaxationSpeedup: Double
    public var noise: Double
    public var seed: UInt64

    public var mode: Mode
    public var currentDensity: Double               // A/m², > 0 plates at x = 0
    public var voltage: Double                      // V
    public var halfCycle: Double                    // s
    public var platesFirst: Bool
    /// ccd_ramp: the step ramp (A/m², s).
    public var ramp: CurrentRamp
    public var criticalContact: Double
    public var voltageLimit: Double                 // V, 0: off

    public var potentialTolerance: Double           // V
    public var maximumNewtonIterations: Int
    public var maximumFractionChange: Double

    /// Reference temperature of every Arrhenius law: 25 °C.
    public static let referenceTemperature = 298.15

    init(deck: Deck, size: [Double], issues: inout [DeckIssue]) {
        func real(_ path: String, _ fallback: Double) -> Double { deck.real(path) ?? fallback }
        binaryElectrolyte = deck.text("electrolyte.kind") == "binary"
        bulkConcentration = real("electrolyte.concentration", 1000)
        diffusivity = real("electrolyte.diffusivity", 3.18e-10)
        anodeThickness = real("cell.anode_thickness", 5e-6)
        reservoirThickness = real("cell.reservoir_thickness", 20e-6)
        ionicConductivity = real("electrolyte.ionic_conductivity", 0.1)
        ionicActivationEnergy = real("electrolyte.ionic_activation_energy", 0.28 * 1.602176634e-19)
        electronicConductivity = real("electrolyte.electronic_conductivity", 1e-6)
        electronicActivationEnergy = real("electrolyte.electronic_activation_energy", 0)
        fractureToughness = real("electrolyte.fracture_toughness", 1.25e6)
        flawSize = real("electrolyte.flaw_size", 1e-6)
        conductivityFloor = real("electrolyte.conductivity_floor", 1e-6)
        boundaryResistance = real("electrolyte.grain_boundary_resistance", 0.3e-4)
        boundaryActivationEnergy = real("electrolyte.grain_boundary_activation_energy", 0.52 * 1.602176634e-19)
        boundaryElectronicConductivity = real("electrolyte.grain_boundary_electronic_conductivity", 1e-4)
        boundaryCoreWidth = real("electrolyte.grain_boundary_core_width", 1e-9)
        boundaryFractureToughness = real("electrolyte.grain_boundary_fracture_toughness", 0.44e6)
        microstructure = MicrostructureSettings(deck: deck)
        nucleationEnabled = deck.boolean("nucleation.enabled") ?? true
        nucleationOverpotential = real("nucleation.overpotential", 0.02)
        shortVoltageThreshold = real("short.voltage_threshold", 0)
        lithiumConductivity = real("lithium.electronic_conductivity", 1.1e7)
        lithiumCapFactor = real("lithium.conductivity_cap", 1e4)
        molarVolume = real("lithium.molar_volume", 12.97e-6)
        chargeTransferResistance = real("electrochemistry.charge_transfer_resistance", 2e-4)
        exchangeActivationEnergy = real("electrochemistry.exchange_activation_energy", 0.3 * 1.602176634e-19)
        alphaAnodic = real("electrochemistry.alpha_anodic", 0.5)
        alphaCathodic = real("electrochemistry.alpha_cathodic", 0.5)
        equilibriumPotential = real("electrochemistry.equilibrium_potential", 0)
        contact = ContactSettings(deck: deck)
        interlayer = InterlayerSettings(deck: deck, bareChargeTransferResistance: chargeTransferResistance, exchangeActivationEnergy: exchangeActivationEnergy,
                                        referenceTemperature: Self.referenceTemperature, issues: &issues)
        interfaceCells = deck.integer("phase_field.interface_cells") ?? 4
        interfaceEnergy = real("phase_field.interface_energy", 0.5)
        relaxationSpeedup = real("phase_field.relaxation_speedup", 10)
        noise = real("phase_field.noise", 0)
        seed = UInt64(max(0, deck.integer("phase_field.seed") ?? 1))
        mode = Mode(rawValue: deck.text("protocol.mode") ?? "galvanostatic") ?? .galvanostatic
        currentDensity = real("protocol.current_density", 5)
        voltage = real("protocol.voltage", 0)
        halfCycle = real("protocol.half_cycle", 3600)
        platesFirst = (deck.text("protocol.first") ?? "plate") == "plate"
        ramp = CurrentRamp(start: real("protocol.start_current", 1), increment: real("protocol.current_step", 1), maximum: real("protocol.max_current", 20),
                           stripTime: real("protocol.strip_time", halfCycle), plateTime: real("protocol.plate_time", halfCycle), stripsFirst: !platesFirst)
        criticalContact = real("protocol.critical_contact", 0.5)
        voltageLimit = real("protocol.voltage_limit", 0)
        potentialTolerance = real("solver.potential_tolerance", 1e-7)
        maximumNewtonIterations = deck.integer("solver.max_newton_iterations") ?? 50
        maximumFractionChange = real("solver.max_fraction_change", 0.05)

        let length = size[0]
        let electrolyte = length - anodeThickness
        pelletThickness = real("cell.pellet_thickness", electrolyte)
        if deck.isSet("grid.size"), !deck.failed("cell.anode_thickness", "grid.size", "grid"), anodeThickness >= length {
            issues.append(deck.issue("cell.anode_thickness", String(format: "%g µm leaves no electrolyte in a domain %g µm long; it must be smaller than grid.size[0]",
                                                                  anodeThickness * 1e6, length * 1e6)))
        }
        if deck.isSet("cell.pellet_thickness"), deck.isSet("grid.size"), !deck.failed("cell.pellet_thickness", "grid.size"), pelletThickness < electrolyte * (1 - 1e-12) {
            issues.append(deck.issue("cell.pellet_thickness", String(format: "%g µm is thinner than the simulated electrolyte (%g µm = grid.size[0] − cell.anode_thickness)",
                                                                     pelletThickness * 1e6, electrolyte * 1e6)))
        }
        if abs(alphaAnodic + alphaCathodic - 1) > 1e-9 && !deck.failed("electrochemistry.alpha_anodic", "electrochemistry.alpha_cathodic", "electrochemistry") {
            let path = deck.isSet("electrochemistry.alpha_cathodic") ? "electrochemistry.alpha_cathodic" : "electrochemistry.alpha_anodic"
            issues.append(deck.issue(path, String(format: "alpha_anodic %.10g + alpha_cathodic %.10g = %.10g; they must add up to 1 (e.g. alpha_cathodic: %.10g)",
                                                   alphaAnodic, alphaCathodic, alphaAnodic + alphaCathodic, 1 - alphaAnodic)))
        }
        // Grains and pores smaller than the cells cannot be resolved, and their counts would
        // overflow for absurd sizes: the smallest allowed is two cells (grains) and one (pores).
        if deck.isSet("grid.size"), let cells = deck.integers("grid.cells"), !cells.isEmpty, !deck.failed("grid.size", "grid.cells", "grid") {
            let spacing = size[0] / Double(max(1, cells[0]))
            if microstructure.kind == .voronoi, microstructure.grainSize < 2 * spacing, !deck.failed("microstructure.grain_size") {
                issues.append(deck.issue("microstructure.grain_size", String(format: "%g µm is below two cells (2 × %g µm); allowed ≥ %g µm at this grid", microstructure.grainSize * 1e6, spacing * 1e6, 2 * spacing * 1e6)))
            }
            if microstructure.poreFraction > 0, microstructure.poreSize < spacing, !deck.failed("microstructure.pore_size") {
                issues.append(deck.issue("microstructure.pore_size", String(format: "%g µm is below one cell (%g µm); allowed ≥ %g µm at this grid", microstructure.poreSize * 1e6, spacing * 1e6, spacing * 1e6)))
            }
            // The patches tile the lateral plane; below one cell their count overflows.
            let lateralSpacing = cells.count > 1 && size.count > 1 ? size[1] / Double(max(1, cells[1])) : spacing
            if contact.patchSize < lateralSpacing, !deck.failed("contact.patch_size") {
                issues.append(deck.issue("contact.patch_size", String(format: "%g µm is below one cell (%g µm); allowed ≥ %g µm at this grid", contact.patchSize * 1e6, lateralSpacing * 1e6, lateralSpacing * 1e6)))
            }
        }
        // The film follows the diffuse interface (docs/interlayers.md) and must fit in the electrolyte.
        if !binaryElectrolyte, deck.isSet("grid.size"), let cells = deck.integers("grid.cells"), !cells.isEmpty, !deck.failed("grid.size", "grid.cells", "grid", "cell.anode_thickness"), anodeThickness < length {
            let spacing = size[0] / Double(max(1, cells[0]))
            let filmEnd = anodeThickness + Double(interfaceCells + interlayer.parameters.layers + 1) * spacing
            if filmEnd >= length, !deck.failed("interlayer.layers", "phase_field.interface_cells") {
                issues.append(deck.issue(deck.isSet("interlayer.layers") ? "interlayer.layers" : "cell.anode_thickness",
                                         String(format: "the contact (anode %g µm + interface %d cells + film %d cells) reaches x = %g µm, past the domain (%g µm); a longer grid.size[0] or a thinner anode is needed",
                                                anodeThickness * 1e6, interfaceCells, interlayer.parameters.layers, filmEnd * 1e6, length * 1e6)))
            }
        }
        if !binaryElectrolyte, interlayer.parameters.initialContactFraction < 1, deck.isSet("grid.size"), let cells = deck.integers("grid.cells"), !cells.isEmpty,
           !deck.failed("grid.size", "grid.cells", "grid", "cell.anode_thickness", "phase_field.interface_cells") {
            // In a void patch the Li starts 1.5ℓ back from the electrolyte and needs ℓ/2 to exist.
            let width = Double(interfaceCells) * size[0] / Double(max(1, cells[0]))
            if anodeThickness < 2 * width {
                let path = deck.isSet("interlayer.initial_contact_fraction") ? "interlayer.initial_contact_fraction" : "cell.anode_thickness"
                issues.append(deck.issue(path, String(format: "an initial contact fraction %g < 1 needs void patches, and they need an anode of at least 2ℓ = %g µm (cell.anode_thickness is %g µm)",
                                                      interlayer.parameters.initialContactFraction, 2 * width * 1e6, anodeThickness * 1e6)))
            }
        }
        if microstructure.kind == .imported && microstructure.file == nil && !deck.failed("microstructure.kind") {
            issues.append(deck.issue("microstructure.kind", "'import' needs microstructure.file (an HDF5 file with integer grain ids)"))
        }
        if microstructure.kind != .imported, deck.isSet("microstructure.file") {
            issues.append(deck.issue("microstructure.file", "is only read when microstructure.kind is 'import' (it is '\(microstructure.kind.rawValue)')"))
        }
        if mode == .ccdRamp, ramp.maximum < ramp.start, !deck.failed("protocol.max_current", "protocol.start_current") {
            issues.append(deck.issue(deck.isSet("protocol.max_current") ? "protocol.max_current" : "protocol.start_current",
                                     String(format: "J_max %g mA/cm² is below J₀ %g mA/cm²; the ramp needs protocol.max_current ≥ protocol.start_current", ramp.maximum / 10, ramp.start / 10)))
        }
        if mode == .ccdRamp, ramp.stepCount > CurrentRamp.maximumSteps, !deck.failed("protocol.max_current", "protocol.start_current", "protocol.current_step") {
            issues.append(deck.issue("protocol.current_step", String(format: "%g mA/cm² gives %d steps from %g to %g mA/cm²; at most %d are allowed",
                                                                   ramp.increment / 10, ramp.stepCount, ramp.start / 10, ramp.maximum / 10, CurrentRamp.maximumSteps)))
        }
        if mode == .potentiostatic && !deck.isSet("protocol.voltage") && !deck.failed("protocol.mode") {
            issues.append(deck.issue("protocol.mode", "potentiostatic mode needs protocol.voltage (V, positive plates at x = 0)"))
        }
    }
}

/// The electrolyte's grains, boundary bands and pores (MODEL.md §3).
public struct MicrostructureSettings: Sendable {
    public enum Kind: String, Sendable { case singleCrystal = "single_crystal", voronoi, imported = "import" }
    public var kind: Kind
    public var grainSize: Double                    // m
    public var sizeSpread: Double
    public var seed: UInt64
    public var boundaryCells: Int
    public var poreFraction: Double
    public var poreSize: Double                     // m
    public var file: String?
    public var dataset: String

    public var isPolycrystal: Bool { kind != .singleCrystal }

    init(deck: Deck) {
        kind = Kind(rawValue: deck.text("microstructure.kind") ?? "single_crystal") ?? .singleCrystal
        grainSize = deck.real("microstructure.grain_size") ?? 10e-6
        sizeSpread = deck.real("microstructure.size_spread") ?? 0
        seed = UInt64(max(0, deck.integer("microstructure.seed") ?? 1))
        boundaryCells = deck.integer("microstructure.boundary_cells") ?? 2
        poreFraction = deck.real("microstructure.pore_fraction") ?? 0
        poreSize = deck.real("microstructure.pore_size") ?? 2e-6
        file = deck.text("microstructure.file")
        dataset = deck.text("microstructure.dataset") ?? "DataContainers/ImageDataContainer/CellData/FeatureIds"
    }
}
