import Foundation

/// The kinds of value a deck key takes.
public enum ValueKind: Sendable, Equatable {
    case real(Quantity)
    case integer
    case boolean
    case choice([String])
    case text
    case realList(Quantity, count: ClosedRange<Int>)
    case integerList(count: ClosedRange<Int>)
}

/// An allowed interval, stated in the key's literature unit.
public struct Bounds: Sendable, Equatable {
    public var lower: Double?
    public var lowerInclusive: Bool
    public var upper: Double?
    public var upperInclusive: Bool

    public static func closed(_ a: Double, _ b: Double) -> Bounds { Bounds(lower: a, lowerInclusive: true, upper: b, upperInclusive: true) }
    public static func positive(max b: Double) -> Bounds { Bounds(lower: 0, lowerInclusive: false, upper: b, upperInclusive: true) }
    public static func open(_ a: Double, _ b: Double) -> Bounds { Bounds(lower: a, lowerInclusive: false, upper: b, upperInclusive: false) }
    public static func leftOpen(_ a: Double, _ b: Double) -> Bounds { Bounds(lower: a, lowerInclusive: false, upper: b, upperInclusive: true) }

    public func contains(_ v: Double) -> Bool {
        if let a = lower, lowerInclusive ? v < a : v <= a { return false }
        if let b = upper, upperInclusive ? v > b : v >= b { return false }
        return true
    }

    /// "0 < value ≤ 1e+12", the way error messages and the reference state a range.
    public var text: String {
        var parts: [String] = []
        if let a = lower { parts.append("\(formatNumber(a)) \(lowerInclusive ? "≤" : "<")") }
        parts.append("value")
        if let b = upper { parts.append("\(upperInclusive ? "≤" : "<") \(formatNumber(b))") }
        return parts.joined(separator: " ")
    }
}

func formatNumber(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e7 { return String(Int(v)) }
    return String(format: "%g", v)
}

/// One key of the input deck: its type, unit, range, default and meaning.
public struct KeySpec: Sendable {
    public let path: String
    public let kind: ValueKind
    public let bounds: Bounds?
    /// The default as the deck would write it (literature units); nil means no default.
    public let defaultText: String?
    public let required: Bool
    public let summary: String

    public init(_ path: String, _ kind: ValueKind, bounds: Bounds? = nil, default defaultText: String? = nil, required: Bool = false, _ summary: String) {
        self.path = path
        self.kind = kind
        self.bounds = bounds
        self.defaultText = defaultText
        self.required = required
        self.summary = summary
    }

    public var unit: String {
        switch kind {
        case let .real(q), let .realList(q, _): return q == .dimensionless ? "" : q.unit
        default: return ""
        }
    }

    /// What one entry of a list key accepts.
    public var elementExpectation: String {
        switch kind {
        case let .realList(q, _): return "each entry a \(q.noun) in \(q.unit)" + (bounds.map { ", \($0.text) \(q.unit)" } ?? "")
        case .integerList: return "each entry an integer" + (bounds.map { ", \($0.text)" } ?? "")
        default: return expectation
        }
    }

    /// What the key accepts, in words, for error messages and the reference.
    public var expectation: String {
        switch kind {
        case let .real(q):
            let range = bounds.map { "; allowed \($0.text)" } ?? ""
            return q == .dimensionless ? "a number\(range)" : "a \(q.noun) in \(q.unit) (or a string with one of \(q.acceptedUnits.joined(separator: ", ")))\(range)\(range.isEmpty ? "" : " \(q.unit)")"
        case .integer:
            return "an integer" + (bounds.map { "; allowed \($0.text)" } ?? "")
        case .boolean:
            return "true or false"
        case let .choice(options):
            return "one of " + options.map { "'\($0)'" }.joined(separator: ", ")
        case .text:
            return "a string"
        case let .realList(q, count):
            let range = bounds.map { "; each \($0.text) \(q.unit)" } ?? ""
            return "a list of \(count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)") \(q.noun)s in \(q.unit)\(range)"
        case let .integerList(count):
            let range = bounds.map { "; each \($0.text)" } ?? ""
            return "a list of \(count.lowerBound == count.upperBound ? "\(count.lowerBound)" : "\(count.lowerBound) to \(count.upperBound)") integers\(range)"
        }
    }
}

/// Every key a deck may contain. The reference (`liphase schema`, docs/input-reference.md) is
/// generated from this table, so the documentation cannot drift from the code.
/// The calibrated supply defaults (docs/calibration.md), SI, and as the deck writes them.
public enum ContactDefaults {
    public static let diffusiveSupply = 0.13552e-9
    public static let creepCoefficient = 0.0042148e-9
    public static let roughness = 0.2e-6
    public static var diffusiveSupplyText: String { formatNumber(diffusiveSupply * 1e9) }
    public static var creepCoefficientText: String { formatNumber(creepCoefficient * 1e9) }
}

public enum DeckSchema {
    public static let modelNames = ["pfhub_7a", "electrodeposition"]

    /// Sections that only the electrodeposition model reads.
    public static let electrodepositionSections = ["cell", "electrolyte", "microstructure", "lithium", "electrochemistry", "interlayer", "contact", "phase_field", "nucleation", "protocol", "short", "solver"]

    /// One-line descriptions of the sections, in reference order.
    public static let sections: [(name: String, summary: String)] = [
        ("", "Keys outside any section."),
        ("grid", "Computational grid. x is the stacking direction (anode collector at x = 0), y and z are lateral."),
        ("time", "Time integration: explicit steps with a stability-limited adaptive Δt."),
        ("output", "Field output (HDF5 + XDMF), the scalar time series (CSV) and progress lines."),
        ("checkpoint", "Restart files: complete state in HDF5, written atomically."),
        ("cell", "The simulated cell: Li anode at x = 0, solid electrolyte, counter electrode at x = Lx (MODEL.md §1)."),
        ("electrolyte", "The solid electrolyte (garnet LLZO by default): conduction and fracture (MODEL.md §3, §10)."),
        ("microstructure", "Grains, grain-boundary bands and pores of the solid electrolyte (MODEL.md §3): single crystal, seeded Voronoi, or grain ids imported from HDF5."),
        ("lithium", "Li metal properties (MODEL.md §3, §10)."),
        ("electrochemistry", "Butler–Volmer kinetics at the Li contact (MODEL.md §0)."),
        ("interlayer", "The Li/electrolyte contact (MODEL.md §3): an interlayer from the library (docs/interlayers.md, `liphase info interlayers`) or, without interlayer.name, the bare contact. Any field overrides the library's value."),
        ("contact", "Contact loss (MODEL.md §6): Li resupply to a stripping contact by diffusion and creep under stack pressure, voids, and the initial contact pattern."),
        ("phase_field", "The diffuse Li interface: width, energy, relaxation and seeded noise (MODEL.md §5)."),
        ("nucleation", "Li nucleation inside the solid electrolyte where the overpotential passes η_nuc + η_pen and electrons reach (MODEL.md §5)."),
        ("protocol", "What the cell is asked to do: galvanostatic or potentiostatic hold, or plating/stripping cycles (MODEL.md §8)."),
        ("short", "Short-circuit detection (MODEL.md §8): anode-connected Li at the counter electrode, or a collapsed cell voltage."),
        ("solver", "The coupled potential solve (MODEL.md §4): Newton on the Butler–Volmer term, multigrid-preconditioned CG."),
    ]

    public static let keys: [KeySpec] = [
        KeySpec("model", .choice(modelNames), required: true,
                "Which equations to solve. 'pfhub_7a': PFHub benchmark 7a, the manufactured-solution Allen–Cahn problem on the benchmark's fixed domain [0,1]×[0,0.5] (nondimensional lengths; 1 s of deck time is one benchmark time unit)."),
        KeySpec("temperature", .real(.temperature), bounds: .closed(-73.15, 326.85), default: "25",
                "Cell temperature; every Arrhenius law is evaluated here (−73.15 °C to 326.85 °C is 200 K to 600 K)."),
        KeySpec("grid.dimensions", .integer, bounds: .closed(2, 3), default: "2", "2 or 3 spatial dimensions."),
        KeySpec("grid.cells", .integerList(count: 2...3), bounds: .closed(2, 1_048_576), required: true,
                "Cells along x, y (and z): one entry per dimension."),
        KeySpec("grid.size", .realList(.length, count: 2...3), bounds: .positive(max: 1e6),
                "Domain extent along x, y (and z). Not allowed for pfhub_7a, whose domain is fixed."),
        KeySpec("time.end", .real(.time), bounds: .positive(max: 1e12), required: true, "Simulated time at which the run stops."),
        KeySpec("time.max_dt", .real(.time), bounds: .positive(max: 1e12), "Upper limit on Δt; without it only stability limits Δt."),
        KeySpec("time.min_dt", .real(.time), bounds: .closed(0, 1e6), default: "1e-12",
                "If the stable Δt falls below this, the run stops with exit code 3 (a sign of a blow-up)."),
        KeySpec("time.dt_safety", .real(.dimensionless), bounds: .leftOpen(0, 1), default: "0.5",
                "Fraction of the explicit stability limit used as Δt."),
        KeySpec("time.max_steps", .integer, bounds: .closed(1, 1e15), "Stop after this many steps even if time.end is not reached."),
        KeySpec("output.directory", .text, default: "output", "Directory for fields, time series and checkpoints, relative to the working directory."),
        KeySpec("output.every_time", .real(.time), bounds: .positive(max: 1e12),
                "Write fields every this much simulated time (steps land exactly on these times). Default: time.end / 10."),
        KeySpec("output.every_steps", .integer, bounds: .closed(1, 1e15), "Write fields every this many steps (in addition to output.every_time)."),
        KeySpec("output.timeseries_every_steps", .integer, bounds: .closed(1, 1e15), default: "10", "Append a row to timeseries.csv every this many steps."),
        KeySpec("output.progress_interval", .real(.time), bounds: .closed(0, 86400), default: "5",
                "Wall time between progress lines printed by rank 0."),
        KeySpec("checkpoint.every_steps", .integer, bounds: .closed(0, 1e15), default: "0", "Checkpoint every this many steps (0: never by step count)."),
        KeySpec("checkpoint.every_wall_time", .real(.time), bounds: .closed(0, 1e9), default: "0",
                "Checkpoint every this much wall time, e.g. '30 min' (0: never by wall time)."),
        KeySpec("checkpoint.keep", .integer, bounds: .closed(1, 1000), default: "3", "How many of the newest checkpoints to keep."),
        KeySpec("cell.anode_thickness", .real(.length), bounds: .closed(0, 1e4), default: "5",
                "Li metal inside the domain at the start, from x = 0 (the rest of the anode is the reservoir); 0 starts with no Li in the domain."),
        KeySpec("cell.reservoir_thickness", .real(.length), bounds: .closed(0, 1e5), default: "20",
                "Li behind the domain per column, h_a (0: anode-free start)."),
        KeySpec("cell.pellet_thickness", .real(.length), bounds: .positive(max: 1e5),
                "Total electrolyte thickness L_SE; the part beyond the domain adds (L_SE − simulated)/σ_g to the cell voltage. Default: the simulated electrolyte only."),
        KeySpec("electrolyte.kind", .choice(["solid", "binary"]), default: "solid",
                "solid: a single-ion conductor (garnet) with the routing of MODEL.md §5; binary: mobile anions, Li⁺ concentration by Nernst–Planck and free Li growth into the electrolyte (MODEL.md §7)."),
        KeySpec("electrolyte.concentration", .real(.concentration), bounds: .positive(max: 100), default: "1",
                "Binary mode: bulk Li⁺ concentration c₀, held at the counter electrode. Default 1 M (Hong & Viswanathan 2018)."),
        KeySpec("electrolyte.diffusivity", .real(.diffusivity), bounds: .positive(max: 1), default: "3.18e-6",
                "Binary mode: Li⁺ diffusivity in the electrolyte. Default 3.18e-10 m²/s (Hong & Viswanathan 2018)."),
        KeySpec("electrolyte.ionic_conductivity", .real(.conductivity), bounds: .positive(max: 10), default: "1e-3",
                "Grain ionic conductivity σ_g at 25 °C. Default: Ta/Ga-LLZO, Heo et al. npj Comput. Mater. 2021."),
        KeySpec("electrolyte.ionic_activation_energy", .real(.activationEnergy), bounds: .closed(0, 3), default: "0.28",
                "Activation energy of σ_g (Heo et al. 2021)."),
        KeySpec("electrolyte.electronic_conductivity", .real(.conductivity), bounds: .positive(max: 1), default: "1e-8",
                "Electronic conductivity of the electrolyte at 25 °C. Default: order of magnitude from Han et al. Nat. Energy 2019."),
        KeySpec("electrolyte.electronic_activation_energy", .real(.activationEnergy), bounds: .closed(0, 3), default: "0",
                "Activation energy of the electronic conductivity. Default 0 (temperature-independent): no consensus value; set it for temperature studies."),
        KeySpec("electrolyte.fracture_toughness", .real(.fractureToughness), bounds: .positive(max: 100), default: "1.25",
                "K_IC of the electrolyte, for the penetration threshold η_pen = Ω_Li·K_IC/(1.12·√(πa)·F). Default: hot-pressed LLZTO (MODEL.md §10)."),
        KeySpec("electrolyte.flaw_size", .real(.length), bounds: .positive(max: 1e4), default: "1", "Flaw size a of the penetration threshold (MODEL.md §3)."),
        KeySpec("electrolyte.conductivity_floor", .real(.dimensionless), bounds: .open(0, 1), default: "1e-6",
                "Floor conductivities as a fraction of the electrolyte's: ionic in Li and void, electronic in void (MODEL.md §3: for solver regularity)."),
        KeySpec("electrolyte.grain_boundary_resistance", .real(.areaResistance), bounds: .closed(0, 1e6), default: "0.3",
                "Ionic area resistance r_gb of one grain boundary (MODEL.md §3, §10). The band keeps it at any resolution (docs/model.md); 0 gives the band the grain's ionic conductivity."),
        KeySpec("electrolyte.grain_boundary_activation_energy", .real(.activationEnergy), bounds: .closed(0, 3), default: "0.52",
                "Activation energy of r_gb (Heo et al. 2021)."),
        KeySpec("electrolyte.grain_boundary_electronic_conductivity", .real(.conductivity), bounds: .closed(0, 1e5), default: "1e-6",
                "Electronic conductivity σ_e,gb,phys of the grain-boundary core (default 100 × the grain's 1e-8 S/cm; MODEL.md §10). With the core width it is a sheet conductance along the boundary."),
        KeySpec("electrolyte.grain_boundary_core_width", .real(.length), bounds: .positive(max: 10), default: "0.001",
                "Width δ_gb of the electronically conducting grain-boundary core (default 1 nm)."),
        KeySpec("electrolyte.grain_boundary_fracture_toughness", .real(.fractureToughness), bounds: .positive(max: 100), default: "0.44",
                "K_IC of grain boundaries, for their penetration threshold (MODEL.md §3, §10)."),
        KeySpec("microstructure.kind", .choice(["single_crystal", "voronoi", "import"]), default: "single_crystal",
                "single_crystal: no grain boundaries; voronoi: seeded Voronoi grains; import: grain ids from microstructure.file."),
        KeySpec("microstructure.grain_size", .real(.length), bounds: .positive(max: 1e5), default: "10",
                "Voronoi: grain size d, the side of the square (2-D) or cube (3-D) of the mean grain area (volume); a brick layer of the same d has the same boundary area per volume."),
        KeySpec("microstructure.size_spread", .real(.dimensionless), bounds: .closed(0, 1), default: "0",
                "Voronoi: spread of grain sizes (0: Poisson–Voronoi). Seeds get power-diagram weights (spread·d)²·u, u uniform in [0, 1)."),
        KeySpec("microstructure.seed", .integer, bounds: .closed(0, 4_294_967_295), default: "1", "Seed of the grain and pore positions."),
        KeySpec("microstructure.boundary_cells", .integer, bounds: .closed(2, 16), default: "2",
                "Width n_gb of the grain-boundary bands in cells (MODEL.md §3: n_gb ≥ 2)."),
        KeySpec("microstructure.pore_fraction", .real(.dimensionless), bounds: .closed(0, 0.5), default: "0",
                "Volume fraction of the electrolyte taken by pores (void cells; seeded, counter-based)."),
        KeySpec("microstructure.pore_size", .real(.length), bounds: .positive(max: 1e4), default: "2", "Pore diameter."),
        KeySpec("microstructure.file", .text, "Import: HDF5 file with integer grain ids, one per cell (DREAM.3D layout [z][y][x][1], or [z][y][x], or [y][x] in 2-D)."),
        KeySpec("microstructure.dataset", .text, default: "DataContainers/ImageDataContainer/CellData/FeatureIds",
                "Import: path of the grain-id dataset inside microstructure.file."),
        KeySpec("nucleation.enabled", .boolean, default: "true",
                "Allow Li to nucleate inside the solid electrolyte (solid mode only): electrolyte cells react where η < −(η_nuc + η_pen), with electrons that must arrive through σ_e."),
        KeySpec("nucleation.overpotential", .real(.voltage), bounds: .closed(0, 10), default: "0.02",
                "η_nuc: nucleation needs η < −(η_nuc + η_pen) (MODEL.md §5)."),
        KeySpec("short.voltage_threshold", .real(.voltage), bounds: .closed(0, 10), default: "0",
                "Flag a short when the magnitude of the cell voltage under current falls below this (0: off; the Li-path test is always on)."),
        KeySpec("lithium.electronic_conductivity", .real(.conductivity), bounds: .positive(max: 1e7), default: "1.1e5", "σ_Li (MODEL.md §3)."),
        KeySpec("lithium.conductivity_cap", .real(.dimensionless), bounds: .closed(10, 1e12), default: "1e4",
                "σ_Li is capped at this multiple of the largest conductivity (ionic or electronic) outside Li, which keeps Li equipotential to ~1e-4 of the electrolyte's drop (see docs/model.md)."),
        KeySpec("lithium.molar_volume", .real(.molarVolume), bounds: .positive(max: 1000), default: "12.97", "Ω_Li. Default: Li density 0.534 g/cm³."),
        KeySpec("electrochemistry.alpha_anodic", .real(.dimensionless), bounds: .open(0, 1), default: "0.5", "Anodic transfer coefficient α_a."),
        KeySpec("electrochemistry.alpha_cathodic", .real(.dimensionless), bounds: .open(0, 1), default: "0.5", "Cathodic transfer coefficient α_c; α_a + α_c must be 1."),
        KeySpec("electrochemistry.charge_transfer_resistance", .real(.areaResistance), bounds: .positive(max: 1e7), default: "2",
                "Charge-transfer area resistance R_ct; gives i₀ = RT/(F·R_ct). Default: clean Li/LLZO, Sharafi et al. Chem. Mater. 2017."),
        KeySpec("electrochemistry.equilibrium_potential", .real(.voltage), bounds: .closed(-5, 5), default: "0", "U₀ vs Li/Li⁺."),
        KeySpec("electrochemistry.exchange_activation_energy", .real(.activationEnergy), bounds: .closed(0, 3), default: "0.3",
                "Activation energy of i₀. Default 0.3 eV is an assumption in the range reported for Li/garnet interfacial resistance; set it for temperature studies."),
        KeySpec("interlayer.name", .text, "An entry of the interlayer library (`liphase info interlayers`); omitted: the bare Li/electrolyte contact."),
        KeySpec("interlayer.library", .text, "A library file in the format of Inputs/interlayers.yaml to use instead of the built-in library."),
        KeySpec("interlayer.layers", .integer, bounds: .closed(1, 16), default: "1", "n_IL: cell layers of the film, which follow the diffuse interface (docs/interlayers.md)."),
        KeySpec("interlayer.charge_transfer_resistance", .real(.areaResistance), bounds: .positive(max: 1e7),
                "R_ct of the Li/interlayer contact at 25 °C (→ i₀). Default: the library's rule (f₀ × measured ASR at 25 °C), or electrochemistry.charge_transfer_resistance for the bare contact."),
        KeySpec("interlayer.ionic_resistance", .real(.areaResistance), bounds: .closed(0, 1e7),
                "R_IL,i, ionic area resistance of the film, in series with the electrolyte it sits in. Default 0: a measured ASR goes into R_ct (MODEL.md §3)."),
        KeySpec("interlayer.electronic_resistance", .real(.areaResistance), bounds: .closed(0, 1e12),
                "R_IL,e, electronic area resistance of the film. Default: 1e6 Ω·cm² for electron-blocking library entries, else 0."),
        KeySpec("interlayer.penetration_threshold", .real(.voltage), bounds: .closed(0, 10),
                "η_pen,IL: Li displaces the film only past this overpotential. Default: the electrolyte grain's η_pen."),
        KeySpec("interlayer.initial_contact_fraction", .real(.dimensionless), bounds: .leftOpen(0, 1),
                "f₀: share of the interface in contact at the start; the rest is void patches (contact.patch_size). Default: 1, or the library's rule."),
        KeySpec("interlayer.supply_factor", .real(.dimensionless), bounds: .closed(1, 1e6),
                "χ: multiplies the diffusive Li supply (alloying and mixed-conducting layers feed Li back to the contact). Default: 1, or the library's rule."),
        KeySpec("contact.stack_pressure", .real(.pressure), bounds: .closed(0, 1000), default: "0", "P_stack; the creep supply uses P_eff = P_stack/f (MODEL.md §6)."),
        KeySpec("contact.diffusive_supply", .real(.velocity), bounds: .closed(0, 1e9), default: "\(ContactDefaults.diffusiveSupplyText)",
                "v_d at 25 °C: diffusive (vacancy) Li supply to a stripping contact. Default calibrated: critical stripping current 0.1 mA/cm² at 0 MPa (docs/calibration.md)."),
        KeySpec("contact.diffusive_activation_energy", .real(.activationEnergy), bounds: .closed(0, 3), default: "0.55",
                "Activation energy of v_d: Li self-diffusion (Messer & Noack 1975)."),
        KeySpec("contact.creep_coefficient", .real(.velocity), bounds: .closed(0, 1e9), default: "\(ContactDefaults.creepCoefficientText)",
                "B at 25 °C: creep supply at P_eff = 1 MPa. Default calibrated: critical stripping current 0.4 mA/cm² at 2 MPa (docs/calibration.md)."),
        KeySpec("contact.creep_exponent", .real(.dimensionless), bounds: .closed(1, 20), default: "6.56", "n_c, Li creep stress exponent (Masias et al. 2019)."),
        KeySpec("contact.creep_activation_energy", .real(.activationEnergy), bounds: .closed(0, 3), default: "0.38348",
                "Activation energy of B: Li creep, 37 kJ/mol (Masias et al. 2019)."),
        KeySpec("contact.patch_size", .real(.length), bounds: .positive(max: 1e5), default: "5", "ℓ_patch: mean size of the initial void patches."),
        KeySpec("contact.seed", .integer, bounds: .closed(0, 4_294_967_295), default: "1", "Seed of the initial void patches."),
        KeySpec("contact.roughness", .real(.length), bounds: .positive(max: 1e3), default: formatNumber(ContactDefaults.roughness * 1e6),
                "σ: height scale of the anode's asperities. A void gap w between stripped Li and the electrolyte leaves exp(−w/σ) of the column in contact (Greenwood & Williamson 1966)."),
        KeySpec("contact.minimum_fraction", .real(.dimensionless), bounds: .closed(0, 0.99), default: "0.01",
                "The run stops (contact lost) when the contact fraction falls below this."),
        KeySpec("phase_field.interface_cells", .integer, bounds: .closed(3, 32), default: "4", "Interface width ℓ in cells (MODEL.md §5: ℓ ≥ 3 cells)."),
        KeySpec("phase_field.interface_energy", .real(.interfaceEnergy), bounds: .positive(max: 100), default: "0.5", "γ, Li surface energy (MODEL.md §10)."),
        KeySpec("phase_field.relaxation_speedup", .real(.dimensionless), bounds: .closed(1, 1e4), default: "10",
                "How much faster the profile relaxes than it moves at the nominal current: the relaxation time is ℓ/(speedup × v_nominal)."),
        KeySpec("phase_field.noise", .real(.dimensionless), bounds: .closed(0, 1), default: "0",
                "Amplitude of seeded noise in the interface relaxation (counter-based, so identical on any rank count); mass-neutral."),
        KeySpec("phase_field.seed", .integer, bounds: .closed(0, 4_294_967_295), default: "1", "Seed of the noise."),
        KeySpec("protocol.mode", .choice(["galvanostatic", "potentiostatic", "cycle", "ccd_ramp"]), default: "galvanostatic",
                "galvanostatic: hold protocol.current_density; potentiostatic: hold protocol.voltage; cycle: alternate the current's sign every protocol.half_cycle; ccd_ramp: the critical-current step ramp (MODEL.md §8, `liphase ccd`)."),
        KeySpec("protocol.current_density", .real(.currentDensity), bounds: .closed(-1e4, 1e4), default: "0.5",
                "Applied current density; positive plates Li at the anode (x = 0), negative strips it."),
        KeySpec("protocol.voltage", .real(.voltage), bounds: .closed(-10, 10), default: "0",
                "Potentiostatic: φ = φ_e at the counter electrode relative to the anode collector; positive plates at x = 0."),
        KeySpec("protocol.half_cycle", .real(.time), bounds: .positive(max: 1e9), default: "3600", "Cycle mode: duration of each plating or stripping half-cycle."),
        KeySpec("protocol.first", .choice(["plate", "strip"]), default: "plate", "Cycle and ccd_ramp modes: which half-cycle comes first."),
        KeySpec("protocol.start_current", .real(.currentDensity), bounds: .positive(max: 1e4), default: "0.1",
                "ccd_ramp: J₀, the current density of the first step."),
        KeySpec("protocol.current_step", .real(.currentDensity), bounds: .positive(max: 1e4), default: "0.1",
                "ccd_ramp: ΔJ between steps; the CCD is bracketed to this resolution."),
        KeySpec("protocol.max_current", .real(.currentDensity), bounds: .positive(max: 1e4), default: "2",
                "ccd_ramp: J_max, the last step (the ramp also stops at time.end)."),
        KeySpec("protocol.strip_time", .real(.time), bounds: .positive(max: 1e9), default: "3600",
                "ccd_ramp: duration of each stripping half-cycle (default: protocol.half_cycle)."),
        KeySpec("protocol.plate_time", .real(.time), bounds: .positive(max: 1e9), default: "3600",
                "ccd_ramp: duration of each plating half-cycle (default: protocol.half_cycle)."),
        KeySpec("protocol.critical_contact", .real(.dimensionless), bounds: .leftOpen(0, 1), default: "0.5",
                "ccd_ramp: f_crit; the critical stripping current is the first step whose stripping half-cycle takes the contact fraction below it."),
        KeySpec("protocol.voltage_limit", .real(.voltage), bounds: .closed(0, 10), default: "0",
                "Under current, stop when |V_cell| exceeds this (the cycler's safety cut-off; a CCD failure mode); 0: off."),
        KeySpec("solver.potential_tolerance", .real(.voltage), bounds: .positive(max: 1), default: "1e-7",
                "The coupled solve stops when no cell's φ or φ_e changes by more than this in a Newton iteration."),
        KeySpec("solver.max_newton_iterations", .integer, bounds: .closed(1, 1000), default: "50", "Limit on Newton iterations per step."),
        KeySpec("solver.max_fraction_change", .real(.dimensionless), bounds: .leftOpen(0, 1), default: "0.05",
                "Largest change of ξ or v allowed in one step (limits Δt with the stability limits)."),
    ]

    public static let byPath: [String: KeySpec] = Dictionary(uniqueKeysWithValues: keys.map { ($0.path, $0) })

    /// Keys directly below a section ("" is the top level); sections appear as their own names.
    public static func children(of section: String) -> [String] {
        var names = Set<String>()
        for key in keys {
            let parts = key.path.split(separator: ".").map(String.init)
            let parent = parts.dropLast().joined(separator: ".")
            if parent == section { names.insert(parts.last ?? key.path) }
            if section.isEmpty, parts.count > 1 { names.insert(parts[0]) }
        }
        return names.sorted()
    }

    public static func isSection(_ path: String) -> Bool { sections.contains { $0.name == path && !path.isEmpty } }
}
