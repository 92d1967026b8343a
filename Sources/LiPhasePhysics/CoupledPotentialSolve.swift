import LiPhaseGrid
import LiPhaseSolvers

/// What the counter electrode at x = Lx imposes (MODEL.md §4).
public enum ElectrodeControl: Sendable, Equatable {
    /// Ionic current density through the counter electrode, A/m²; positive plates Li at x = 0.
    case galvanostatic(currentDensity: Double)
    /// φ = φ_e = V at the counter electrode, φ_e = 0 at the anode collector.
    case potentiostatic(voltage: Double)
}

/// The quasi-static charge balance of MODEL.md §4, solved every step:
///
///     −∇·(σ_i ∇φ)   =  q(η)      q = i(η)·a_c·δ_Γ,  η = φ_e − φ − U₀
///     −∇·(σ_e ∇φ_e) = −q(η)
///
/// Newton on the Butler–Volmer term: linearised about the current iterate, q couples the two
/// potentials through k = a_c·δ_Γ·di/dη ≥ 0, and each Newton step solves the joint symmetric
/// system for (φ, φ_e) with `ExchangeCoupledSolver` (solving the blocks in turn stalls where
/// nucleation makes k outweigh both conductances). Iterations stop when no cell changes by more
/// than the tolerance. With galvanostatic control the ionic flux J enters at the counter
/// electrode, so the Faradaic total equals J·area once the iteration converges; the counter
/// electrode's potential V_CE (φ_e = φ there) is a third unknown of the same Newton step, found
/// from the sensitivity ∂(φ, φ_e)/∂V_CE (a fixed-point update of V_CE alone oscillates once
/// nucleation ties φ_e to φ inside the electrolyte).
public final class CoupledPotentialSolve {
    public let state: ElectrodepositionState
    public var kinetics: ButlerVolmer
    public var equilibriumPotential: Double
    public var tolerance: Double
    public var maximumIterations: Int
    /// Largest change of a potential in one Newton step, V: keeps the exponentials in range.
    let maximumStep = 0.1
    /// The joint linear solves stop once an update moves no cell by a tenth of the tolerance.
    /// An inexact Newton: a linear solve also stops once its update is a tenth of its largest, so
    /// the Newton step carries a 10 % error that the next iteration removes. Early iterations,
    /// whose steps are large, cost a few CG iterations instead of a solve to 0.1 × tolerance.
    /// The forcing of 0.1 halves the linear work of a step (tested 0.03 to 0.3) and leaves the
    /// converged potentials unchanged within the tolerance.
    private var linear: EllipticTolerance { EllipticTolerance(relativeResidual: 1e-14, absoluteIncrement: 0.1 * tolerance, relativeIncrement: 0.1, maximumIterations: 500) }
    /// The sensitivity ∂(φ, φ_e)/∂V_CE (dimensionless, in [0, 1]) only supplies the slope of the
    /// outer Newton step and a warm start; an error of 10⁻⁴ in it slows the outer iteration by a
    /// factor 10⁻⁴ per step and never enters the converged potentials.
    private let sensitivityTolerance = EllipticTolerance(relativeResidual: 1e-14, absoluteIncrement: 1e-4, maximumIterations: 500)
    /// Galvanostatic: φ_e at the counter electrode, which equals φ there (an ideal reversible
    /// electrode); carried between steps as the warm start.
    public var counterElectrodePotential = 0.0
    /// Binary mode: the cathodic branch is multiplied by c̃ (MODEL.md §7).
    public var concentrationDependent = false
    /// Internal nucleation (MODEL.md §5) and, for a polycrystal, the boundary indicator that sets
    /// its threshold.
    public var nucleation: Nucleation?
    public var boundary: Field?
    /// Solid mode: the Li/interlayer contact, with its own i₀ and threshold.
    public var contact: ContactRegion?

    private let pair: ExchangeCoupledSolver
    /// k = dq/dη, the exchange coefficient of the linearised system (read by `pair`).
    private let reaction: Field
    private let ionicRightHandSide: Field
    private let electronicRightHandSide: Field
    private let previousIonic: Field
    private let previousElectronic: Field
    /// Galvanostatic: ∂(φ, φ_e)/∂V_CE of the linearised system, carried between steps as the
    /// warm start of its next solve (and checkpointed, so that a restart repeats the iterates).
    private let ionicSensitivity: Field
    private let electronicSensitivity: Field
    /// The Newton step, for the line search: the pair's workspace, free between its solves.
    private var ionicStep: Field { pair.workspace.0 }
    private var electronicStep: Field { pair.workspace.1 }

    public struct Report: Sendable, Equatable {
        public var newtonIterations = 0
        public var linearIterations = 0
        public var sweepEquivalents = 0.0
        /// Σ q·V: net Faradaic current (A per metre of depth in 2-D), > 0 when stripping.
        public var faradaicTotal = 0.0
        /// Mean φ_e over the counter-electrode face, V.
        public var counterElectrodePotential = 0.0
        public var lastChange = 0.0
        public init() {}
    }

    public init(state: ElectrodepositionState, kinetics: ButlerVolmer, equilibriumPotential: Double, tolerance: Double, maximumIterations: Int) throws {
        self.state = state
        self.kinetics = kinetics
        self.equilibriumPotential = equilibriumPotential
        self.tolerance = tolerance
        self.maximumIterations = maximumIterations
        reaction = state.grid.makeField("k", units: "S/m^3")
        pair = try ExchangeCoupledSolver(grid: state.grid, exchange: reaction)
        ionicRightHandSide = state.grid.makeField("b_ionic", units: "A")
        electronicRightHandSide = state.grid.makeField("b_electronic", units: "A")
        previousIonic = state.grid.makeField("previous_phi", units: "V")
        previousElectronic = state.grid.makeField("previous_phi_e", units: "V")
        ionicSensitivity = state.grid.makeField("dphi_dV", units: "1")
        electronicSensitivity = state.grid.makeField("dphi_e_dV", units: "1")
    }

    /// The fields a restart needs to repeat the solver's iterates exactly (`SimulationModel.warmStartFields`).
    public var warmStartFields: [Field] { [ionicSensitivity, electronicSensitivity] }

    /// Area of the counter electrode (per metre of depth in 2-D).
    public var electrodeArea: Double {
        let g = state.grid.geometry
        var area = 1.0
        for axis in 1..<g.dimensions { area *= Double(g.cells[axis]) * g.spacing[axis] }
        return area
    }

    /// The reaction law of every cell: contact kinetics on the reacting area plus nucleation.
    private struct CellKinetics {
        let kinetics: ButlerVolmer
        let nucleation: Nucleation?
        let area: UnsafePointer<Double>, concentration: UnsafePointer<Double>?
        let lithium: UnsafePointer<Double>, void: UnsafePointer<Double>, boundary: UnsafePointer<Double>?
        let contactCells: Int, contactScale: Double, contactThreshold: Double?

        /// q (A/m³), dq/dη and the nucleation part of q at cell p (local x index i).
        @inline(__always)
        func evaluate(_ p: Int, _ i: Int, overpotential: Double) -> (current: Double, slope: Double, nucleus: Double) {
            let inContact = i < contactCells
            let a = inContact ? area[p] * contactScale : area[p], c = concentration.map { Swift.max($0[p], 0) } ?? 1
            var current = a > 0 ? a * kinetics.current(overpotential: overpotential, concentration: c) : 0
            var slope = a > 0 ? a * kinetics.slope(overpotential: overpotential, concentration: c) : 0
            var nucleus = 0.0
            if let nucleation {
                // Electrolyte cells not yet Li; a nucleus reacts over s/ℓ.
                let s = 1 - lithium[p] - void[p]
                if lithium[p] < 0.5, s > 0 {
                    let own = nucleation.threshold(boundary: boundary.map { $0[p] } ?? 0)
                    let threshold = inContact ? contactThreshold.map { nucleation.overpotential + $0 } ?? own : own
                    let excess = overpotential + threshold
                    let density = s * nucleation.areaDensity
                    nucleus = density * nucleation.current(excess: excess)
                    slope += density * nucleation.slope(excess: excess)
                }
                current += nucleus
            }
            return (current, slope, nucleus)
        }
    }

    private var cellKinetics: CellKinetics {
        CellKinetics(kinetics: kinetics, nucleation: nucleation, area: UnsafePointer(state.reactiveArea.pointer),
                     concentration: concentrationDependent ? UnsafePointer(state.concentration.pointer) : nil,
                     lithium: UnsafePointer(state.lithium.pointer), void: UnsafePointer(state.void.pointer), boundary: boundary.map { UnsafePointer($0.pointer) },
                     contactCells: (contact?.end ?? 0) - state.grid.localBox.lower.x, contactScale: contact?.exchangeScale ?? 1,
                     contactThreshold: contact?.penetrationThreshold)
    }

    /// η, q and k from the current potentials: q = A_r·i(η) + q_nuc, k = A_r·di/dη + dq_nuc/dη.
    private func updateKinetics() {
        let layout = state.lithium.layout, n = layout.interior
        let phi = UnsafePointer(state.ionicPotential.pointer), phiE = UnsafePointer(state.electronicPotential.pointer)
        let eta = state.overpotential.pointer, q = state.faradaicCurrent.pointer, k = reaction.pointer
        let nucleationCurrent = state.nucleationCurrent.pointer
        let law = cellKinetics
        for kk in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, kk)
            for i in 0..<n.x {
                let p = base &+ i
                let overpotential = phiE[p] - phi[p] - equilibriumPotential
                eta[p] = overpotential
                let value = law.evaluate(p, i, overpotential: overpotential)
                nucleationCurrent[p] = value.nucleus
                q[p] = value.current
                k[p] = value.slope
            }
        } }
    }

    /// Σ V·q(η + t·Δη)·Δη with Δη = Δφ_e − Δφ along the Newton step: the reaction part of the
    /// energy's derivative along the step (η is the step-start overpotential in the state).
    private func reactionSlope(along t: Double) -> Double {
        let layout = state.lithium.layout
        let eta = UnsafePointer(state.overpotential.pointer)
        let stepIonic = UnsafePointer(ionicStep.pointer), stepElectronic = UnsafePointer(electronicStep.pointer)
        let law = cellKinetics
        return state.grid.geometry.cellVolume * state.grid.reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x {
                    let p = base &+ i
                    let change = stepElectronic[p] - stepIonic[p]
                    if change != 0 { sum += law.evaluate(p, i, overpotential: eta[p] + t * change).current * change }
                }
            } }
            return sum
        }
    }

    /// s = q − k·(φ_e − φ): the ionic source of the linearised system, whose unknowns are the
    /// new potentials (the electronic source is −s), into `s`.
    private func linearisedSource(into field: Field) {
        let layout = state.lithium.layout, n = layout.interior
        let q = UnsafePointer(state.faradaicCurrent.pointer), k = UnsafePointer(reaction.pointer)
        let phi = UnsafePointer(state.ionicPotential.pointer), phiE = UnsafePointer(state.electronicPotential.pointer)
        let s = field.pointer
        for kk in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, kk)
            for i in 0..<n.x { let p = base &+ i; s[p] = q[p] - k[p] * (phiE[p] - phi[p]) }
        } }
    }

    /// Mean of φ on the counter-electrode face, extrapolated from the last cell with the flux.
    private func counterElectrodeFace(flux: Double) -> Double {
        let grid = state.grid
        let half = 0.5 * grid.geometry.spacing[0]
        let phi = UnsafePointer(state.ionicPotential.pointer), sigma = UnsafePointer(state.ionicConductivity.pointer)
        let total = grid.reproducibleSumOverUpperXFace { p in phi[p] + half * flux / sigma[p] }
        let faceCells = grid.geometry.cells.y * grid.geometry.cells.z
        return total / Double(faceCells)
    }

    /// Mean of a field over the last x layer.
    private func faceMean(_ field: Field) -> Double {
        let values = UnsafePointer(field.pointer)
        let g = state.grid.geometry
        return state.grid.reproducibleSumOverUpperXFace { p in values[p] } / Double(g.cells.y * g.cells.z)
    }

    /// u += a·s over the interior.
    private func addScaled(_ s: Field, _ a: Double, to u: Field) {
        let layout = u.layout, n = layout.interior
        let x = u.pointer, y = UnsafePointer(s.pointer)
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { x[base &+ i] += a * y[base &+ i] }
        } }
    }

    /// Moves the potentials from the step start (`previous…`) along the Newton step now in the
    /// state, by the length that minimises the energy whose gradient is the charge balance,
    ///
    ///     E(φ, φ_e) = ½ φ·L_i φ + ½ φ_e·L_e φ_e − b·(φ, φ_e) + Σ V·G(φ_e − φ − U₀),   G′ = q,
    ///
    /// which is convex (G″ = k ≥ 0). A full Newton step overshoots where nucleation switches
    /// on (its law is exponential past a threshold and flat before it) and the iteration then
    /// cycles; the exact line minimum (a root of the monotone dE/dt) cannot. Steps are also capped
    /// at `maximumStep` volts to keep the exponentials in range. Returns the largest change of
    /// any cell. Collective.
    private func searchLine(ionicWalls: BoundaryConditions, electronicWalls: BoundaryConditions) throws -> Double {
        let layout = state.lithium.layout, n = layout.interior
        let phi = state.ionicPotential.pointer, phiE = state.electronicPotential.pointer
        let oldPhi = UnsafePointer(previousIonic.pointer), oldPhiE = UnsafePointer(previousElectronic.pointer)
        let stepPhi = ionicStep.pointer, stepPhiE = electronicStep.pointer
        var largest = 0.0
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x {
                let p = base &+ i
                stepPhi[p] = phi[p] - oldPhi[p]
                stepPhiE[p] = phiE[p] - oldPhiE[p]
                largest = Swift.max(largest, Swift.max(abs(stepPhi[p]), abs(stepPhiE[p])))
            }
        } }
        largest = state.grid.communicator.max(largest)
        guard largest > 0 else { return 0 }
        pair.assembleRightHandSide(firstSource: nil, firstWalls: ionicWalls, into: ionicRightHandSide,
                                   secondSource: nil, secondWalls: electronicWalls, into: electronicRightHandSide)
        let conduction = try pair.conductionTerms(at: previousIonic, previousElectronic, along: ionicStep, electronicStep,
                                                  rightHandSide: ionicRightHandSide, electronicRightHandSide)
        func slope(_ t: Double) -> Double { conduction.slope + t * conduction.curvature + reactionSlope(along: t) }
        let longest = Swift.min(1, maximumStep / largest)
        var t = longest
        let start = slope(0), end = slope(longest)
        if start < 0, end > 0 {
            // Illinois false position on the monotone slope: a few evaluations of q per search.
            var low = (t: 0.0, value: start), high = (t: longest, value: end)
            var side = 0
            for _ in 0..<40 {
                t = (low.t * high.value - high.t * low.value) / (high.value - low.value)
                let value = slope(t)
                if abs(value) <= 1e-8 * abs(start) || high.t - low.t <= 1e-6 * longest { break }
                if value < 0 {
                    low = (t, value)
                    if side == -1 { high.value *= 0.5 }
                    side = -1
                } else {
                    high = (t, value)
                    if side == 1 { low.value *= 0.5 }
                    side = 1
                }
            }
        }
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x {
                let p = base &+ i
                phi[p] = oldPhi[p] + t * stepPhi[p]
                phiE[p] = oldPhiE[p] + t * stepPhiE[p]
            }
        } }
        return t * largest
    }

    /// The iteration has converged once the error left after the last change is within the
    /// tolerance. While the iterates contract by ρ = change/previous ≤ ¼ (inexact Newton with a
    /// forcing of 0.1 contracts by about that or faster), the error left is at most
    /// change·ρ/(1 − ρ), so the iteration that would only confirm it is skipped; otherwise the
    /// change itself must be within the tolerance.
    private func isConverged(change: Double, previousChange: Double) -> Bool {
        if change <= tolerance { return true }
        guard previousChange.isFinite else { return false }
        let ratio = change / previousChange
        return ratio <= 0.25 && change * ratio / (1 - ratio) <= tolerance
    }

    /// The Newton update F/(1 − m) of V_CE for the face residual F and slope m, capped at
    /// `maximumStep` volts.
    private func counterElectrodeUpdate(residual: Double, slope: Double) -> Double {
        Swift.max(-maximumStep, Swift.min(maximumStep, residual / (1 - slope)))
    }

    /// Adds the linear response of the potentials to a change of V_CE, ΔV_CE·s, so that the next
    /// Newton step starts from where the linearised system would be.
    private func addLinearResponse(toCounterElectrodeChange change: Double) {
        addScaled(ionicSensitivity, change, to: state.ionicPotential)
        addScaled(electronicSensitivity, change, to: state.electronicPotential)
    }

    /// Galvanostatic control with a known slope m: V_CE follows the Newton iterates.
    private struct CounterElectrodeFollower {
        let currentDensity: Double
        let slope: Double
    }

    /// Newton with exact line search on the energy, until the error left is within the tolerance
    /// (`isConverged`). With a `follower`, each Newton step is followed by the V_CE update
    /// F/(1 − m) and its linear response along the carried sensitivity, so that V_CE converges
    /// with the potentials instead of in an outer iteration of its own; the walls move with it.
    /// If those updates stop halving (a stale slope), V_CE is left where it is and the outer loop
    /// of `solve` takes over. Collective.
    private func minimiseEnergy(ionicWalls: BoundaryConditions, electronicWalls: inout BoundaryConditions, follower: CounterElectrodeFollower? = nil,
                                report: inout Report) throws {
        var previousChange = Double.infinity, previousUpdate = Double.infinity
        var follower = follower
        for iteration in 1...maximumIterations {
            updateKinetics()
            try pair.setOperator(firstConductivity: state.ionicConductivity, firstWalls: ionicWalls,
                                 secondConductivity: state.electronicConductivity, secondWalls: electronicWalls)
            // s goes into the electronic right-hand side, which is assembled in place after the
            // ionic one has read it (assembly is pointwise, ionic block first).
            linearisedSource(into: electronicRightHandSide)
            pair.assembleRightHandSide(firstSource: electronicRightHandSide, into: ionicRightHandSide,
                                       secondSource: electronicRightHandSide, secondScale: -1, into: electronicRightHandSide)
            previousIonic.copy(from: state.ionicPotential)
            previousElectronic.copy(from: state.electronicPotential)
            let step = try pair.solve(state.ionicPotential, state.electronicPotential, rightHandSide: ionicRightHandSide, electronicRightHandSide, tolerance: linear)
            var change = try searchLine(ionicWalls: ionicWalls, electronicWalls: electronicWalls)
            if let followed = follower {
                let residual = counterElectrodeFace(flux: followed.currentDensity) - counterElectrodePotential
                let update = counterElectrodeUpdate(residual: residual, slope: followed.slope)
                // The first iterates are far from converged and may move V_CE either way.
                if iteration > 2, abs(update) > tolerance, abs(update) > 0.5 * abs(previousUpdate) {
                    follower = nil
                } else {
                    addLinearResponse(toCounterElectrodeChange: update)
                    counterElectrodePotential += update
                    electronicWalls.upper[0] = .dirichlet(counterElectrodePotential)
                    previousUpdate = update
                    change = Swift.max(change, abs(update))
                }
            }
            report.newtonIterations += 1
            report.linearIterations += step.iterations
            report.sweepEquivalents += step.sweepEquivalents
            report.lastChange = change
            if isConverged(change: change, previousChange: previousChange) { return }
            previousChange = change
            if iteration == maximumIterations {
                throw PotentialSolveFailure(iterations: iteration, change: change, tolerance: tolerance)
            }
        }
    }

    /// Solves for φ and φ_e (warm-started from their current values) and leaves η and q in the
    /// state. Galvanostatic control adds the counter-electrode potential V_CE as an unknown:
    /// the face condition φ_e = φ at the counter electrode is a monotone scalar equation in V_CE
    /// (∂φ_face/∂V_CE = m ∈ [0, 1) for this M-matrix system), solved by Newton with the slope
    /// from the sensitivity ∂(φ, φ_e)/∂V_CE and kept inside a bracket: a joint Newton step
    /// cycles once nucleation switches on and off with V_CE. Collective.
    @discardableResult
    public func solve(_ control: ElectrodeControl) throws -> Report {
        var report = Report()
        var ionicWalls = BoundaryConditions.allPeriodic(), electronicWalls = BoundaryConditions.allPeriodic()
        ionicWalls.lower[0] = .neumann(0)
        electronicWalls.lower[0] = .dirichlet(0)
        switch control {
        case let .potentiostatic(voltage):
            ionicWalls.upper[0] = .dirichlet(voltage)
            electronicWalls.upper[0] = .dirichlet(voltage)
            counterElectrodePotential = voltage
            try minimiseEnergy(ionicWalls: ionicWalls, electronicWalls: &electronicWalls, report: &report)
        case let .galvanostatic(currentDensity):
            ionicWalls.upper[0] = .neumann(currentDensity)
            var below = -Double.infinity, above = Double.infinity
            // The slope comes from the sensitivity carried from the last solve that computed it
            // (zero on the face until one has).
            let carried = faceMean(ionicSensitivity)
            var slope: Double? = carried != 0 ? carried : nil
            var previousResidual = Double.infinity
            for iteration in 1...maximumIterations {
                electronicWalls.upper[0] = .dirichlet(counterElectrodePotential)
                try minimiseEnergy(ionicWalls: ionicWalls, electronicWalls: &electronicWalls,
                                   follower: slope.map { CounterElectrodeFollower(currentDensity: currentDensity, slope: $0) }, report: &report)
                let residual = counterElectrodeFace(flux: currentDensity) - counterElectrodePotential
                // A Newton update below the tolerance by the last slope ends the solve without
                // another sensitivity solve (the slope only sets the size of that update).
                if let slope, abs(residual / (1 - slope)) <= tolerance {
                    report.lastChange = abs(residual / (1 - slope))
                    break
                }
                if residual > 0 { below = Swift.max(below, counterElectrodePotential) } else { above = Swift.min(above, counterElectrodePotential) }
                // The slope changes little from step to step, so the carried one serves while each
                // update cuts the residual twentyfold (an update with the exact slope cuts it by
                // orders of magnitude; a slope off by a fraction e cuts it only by about e). Once
                // it does not, e.g. because nucleation switched on, the sensitivity is solved anew
                // with the operator of the current solution.
                if slope == nil || abs(residual) > 0.05 * abs(previousResidual) {
                    // A s = (0, T_wall) on the counter-electrode face.
                    var noFlux = ionicWalls, unitPotential = electronicWalls
                    noFlux.upper[0] = .neumann(0)
                    unitPotential.upper[0] = .dirichlet(1)
                    pair.assembleRightHandSide(firstSource: nil, firstWalls: noFlux, into: ionicRightHandSide,
                                               secondSource: nil, secondWalls: unitPotential, into: electronicRightHandSide)
                    let sensitivity = try pair.solve(ionicSensitivity, electronicSensitivity, rightHandSide: ionicRightHandSide, electronicRightHandSide, tolerance: sensitivityTolerance)
                    report.linearIterations += sensitivity.iterations
                    report.sweepEquivalents += sensitivity.sweepEquivalents
                    slope = faceMean(ionicSensitivity)
                }
                previousResidual = residual
                let faceSlope = slope ?? 0
                var next = counterElectrodePotential + counterElectrodeUpdate(residual: residual, slope: faceSlope)
                if !(next > below && next < above) {
                    next = below.isFinite && above.isFinite ? 0.5 * (below + above) : counterElectrodePotential + (residual > 0 ? maximumStep : -maximumStep)
                }
                let change = next - counterElectrodePotential
                addLinearResponse(toCounterElectrodeChange: change)
                counterElectrodePotential = next
                report.lastChange = abs(change)
                if abs(change) <= tolerance { break }
                if iteration == maximumIterations {
                    throw PotentialSolveFailure(iterations: iteration, change: abs(change), tolerance: tolerance)
                }
            }
        }
        updateKinetics()
        let volume = state.grid.geometry.cellVolume
        let layout = state.lithium.layout, q = UnsafePointer(state.faradaicCurrent.pointer)
        report.faradaicTotal = volume * state.grid.reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x { sum += q[base &+ i] }
            } }
            return sum
        }
        report.counterElectrodePotential = counterElectrodePotential
        return report
    }
}

/// The Newton iteration for the potentials did not reach its tolerance.
public struct PotentialSolveFailure: Error, CustomStringConvertible {
    public let iterations: Int
    public let change: Double
    public let tolerance: Double
    public var description: String {
        "the coupled potential solve did not converge in \(iterations) Newton iterations (last change \(change) V, tolerance \(tolerance) V); raise solver.max_newton_iterations or solver.potential_tolerance, or reduce the current"
    }
}
