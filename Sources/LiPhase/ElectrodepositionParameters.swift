import Foundation
import LiPhaseIO
import LiPhaseMaterials
import LiPhasePhysics

/// Every number the electrodeposition model computes with, derived from the physical inputs at
/// the cell temperature and from the interface width in cells (MODEL.md §3, §5). SI units.
public struct ElectrodepositionParameters: Sendable {
    public let temperature: Double
    public let spacing: Double
    public let ionicConductivity: Double          // σ_g(T)
    public let ionicFloor: Double
    public let electronicConductivity: Double     // σ_e of the electrolyte at T
    public let electronicFloor: Double
    public let lithiumConductivity: Double        // capped σ_Li
    public let kinetics: ButlerVolmer
    public let equilibriumPotential: Double
    public let penetrationThreshold: Double       // η_pen, V
    /// Grain-boundary band values (MODEL.md §3; docs/model.md "Polycrystal").
    public let boundaryBandWidth: Double          // w_gb = n_gb·Δx
    public let boundaryResistance: Double         // r_gb(T), Ω·m²
    public let ionicBand: Double                  // σ_i of the band, S/m
    public let electronicBand: Double             // σ_e of the band, S/m
    public let boundaryPenetrationThreshold: Double
    public let phaseField: PhaseFieldParameters
    public let molarVolume: Double
    /// Front speed at the nominal current, J·Ω/F (or i₀·Ω/F when the voltage is held).
    public let nominalSpeed: Double
    /// Allen–Cahn mobility L, set so the profile relaxes in ℓ/(speedup × nominal speed).
    public let mobility: Double
    /// Area resistance of the electrolyte beyond the domain, (L_SE − simulated)/σ_g(T).
    public let seriesResistance: Double
    /// Li resupply at T (MODEL.md §6), with the contact's χ.
    public let supply: SupplyLaw
    /// The Li/interlayer contact and its film (docs/interlayers.md): global x cells.
    public let contact: ContactRegion
    public let film: PropertyUpdate.Film

    public init(settings s: ElectrodepositionSettings, temperature: Double, spacing: Double, simulatedElectrolyte: Double) {
        let reference = ElectrodepositionSettings.referenceTemperature
        self.temperature = temperature
        self.spacing = spacing
        ionicConductivity = arrhenius(s.ionicConductivity, activationEnergy: s.ionicActivationEnergy, temperature: temperature, referenceTemperature: reference)
        ionicFloor = s.conductivityFloor * ionicConductivity
        electronicConductivity = arrhenius(s.electronicConductivity, activationEnergy: s.electronicActivationEnergy, temperature: temperature, referenceTemperature: reference)
        electronicFloor = s.conductivityFloor * electronicConductivity
        boundaryBandWidth = Double(s.microstructure.boundaryCells) * spacing
        // A resistance rises as its conductance falls: r_gb(T) = r_gb(T_ref)·exp(+E_a/k_B·(1/T − 1/T_ref)).
        boundaryResistance = s.boundaryResistance / arrhenius(1, activationEnergy: s.boundaryActivationEnergy, temperature: temperature, referenceTemperature: reference)
        ionicBand = GrainBoundaryRules.bandIonicConductivity(grain: ionicConductivity, boundaryResistance: boundaryResistance, bandWidth: boundaryBandWidth)
        let core = arrhenius(s.boundaryElectronicConductivity, activationEnergy: s.electronicActivationEnergy, temperature: temperature, referenceTemperature: reference)
        electronicBand = GrainBoundaryRules.bandElectronicConductivity(grain: electronicConductivity, core: core, coreWidth: s.boundaryCoreWidth, bandWidth: boundaryBandWidth)
        boundaryPenetrationThreshold = LiPhasePhysics.penetrationThreshold(fractureToughness: s.boundaryFractureToughness, flawSize: s.flawSize, molarVolume: s.molarVolume)
        // Capped against every conductivity outside Li, ionic included: against the electronic one
        // alone (MODEL.md §3's wording), LLZO's 1e-8 S/cm gives σ_Li = 0.01 S/cm, only 10× σ_g,
        // and the cell voltage then moves by 0.7 % when the cap doubles.
        lithiumConductivity = ConductivityLaws.cappedLithium(s.lithiumConductivity, largestOutside: max(electronicConductivity, ionicConductivity,
                                                                                                   s.microstructure.isPolycrystal ? electronicBand : 0),
                                                             capFactor: s.lithiumCapFactor)
        let exchange = arrhenius(ButlerVolmer.exchangeCurrentDensity(chargeTransferResistance: s.chargeTransferResistance, temperature: reference),
                                 activationEnergy: s.exchangeActivationEnergy, temperature: temperature, referenceTemperature: reference)
        kinetics = ButlerVolmer(exchangeCurrentDensity: exchange, alphaAnodic: s.alphaAnodic, alphaCathodic: s.alphaCathodic, temperature: temperature)
        equilibriumPotential = s.equilibriumPotential
        penetrationThreshold = LiPhasePhysics.penetrationThreshold(fractureToughness: s.fractureToughness, flawSize: s.flawSize, molarVolume: s.molarVolume)
        phaseField = PhaseFieldParameters(interfaceEnergy: s.interfaceEnergy, width: Double(s.interfaceCells) * spacing)
        molarVolume = s.molarVolume
        let current = s.mode == .potentiostatic ? exchange : max(abs(s.currentDensity), 1e-3 * exchange)
        nominalSpeed = current * s.molarVolume / PhysicalConstants.faraday
        let relaxationTime = phaseField.width / (s.relaxationSpeedup * nominalSpeed)
        mobility = 1 / (relaxationTime * phaseField.barrierHeight)
        seriesResistance = max(0, s.pelletThickness - simulatedElectrolyte) / ionicConductivity
        let c = s.contact, il = s.interlayer.parameters
        supply = SupplyLaw(diffusive: il.supplyFactor * arrhenius(c.diffusiveSupply, activationEnergy: c.diffusiveActivationEnergy, temperature: temperature, referenceTemperature: reference),
                           creepCoefficient: arrhenius(c.creepCoefficient, activationEnergy: c.creepActivationEnergy, temperature: temperature, referenceTemperature: reference),
                           creepExponent: c.creepExponent, stackPressure: c.stackPressure)
        // The film starts at the first cell whose centre lies ℓ past the initial interface.
        let filmStart = Int(((s.anodeThickness + Double(s.interfaceCells) * spacing) / spacing - 0.5).rounded(.up))
        let filmThickness = Double(il.layers) * spacing
        film = PropertyUpdate.Film(cells: filmStart..<(filmStart + il.layers), ionicResistivity: il.ionicResistance / filmThickness,
                                   electronicResistivity: il.electronicResistance / filmThickness)
        // R_ct of the contact and of bare Li share the Arrhenius law, so their ratio holds at any T.
        contact = ContactRegion(end: filmStart + il.layers, exchangeScale: s.chargeTransferResistance / il.chargeTransferResistance,
                                penetrationThreshold: il.penetrationThreshold)
    }

    /// Largest stable explicit Allen–Cahn step: 2/(L·(4κ·d/Δx² + 2W)); g″ ≤ 2 on [0, 1].
    public func relaxationStableStep(dimensions: Int) -> Double {
        2 / (mobility * (4 * phaseField.gradientCoefficient * Double(dimensions) / (spacing * spacing) + 2 * phaseField.barrierHeight))
    }
}

extension RunConfiguration {
    var electrodepositionParameters: ElectrodepositionParameters? {
        guard let settings = electrodeposition else { return nil }
        return ElectrodepositionParameters(settings: settings, temperature: temperature, spacing: spacing[0],
                                           simulatedElectrolyte: size[0] - settings.anodeThickness)
    }
}
