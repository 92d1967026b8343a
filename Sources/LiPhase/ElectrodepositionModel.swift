import Foundation
import LiPhaseGrid
import LiPhaseIO
import LiPhaseMaterials
import LiPhaseParallel
import LiPhasePhysics

/// Li plating and stripping on a solid electrolyte (MODEL.md §1–§5, §8, §9): the phase field ξ,
/// voids, the two potentials with Butler–Volmer kinetics, and the column reservoir.
public final class ElectrodepositionModel: SimulationModel {
    public let grid: DistributedGrid
    public let state: ElectrodepositionState
    public let parameters: ElectrodepositionParameters
    let settings: ElectrodepositionSettings
    package var properties: PropertyUpdate
    package let potentials: CoupledPotentialSolve
    package let routing: LithiumRouting
    package let relaxation: PhaseFieldRelaxation
    private let transport: NernstPlanckTransport
    /// Binary mode only, so allocated on first use.
    private lazy var diffusivity = grid.makeField("diffusivity", units: "m^2/s")
    private lazy var ionSource = grid.makeField("ion_source", units: "1/s")
    package let columns: Communicator
    package let work: Field
    /// Polycrystal: grain ids (as exact Doubles) and the boundary indicator b (MODEL.md §3).
    let grainIds: Field?
    package let boundary: Field?
    /// The electronic sheet profile of the boundaries: derived from the grain ids, not checkpointed.
    let boundarySheet: Field?
    /// Component labels of the Li (ξ > ½), refreshed for the diagnostics and the short test.
    let componentLabels: Field
    private(set) var components = LithiumComponents(components: [])
    /// Solid mode: the deposits of the step, for the routing and the relaxation.
    package let deposits: DepositRegions?
    /// Li volume fraction put in each cell by nucleation, summed over the run (when enabled).
    let nucleated: Field?
    /// Per column, the Li contact area over the column's nominal area (MODEL.md §6, §9).
    let contactMap: Field
    /// The contact fraction f of the step-start state, and the supply velocity it gives.
    private(set) var contactFraction = 1.0

    package private(set) var supplyVelocity = 0.0
    /// The first global column whose anode ran out of Li for stripping (−1: none).
    private var exhaustedColumn = -1
    /// Whether the last step stripped (a stop found at the start of the next one belongs to it).
    private var lastStepStripped = false
    /// The nucleated share of the Li of the last short found (for the CCD report).
    private(set) var lastShortNucleatedShare = 0.0

    /// Step counter for the noise (keyed by step, so restarts reproduce it).
    private var step = 0
    /// ∫ Σq·V dt: net Faradaic charge, C (per metre of depth in 2-D); > 0 when stripping.
    private var chargePassed = 0.0
    /// Li volume at the start of the run, for the inventory check.
    private var initialInventory = 0.0
    private var lastSolve = CoupledPotentialSolve.Report()
    /// Li volume that stripping asked for but found no Li for, summed over the run.
    private var strippingShortfall = 0.0
    /// The applied current density of the last solve (A/m², > 0 plates).
    private(set) var appliedCurrentDensity = 0.0
    private var cachedStableStep: (time: Double, dt: Double)?
    public var phaseTimes = PhaseTimes()
    /// The potential solve of the last step: Newton and PCG iterations, sweep equivalents.
    public var lastPotentialSolve: CoupledPotentialSolve.Report { lastSolve }

    public init(configuration: RunConfiguration, world: Communicator) throws {
        guard let settings = configuration.electrodeposition, let parameters = configuration.electrodepositionParameters else {
            throw PreflightError(message: "model 'electrodeposition' needs its settings")
        }
        self.settings = settings
        self.parameters = parameters
        let geometry = GridGeometry(dimensions: configuration.dimensions, cells: configuration.cells, spacing: configuration.spacing)
        grid = try DistributedGrid(geometry: geometry, conditions: phaseFieldConditions(), world: world)
        state = ElectrodepositionState(grid: grid)
        if settings.microstructure.isPolycrystal {
            grainIds = grid.makeField("grain_id", units: "1")
            boundary = grid.makeField("grain_boundary", units: "1")
            boundarySheet = grid.makeField("grain_boundary_sheet", units: "1")
        } else {
            grainIds = nil
            boundary = nil
            boundarySheet = nil
        }
        componentLabels = grid.makeField("li_component", units: "1")
        // Out to ℓ + 2Δx from the ½ contour, where the relaxed profile has fallen below ~3·10⁻³.
        deposits = settings.binaryElectrolyte ? nil : DepositRegions(grid: grid, reach: settings.interfaceCells + 2)
        let nucleating = settings.nucleationEnabled && !settings.binaryElectrolyte
        nucleated = nucleating ? grid.makeField("nucleated_li", units: "1") : nil
        var properties = PropertyUpdate(ionicElectrolyte: parameters.ionicConductivity, ionicFloor: parameters.ionicFloor,
                                        electronicElectrolyte: parameters.electronicConductivity, electronicFloor: parameters.electronicFloor,
                                        lithium: parameters.lithiumConductivity)
        properties.binary = settings.binaryElectrolyte
        properties.boundary = boundary
        properties.sheet = boundarySheet
        properties.ionicBand = parameters.ionicBand
        properties.electronicBand = parameters.electronicBand
        properties.regions = deposits
        properties.film = settings.binaryElectrolyte ? nil : parameters.film
        self.properties = properties
        potentials = try CoupledPotentialSolve(state: state, kinetics: parameters.kinetics, equilibriumPotential: parameters.equilibriumPotential,
                                               tolerance: settings.potentialTolerance, maximumIterations: settings.maximumNewtonIterations)
        potentials.concentrationDependent = settings.binaryElectrolyte
        potentials.contact = settings.binaryElectrolyte ? nil : parameters.contact
        if nucleating {
            potentials.nucleation = Nucleation(kinetics: parameters.kinetics, overpotential: settings.nucleationOverpotential,
                                               grainThreshold: parameters.penetrationThreshold,
                                               boundaryThreshold: boundary == nil ? parameters.penetrationThreshold : parameters.boundaryPenetrationThreshold,
                                               width: parameters.phaseField.width)
            potentials.boundary = boundary
        }
        var routing = LithiumRouting(molarVolume: parameters.molarVolume, penetrationThreshold: parameters.penetrationThreshold)
        routing.freeGrowth = settings.binaryElectrolyte
        routing.boundary = boundary
        routing.boundaryPenetrationThreshold = parameters.boundaryPenetrationThreshold
        routing.contact = settings.binaryElectrolyte ? nil : parameters.contact
        self.routing = routing
        transport = NernstPlanckTransport(inverseThermalVoltage: PhysicalConstants.inverseThermalVoltage(temperature: configuration.temperature))
        relaxation = PhaseFieldRelaxation(mobility: parameters.mobility, gradientCoefficient: parameters.phaseField.gradientCoefficient,
                                          barrierHeight: parameters.phaseField.barrierHeight, noise: settings.noise, seed: settings.seed)
        // Ranks that share lateral columns (same y, z block) reduce the reservoir together.
        let coordinates = grid.decomposition.coordinates, processes = grid.decomposition.processGrid
        columns = try grid.communicator.split(color: coordinates.y + processes.y * coordinates.z, key: coordinates.x)
        work = grid.makeField("work", units: "")
        contactMap = grid.makeField("contact_fraction", units: "1")
    }

    public var stateFields: [Field] {
        [state.lithium, state.void, state.ionicPotential, state.electronicPotential, state.reservoir] + (settings.binaryElectrolyte ? [state.concentration] : [])
            + [grainIds, boundary, nucleated].compactMap { $0 }
    }
    public var warmStartFields: [Field] { potentials.warmStartFields }
    public var outputFields: [Field] { stateFields + [state.overpotential, state.faradaicCurrent, componentLabels, contactMap] }

    public var diagnosticNames: [String] {
        ["applied_current_density_mA_cm2", "faradaic_current_density_mA_cm2", "cell_voltage_V", "mean_overpotential_V",
         "li_inventory_imbalance", "charge_imbalance", "penetration_depth_um", "reservoir_min_um", "reservoir_mean_um",
         "electronic_current_density_mA_cm2", "stripping_shortfall_um", "isolated_li_count", "isolated_li_um", "isolated_li_depth_um",
         "nucleated_li_um", "nucleated_boundary_share",
         "contact_fraction", "void_contact_fraction", "void_um", "supply_velocity_nm_s",
         "newton_iterations", "linear_iterations", "solve_sweep_equivalents"]
    }

    public var scalarState: [String: Double] {
        ["step": Double(step), "charge_passed": chargePassed, "initial_inventory": initialInventory, "stripping_shortfall": strippingShortfall,
         "counter_electrode_potential": potentials.counterElectrodePotential, "exhausted_column": Double(exhaustedColumn),
         "last_step_stripped": lastStepStripped ? 1 : 0]
    }

    // MARK: Protocol

    /// The control at `time`: cycles alternate the sign of the current every half-cycle.
    func control(at time: Double) -> ElectrodeControl {
        switch settings.mode {
        case .galvanostatic: return .galvanostatic(currentDensity: settings.currentDensity)
        case .potentiostatic: return .potentiostatic(voltage: settings.voltage)
        case .cycle:
            let half = halfCycleIndex(at: time)
            let plating = (half % 2 == 0) == settings.platesFirst
            return .galvanostatic(currentDensity: plating ? abs(settings.currentDensity) : -abs(settings.currentDensity))
        case .ccdRamp:
            return .galvanostatic(currentDensity: settings.ramp.currentDensity(at: time))
        }
    }

    public func nextStop(after time: Double) -> Double? {
        switch settings.mode {
        case .cycle: return Double(halfCycleIndex(at: time) + 1) * settings.halfCycle
        case .ccdRamp: return settings.ramp.stage(at: time).end
        case .galvanostatic, .potentiostatic: return nil
        }
    }

    /// Which half-cycle `time` lies in; a boundary landed an ulp low counts as reached.
    func halfCycleIndex(at time: Double) -> Int { periodIndex(of: time, length: settings.halfCycle) }

    // MARK: Lifecycle

    public func initialize(time: Double) throws {
        let box = grid.localBox, g = grid.geometry
        for k in 0..<box.size.z { for j in 0..<box.size.y { for i in 0..<box.size.x {
            state.lithium[i, j, k] = settings.anodeThickness > 0 ? parameters.phaseField.profile(g.centre(0, box.lower.x + i), interface: settings.anodeThickness) : 0
            state.reservoir[i, j, k] = settings.reservoirThickness
        } } }
        try buildMicrostructure()
        if !settings.binaryElectrolyte, settings.interlayer.parameters.initialContactFraction < 1 { placeVoidPatches() }
        initialInventory = inventory()
        try stateDidLoad(time: time, scalars: scalarState)
    }

    public func stateDidLoad(time: Double, scalars: [String: Double]) throws {
        step = Int(scalars["step"] ?? 0)
        chargePassed = scalars["charge_passed"] ?? 0
        strippingShortfall = scalars["stripping_shortfall"] ?? 0
        initialInventory = scalars["initial_inventory"] ?? inventory()
        potentials.counterElectrodePotential = scalars["counter_electrode_potential"] ?? 0
        exhaustedColumn = Int(scalars["exhausted_column"] ?? -1)
        lastStepStripped = (scalars["last_step_stripped"] ?? 0) != 0
        cachedStableStep = nil
        if let grainIds, let boundary, let boundarySheet {
            let n = grid.localBox.size
            var ids: [Double] = []
            ids.reserveCapacity(n.x * n.y * n.z)
            for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x { ids.append(grainIds[i, j, k]) } } }
            try GrainBoundaryBands.indicator(grainIds: ids, grid: grid, boundaryCells: settings.microstructure.boundaryCells, into: boundary, sheet: boundarySheet)
        }
        // The contact of the loaded state, for the first time-series row.
        if !settings.binaryElectrolyte {
            try deposits?.update(lithium: state.lithium, grid: grid)
            try updateProperties()
            measureContact()
        }
    }

    // MARK: The time step

    /// Solves the potentials for the state at `time` (the quasi-static part of the step) and
    /// returns the largest stable Δt: the relaxation's explicit limit, and the step that moves
    /// no more than solver.max_fraction_change of any cell.
    public func stableTimeStep(time: Double) throws -> Double {
        if let cached = cachedStableStep, cached.time == time { return cached.dt }
        // A short in the state (grown in the last step, planted, or loaded) would make the solve meaningless.
        try phaseTimes.measure("deposits") {
            try detectShort(time: time)
            // The deposits of the step-start state serve the properties, the routing and the relaxation.
            try deposits?.update(lithium: state.lithium, grid: grid)
        }
        try phaseTimes.measure("properties") { try updateProperties() }
        if !settings.binaryElectrolyte {
            try phaseTimes.measure("contact") {
                measureContact()
                try checkContactStops(time: time)
            }
        }
        let control = control(at: time)
        if case let .galvanostatic(currentDensity) = control { appliedCurrentDensity = currentDensity }
        lastSolve = try phaseTimes.measure("potentials") { try potentials.solve(control) }
        if case .potentiostatic = control { appliedCurrentDensity = -lastSolve.faradaicTotal / potentials.electrodeArea }
        try detectVoltageCollapse(time: time)
        let layout = state.lithium.layout, n = layout.interior, q = UnsafePointer(state.faradaicCurrent.pointer)
        var largest = 0.0
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { largest = max(largest, abs(q[base &+ i])) }
        } }
        let rate = grid.communicator.max(largest) * parameters.molarVolume / PhysicalConstants.faraday
        var dt = parameters.relaxationStableStep(dimensions: grid.geometry.dimensions)
        if rate > 0 { dt = min(dt, settings.maximumFractionChange / rate) }
        cachedStableStep = (time, dt)
        return dt
    }

    public func advance(time: Double, dt: Double) throws {
        if cachedStableStep?.time != time { _ = try stableTimeStep(time: time) }
        cachedStableStep = nil
        lastStepStripped = appliedCurrentDensity < 0
        chargePassed += lastSolve.faradaicTotal * dt
        phaseTimes.measure("nucleation") { tallyNucleation(dt: dt) }
        let routed = try phaseTimes.measure("routing") {
            try routing.apply(to: state, dt: dt, regions: deposits, supply: settings.binaryElectrolyte ? nil : supplyVelocity, scratch: work) { values in
                self.columns.sum(values)
            }
        }
        strippingShortfall += grid.communicator.sum(routed.unsatisfied)
        let exhausted = grid.communicator.min(routed.exhaustedColumn ?? Int.max)
        if exhausted < Int.max, exhaustedColumn < 0 { exhaustedColumn = exhausted }
        if settings.binaryElectrolyte { try phaseTimes.measure("transport") { try transportIons(dt: dt) } }
        try phaseTimes.measure("relaxation") { try relaxation.apply(to: state, dt: dt, step: step, work: work, regions: deposits) }
        step += 1
        try checkFinite(time: time + dt)
    }

    /// The void gap w between each column's anode and the electrolyte, Σ v·Δx over the anode's
    /// deposits, and the asperity share exp(−w/σ) it leaves in contact (`AsperityContact`).
    /// Fixed-point column sums, as for the contact map: the same bits on any decomposition.
    private func measureGap() {
        let scale = 0x1p60, roughness = settings.contact.roughness
        properties.asperityShare = anodeColumnSums(state.void, scale: scale).map { AsperityContact.share(gap: Double($0) / scale, roughness: roughness) }
    }

    /// Per lateral column, Σ value·Δx over the cells of deposits connected to the anode, as
    /// integers in units of 1/scale summed over the column's ranks: exact, so any decomposition
    /// gives the same bits.
    private func anodeColumnSums(_ field: Field, scale: Double) -> [Int64] {
        let layout = field.layout, n = layout.interior
        let value = UnsafePointer(field.pointer)
        let region = deposits.map { UnsafePointer($0.index.pointer) }, connected = deposits?.anodeConnected ?? []
        let dx = grid.geometry.spacing[0]
        var totals = [Int64](repeating: 0, count: n.y * n.z)
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            var sum: Int64 = 0
            for i in 0..<n.x where region.map({ connected[Int($0[base &+ i])] }) ?? true {
                sum &+= saturatingInt64(value[base &+ i] * dx * scale)
            }
            totals[j + n.y * k] = sum
        } }
        return columns.sum(totals)
    }

    /// The contact map and f (MODEL.md §6): per column, Σ A_r·Δx over the anode's Li (deposits
    /// connected to it; isolated Li touches electrolyte but is not the anode's contact), then the
    /// supply velocity at P_eff = P/f. Columns sum in fixed point per cell, f exactly: the same
    /// bits on any decomposition.
    private func measureContact() {
        let layout = state.lithium.layout, n = layout.interior, g = grid.geometry
        let map = contactMap.pointer
        let scale = 0x1p50
        let totals = anodeColumnSums(state.reactiveArea, scale: scale)
        var exact = ExactAccumulator()
        for k in 0..<n.z { for j in 0..<n.y {
            let value = Double(totals[j + n.y * k]) / scale
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { map[base &+ i] = value }
            if grid.localBox.lower.x == 0 { exact.add(value) }
        } }
        contactFraction = grid.communicator.sum(exact) / Double(g.cells.y * g.cells.z)
        supplyVelocity = parameters.supply.velocity(contactFraction: contactFraction)
    }

    /// Stops the run when the anode is exhausted or the contact is lost (MODEL.md §8).
    private func checkContactStops(time: Double) throws {
        let layout = state.lithium.layout, n = layout.interior, g = grid.geometry, map = UnsafePointer(contactMap.pointer)
        // Both stops concern a stripping anode: stripping now, or in the step that made this state
        // (the last step of a stripping half-cycle).
        guard case let .galvanostatic(current) = control(at: time), current < 0 || lastStepStripped else { return }
        // A column with an empty reservoir whose contact is gone has no Li left to strip.
        if exhaustedColumn < 0 {
            var first = Int.max
            let box = grid.localBox
            for k in 0..<n.z { for j in 0..<n.y where first == Int.max {
                let head = layout.offset(0, j, k)
                if state.reservoir.pointer[head] <= 0, map[head] < settings.contact.minimumFraction { first = box.lower.y + j + g.cells.y * (box.lower.z + k) }
            } }
            first = grid.communicator.min(first)
            if first < Int.max { exhaustedColumn = first }
        }
        if exhaustedColumn >= 0 {
            let cy = g.cells.y, j = exhaustedColumn % cy, k = exhaustedColumn / cy
            let position = g.dimensions == 3 ? String(format: "y = %.3g µm, z = %.3g µm", g.centre(1, j) * 1e6, g.centre(2, k) * 1e6) : String(format: "y = %.3g µm", g.centre(1, j) * 1e6)
            let location = g.dimensions == 3 ? [0, g.centre(1, j), g.centre(2, k)] : [0, g.centre(1, j)]
            throw TerminalEvent("anode exhaustion: the column at \(position) had no Li left to strip (empty reservoir, no Li at its contact), t = \(String(format: "%.6g", time)) s",
                                kind: .exhaustion, location: location)
        }
        if contactFraction < settings.contact.minimumFraction {
            throw TerminalEvent(String(format: "contact loss: the contact fraction fell to %.4g (contact.minimum_fraction %.4g), t = %.6g s", contactFraction, settings.contact.minimumFraction, time),
                                kind: .contactLoss)
        }
    }

    /// The initial void patches (MODEL.md §6): in a patch column the Li starts 1.5ℓ back from the
    /// electrolyte, with void in between; the electrolyte does not move. At 1.5ℓ the profile tail
    /// leaves under 1 % of a full contact in the patch.
    private func placeVoidPatches() {
        let g = grid.geometry, box = grid.localBox
        let patches = ContactPatches(dimensions: g.dimensions, cells: [g.cells.x, g.cells.y, g.cells.z], spacing: g.spacing, contactFraction: settings.interlayer.parameters.initialContactFraction,
                                     patchSize: settings.contact.patchSize, seed: settings.contact.seed)
        let h = settings.anodeThickness, recessed = h - 1.5 * parameters.phaseField.width
        for k in 0..<box.size.z { for j in 0..<box.size.y where patches.voidColumns[(box.lower.y + j) + g.cells.y * (box.lower.z + k)] {
            for i in 0..<box.size.x {
                let x = g.centre(0, box.lower.x + i)
                let full = parameters.phaseField.profile(x, interface: h), li = parameters.phaseField.profile(x, interface: recessed)
                state.lithium[i, j, k] = li
                state.void[i, j, k] = max(0, full - li)
            }
        } }
    }

    /// Adds the Li that nucleation plates this step to the `nucleated_li` tally.
    private func tallyNucleation(dt: Double) {
        guard let nucleated else { return }
        let layout = nucleated.layout, n = layout.interior
        let tally = nucleated.pointer, q = UnsafePointer(state.nucleationCurrent.pointer)
        let factor = -parameters.molarVolume / PhysicalConstants.faraday * dt
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { tally[base &+ i] += factor * q[base &+ i] }
        } }
    }

    /// Stops the run at the first non-finite value, naming the field, the global cell and its
    /// position, with the likely cause.
    static let fractionMargin = 1e-9

    private func checkFinite(time: Double) throws {
        // Volume fractions leave [0, 1] only by a blow-up: routing and relaxation keep them inside
        // to rounding, so the margin is a few ulps of 1, not a physical tolerance.
        let fraction = -Self.fractionMargin...(1 + Self.fractionMargin), anything = Field.finite
        let interfaceAdvice = "reduce solver.max_fraction_change or time.max_dt; if it persists the interface is too thin for Δx (raise phase_field.interface_cells)"
        var checks: [(Field, ClosedRange<Double>, String, String)] = [
            (state.lithium, fraction, " (a volume fraction must be in [0, 1])", interfaceAdvice),
            (state.void, fraction, " (a volume fraction must be in [0, 1])", interfaceAdvice),
            (state.reservoir, -1e-12...Field.finite.upperBound, " (the reservoir thickness must be ≥ 0)", "reduce time.max_dt"),
            (state.ionicPotential, anything, "", "the potential solve diverged: check the conductivities, or lower the current or voltage"),
            (state.electronicPotential, anything, "", "the potential solve diverged: check the conductivities, or lower the current or voltage"),
        ]
        if settings.binaryElectrolyte { checks.append((state.concentration, anything, "", "Li⁺ transport failed: reduce time.max_dt")) }
        // One reduction per step: which fields have a problem on any rank.
        let found = checks.map { $0.0.firstOutside($0.1) }
        let counts = grid.communicator.sum(found.map { Int64($0 == nil ? 0 : 1) })
        for (index, (field, _, expected, advice)) in checks.enumerated() where counts[index] > 0 {
            let local = found[index]
            let rankWithProblem = grid.communicator.min(local == nil ? Int.max : grid.communicator.rank)
            // The rank that found it describes it; the others learn the words by broadcast.
            var message = ""
            if let cell = local, grid.communicator.rank == rankWithProblem {
                let box = grid.localBox, g = grid.geometry
                let global = Index3(box.lower.x + cell.x, box.lower.y + cell.y, box.lower.z + cell.z)
                let position = (0..<g.dimensions).map { String(format: "%.3g", g.centre($0, global[$0]) * 1e6) }.joined(separator: ", ")
                message = "\(field.name) is \(field[cell.x, cell.y, cell.z])\(expected) at global cell \(global) (x, y\(g.dimensions == 3 ? ", z" : "") = \(position) µm) after step \(step), t = \(time) s; likely cause: \(advice)"
            }
            throw NumericalFailure(grid.communicator.broadcast(message, from: rankWithProblem))
        }
    }

    /// Binary mode: Li⁺ drifts and diffuses (D = s·D_l, floored in Li and void), stripping
    /// releases q/(F·c₀) per second and plating consumes it; c̃ = 1 at the counter electrode.
    private func transportIons(dt: Double) throws {
        let layout = state.lithium.layout, n = layout.interior
        let xi = UnsafePointer(state.lithium.pointer), v = UnsafePointer(state.void.pointer), q = UnsafePointer(state.faradaicCurrent.pointer)
        let d = diffusivity.pointer, source = ionSource.pointer
        let bulk = settings.diffusivity, floor = settings.conductivityFloor * settings.diffusivity
        let perCharge = 1 / (PhysicalConstants.faraday * settings.bulkConcentration)
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x {
                let p = base &+ i
                let solid = max(0, 1 - xi[p] - v[p])
                d[p] = solid * bulk + (1 - solid) * floor
                source[p] = q[p] * perCharge
            }
        } }
        var conditions = phaseFieldConditions()
        conditions.upper[0] = .dirichlet(1)
        try transport.advance(concentration: state.concentration, potential: state.ionicPotential, diffusivity: diffusivity, source: ionSource,
                              dt: dt, grid: grid, conditions: conditions, work: work)
    }

    // MARK: Microstructure and connected Li

    /// Grain ids (seeded Voronoi or imported), the boundary bands and pores (MODEL.md §3).
    private func buildMicrostructure() throws {
        let micro = settings.microstructure, g = grid.geometry, box = grid.localBox
        if let grainIds, let boundary {
            var ids: [Double]
            switch micro.kind {
            case .imported:
                // A bad microstructure file is bad input (exit code 2), not an output failure.
                do {
                    let file = try HDF5File.open(path: micro.file ?? "", communicator: grid.communicator)
                    defer { try? file.close() }
                    ids = try file.readGrainIds(micro.dataset, global: g.cells, dimensions: g.dimensions, box: box)
                } catch let error as HDF5Error {
                    throw PreflightError(message: "microstructure.file: \(error)")
                }
            default:
                let domain = (0..<g.dimensions).map { Double(g.cells[$0]) * g.spacing[$0] }
                let grains = VoronoiGrains(dimensions: g.dimensions, domain: domain, grainSize: micro.grainSize, sizeSpread: micro.sizeSpread, seed: micro.seed)
                ids = []
                ids.reserveCapacity(box.cellCount)
                for k in 0..<box.size.z { for j in 0..<box.size.y { for i in 0..<box.size.x {
                    let centre = (0..<3).map { $0 < g.dimensions ? g.centre($0, box.lower[$0] + [i, j, k][$0]) : 0 }
                    ids.append(Double(grains.grain(at: centre)))
                } } }
            }
            var index = 0
            for k in 0..<box.size.z { for j in 0..<box.size.y { for i in 0..<box.size.x {
                grainIds[i, j, k] = ids[index]
                index += 1
            } } }
            try GrainBoundaryBands.indicator(grainIds: ids, grid: grid, boundaryCells: micro.boundaryCells, into: boundary, sheet: boundarySheet)
        }
        if micro.poreFraction > 0 {
            let domain = (0..<g.dimensions).map { Double(g.cells[$0]) * g.spacing[$0] }
            Pores(dimensions: g.dimensions, domain: domain, electrolyteStart: settings.anodeThickness + parameters.phaseField.width,
                  fraction: micro.poreFraction, diameter: micro.poreSize, seed: micro.seed)
                .carve(void: state.void, lithium: state.lithium, geometry: g, box: box)
        }
    }

    /// σ_i, σ_e and the reacting and void-facing areas of the state; in solid mode each column's
    /// void gap first, whose asperity share the areas need. Needs the deposits of the state.
    func updateProperties() throws {
        if !settings.binaryElectrolyte { measureGap() }
        try properties.apply(to: state)
    }

    /// Labels the Li deposits; collective.
    func labelComponents() throws {
        components = try ComponentLabelling.label(state.lithium, grid: grid, labels: componentLabels)
    }

    /// A short (MODEL.md §8): Li connected to the anode reaches the counter electrode. Labelling
    /// runs only once some Li sits in the last layer, which is rare, so the test is cheap.
    private func detectShort(time: Double) throws {
        let layout = state.lithium.layout, n = layout.interior, box = grid.localBox, g = grid.geometry
        var reached = false
        if box.upper.x == g.cells.x {
            for k in 0..<n.z { for j in 0..<n.y where state.lithium[n.x - 1, j, k] > 0.5 { reached = true } }
        }
        guard grid.communicator.any(reached) else { return }
        try labelComponents()
        guard let path = components.components.first(where: { $0.touchesAnode && $0.touchesCounter }) else { return }
        let cell = path.counterCell, cx = g.cells.x, cy = g.cells.y
        let position = [cell % cx, (cell / cx) % cy, cell / (cx * cy)]
        let location = (0..<g.dimensions).map { g.centre($0, position[$0]) }
        let where_ = location.map { String(format: "%.3g", $0 * 1e6) }.joined(separator: ", ")
        let share = nucleatedShare(of: path.label)
        lastShortNucleatedShare = share
        let kind: TerminalEvent.Kind = share >= 0.5 ? .nucleationShort : .penetrationShort
        throw TerminalEvent(String(format: "a short circuit (%@; %.0f %% of the shorting Li was nucleated inside the electrolyte): Li connected to the anode reached the counter electrode at global cell (%@), position (%@) µm, t = %.6g s",
                                   kind.rawValue, 100 * share, position.prefix(g.dimensions).map(String.init).joined(separator: ", "), where_, time),
                            kind: kind, location: location)
    }

    /// Of the Li that the shorting component holds beyond the initial anode, the share that
    /// nucleation put there (the `nucleated_li` tally; growth of a nucleus afterwards counts as
    /// growth, so this is a lower bound on nucleation's part). Collective.
    private func nucleatedShare(of label: Int) -> Double {
        guard let nucleated else { return 0 }
        let layout = state.lithium.layout, g = grid.geometry, box = grid.localBox
        let labels = UnsafePointer(componentLabels.pointer), xi = UnsafePointer(state.lithium.pointer), tally = UnsafePointer(nucleated.pointer)
        let target = Double(label), anode = settings.anodeThickness, profile = parameters.phaseField
        let seeded = grid.reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x where labels[base &+ i] == target { sum += tally[base &+ i] }
            } }
            return sum
        }
        let grown = grid.reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x where labels[base &+ i] == target {
                    let initial = anode > 0 ? profile.profile(g.centre(0, box.lower.x + i), interface: anode) : 0
                    sum += Swift.max(0, xi[base &+ i] - initial)
                }
            } }
            return sum
        }
        return grown > 0 ? Swift.min(1, seeded / grown) : 0
    }

    /// A short by voltage collapse (|V_cell| below short.voltage_threshold under current), or the
    /// cycler's cut-off (|V_cell| above protocol.voltage_limit).
    private func detectVoltageCollapse(time: Double) throws {
        if settings.voltageLimit > 0, appliedCurrentDensity != 0, abs(cellVoltage) > settings.voltageLimit {
            throw TerminalEvent(String(format: "the voltage limit: |V_cell| = %.4g V exceeded protocol.voltage_limit %.4g V at %.4g mA/cm², t = %.6g s",
                                       abs(cellVoltage), settings.voltageLimit, appliedCurrentDensity / 10, time), kind: .voltageLimit)
        }
        guard settings.shortVoltageThreshold > 0, appliedCurrentDensity != 0, abs(cellVoltage) < settings.shortVoltageThreshold else { return }
        throw TerminalEvent(String(format: "a short circuit: the cell voltage collapsed to %.4g V (short.voltage_threshold %.4g V) at %.4g mA/cm², t = %.6g s",
                                   cellVoltage, settings.shortVoltageThreshold, appliedCurrentDensity / 10, time), kind: .voltageCollapse)
    }

    /// Mean φ_e at the counter electrode plus the pellet beyond the domain (MODEL.md §4, §9).
    var cellVoltage: Double {
        lastSolve.counterElectrodePotential - lastSolve.faradaicTotal / potentials.electrodeArea * parameters.seriesResistance
    }

    // MARK: Diagnostics

    /// Li volume in the domain plus the reservoir (m³, per metre of depth in 2-D).
    func inventory() -> Double {
        let layout = state.lithium.layout, g = grid.geometry
        let xi = UnsafePointer(state.lithium.pointer), reservoir = UnsafePointer(state.reservoir.pointer)
        let lowerX = grid.localBox.lower.x
        let volume = g.cellVolume, columnArea = g.cellVolume / g.spacing[0]
        return grid.reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x {
                    sum += xi[base &+ i] * volume
                    if lowerX + i == 0 { sum += reservoir[base &+ i] * columnArea }
                }
            } }
            return sum
        }
    }

    /// Electronic current density entering at the counter electrode (A/m²): the leakage through
    /// the electrolyte, T_wall·(φ_e,CE − φ_e,cell) summed over the face.
    func electronicCurrentDensity() -> Double {
        let g = grid.geometry
        let phiE = UnsafePointer(state.electronicPotential.pointer), sigma = UnsafePointer(state.electronicConductivity.pointer)
        let face = lastSolve.counterElectrodePotential
        let total = grid.reproducibleSumOverUpperXFace { p in 2 * sigma[p] / g.spacing[0] * (face - phiE[p]) }
        return total * g.cellVolume / g.spacing[0] / potentials.electrodeArea
    }

    /// One named diagnostic of the current state. Collective.
    func diagnosticValue(_ name: String) -> Double? {
        guard let index = diagnosticNames.firstIndex(of: name) else { return nil }
        let values = diagnostics(time: 0)
        return index < values.count ? values[index] : nil
    }

    public func diagnostics(time: Double) -> [Double] {
        let area = potentials.electrodeArea
        let faradaicDensity = -lastSolve.faradaicTotal / area
        let expected = initialInventory - parameters.molarVolume / PhysicalConstants.faraday * chargePassed
        let imbalance = initialInventory > 0 ? (inventory() - expected) / initialInventory : 0
        let chargeImbalance = appliedCurrentDensity != 0 ? (faradaicDensity - appliedCurrentDensity) / appliedCurrentDensity : 0
        let layout = state.lithium.layout, n = layout.interior, g = grid.geometry, box = grid.localBox
        var lowest = Double.infinity, reservoirSum = 0.0
        let q = UnsafePointer(state.faradaicCurrent.pointer), eta = UnsafePointer(state.overpotential.pointer)
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            lowest = min(lowest, state.reservoir.pointer[base])
            if box.lower.x == 0 { reservoirSum += state.reservoir.pointer[base] }
        } }
        // Labelling only fails on a corrupt label exchange; the diagnostics then report NaN.
        let labelled = (try? labelComponents()) != nil
        let connected = components.components.filter { $0.touchesAnode }, isolated = components.components.filter { !$0.touchesAnode }
        let anodeThickness = settings.anodeThickness
        let depth: (LithiumComponents.Component) -> Double = { c in g.centre(0, c.highestX) - anodeThickness }
        let connectedDepth: Double = connected.map(depth).max() ?? -Double.infinity
        let isolatedDepth: Double = isolated.map(depth).max() ?? 0
        let deepest: Double = labelled ? connectedDepth : Double.nan
        let isolatedCells: Int = isolated.reduce(0) { $0 + $1.fixedVolume }
        let isolatedVolume: Double = Double(isolatedCells) / LithiumComponents.volumeScale * g.cellVolume
        let isolatedColumns: [Double] = labelled ? [Double(isolated.count), isolatedVolume / area * 1e6, isolatedDepth * 1e6] : [Double.nan, Double.nan, Double.nan]
        let weighted = grid.reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x { sum += q[base &+ i] * eta[base &+ i] }
            } }
            return sum
        } * g.cellVolume
        let meanOverpotential = lastSolve.faradaicTotal != 0 ? weighted / lastSolve.faradaicTotal : 0
        let columnsTotal = grid.communicator.sum(reservoirSum)
        var nucleationColumns = [0.0, Double.nan]
        if let nucleated {
            let total = grid.reproducibleSum(of: nucleated)
            nucleationColumns[0] = total * g.cellVolume / area * 1e6
            if let boundary, total > 0 {
                let tally = UnsafePointer(nucleated.pointer), b = UnsafePointer(boundary.pointer)
                nucleationColumns[1] = grid.reproducibleSum { tile in
                    var sum = 0.0
                    for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                        let base = layout.offset(0, j, k)
                        for i in tile.lower.x..<tile.upper.x { sum += tally[base &+ i] * b[base &+ i] }
                    } }
                    return sum
                } / total
            }
        }
        let voidContact = grid.reproducibleSum(of: state.voidContactArea) * g.cellVolume / area
        let voidVolume = grid.reproducibleSum(of: state.void) * g.cellVolume / area
        let contactColumns: [Double] = settings.binaryElectrolyte ? [Double.nan, Double.nan, voidVolume * 1e6, Double.nan]
            : [contactFraction, voidContact, voidVolume * 1e6, supplyVelocity * 1e9]
        return [appliedCurrentDensity / 10, faradaicDensity / 10, cellVoltage, meanOverpotential,
                imbalance, chargeImbalance, deepest * 1e6, grid.communicator.min(lowest) * 1e6,
                columnsTotal / Double(g.cells.y * g.cells.z) * 1e6, electronicCurrentDensity() / 10,
                strippingShortfall / area * 1e6,
                ] + isolatedColumns + nucleationColumns + contactColumns + [
                Double(lastSolve.newtonIterations), Double(lastSolve.linearIterations), lastSolve.sweepEquivalents]
    }
}
