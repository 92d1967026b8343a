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
/// Newton on the Butler–Volmer term: linearised about the current iterate, q adds the
/// non-negative reaction term k = a_c·δ_Γ·di/dη to each operator. The two potentials are solved
/// in turn (ionic, then electronic with the updated η) until no cell changes by more than the
/// tolerance. With galvanostatic control the ionic flux J enters at the counter electrode, so
/// the Faradaic total equals J·area once the iteration converges.
public final class CoupledPotentialSolve {
    public let state: ElectrodepositionState
    public var kinetics: ButlerVolmer
    public var equilibriumPotential: Double
    public var tolerance: Double
    public var maximumIterations: Int
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

    private let ionic: EllipticSolver
    private let electronic: EllipticSolver
    private let reaction: Field
    private let source: Field
    private let rightHandSide: Field
    private let previous: Field

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
        ionic = try EllipticSolver(grid: state.grid)
        electronic = try EllipticSolver(grid: state.grid)
        reaction = state.grid.makeField("k", units: "S/m^3")
        source = state.grid.makeField("s", units: "A/m^3")
        rightHandSide = state.grid.makeField("b", units: "A")
        previous = state.grid.makeField("previous", units: "V")
    }

    /// Area of the counter electrode (per metre of depth in 2-D).
    public var electrodeArea: Double {
        let g = state.grid.geometry
        var area = 1.0
        for axis in 1..<g.dimensions { area *= Double(g.cells[axis]) * g.spacing[axis] }
        return area
    }

    /// η, q and k from the current potentials: q = A_r·i(η) + q_nuc, k = A_r·di/dη + dq_nuc/dη.
    private func updateKinetics() {
        let layout = state.lithium.layout, n = layout.interior
        let phi = UnsafePointer(state.ionicPotential.pointer), phiE = UnsafePointer(state.electronicPotential.pointer)
        let area = UnsafePointer(state.reactiveArea.pointer)
        let eta = state.overpotential.pointer, q = state.faradaicCurrent.pointer, k = reaction.pointer
        let nucleationCurrent = state.nucleationCurrent.pointer
        let concentration = UnsafePointer(state.concentration.pointer), useConcentration = concentrationDependent
        let xi = UnsafePointer(state.lithium.pointer), v = UnsafePointer(state.void.pointer)
        let b = boundary.map { UnsafePointer($0.pointer) }
        let contactCells = (contact?.end ?? 0) - state.grid.localBox.lower.x
        let contactScale = contact?.exchangeScale ?? 1, contactThreshold = contact?.penetrationThreshold
        for kk in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, kk)
            for i in 0..<n.x {
                let p = base &+ i
                let overpotential = phiE[p] - phi[p] - equilibriumPotential
                eta[p] = overpotential
                let inContact = i < contactCells
                let a = inContact ? area[p] * contactScale : area[p], c = useConcentration ? Swift.max(concentration[p], 0) : 1
                var current = a > 0 ? a * kinetics.current(overpotential: overpotential, concentration: c) : 0
                var slope = a > 0 ? a * kinetics.slope(overpotential: overpotential, concentration: c) : 0
                if let nucleation {
                    // Electrolyte cells not yet Li; a nucleus reacts over s/ℓ.
                    let s = 1 - xi[p] - v[p]
                    var nucleus = 0.0
                    if xi[p] < 0.5, s > 0 {
                        let threshold = inContact ? contactThreshold.map { nucleation.overpotential + $0 } ?? nucleation.threshold(boundary: b.map { $0[p] } ?? 0)
                            : nucleation.threshold(boundary: b.map { $0[p] } ?? 0)
                        let excess = overpotential + threshold
                        let density = s * nucleation.areaDensity
                        nucleus = density * nucleation.current(excess: excess)
                        slope += density * nucleation.slope(excess: excess)
                    }
                    nucleationCurrent[p] = nucleus
                    current += nucleus
                }
                q[p] = current
                k[p] = slope
            }
        } }
    }

    /// source = sign·q + k·u_old: the right-hand side of one linearised block.
    private func linearisedSource(sign: Double, around potential: Field) {
        let layout = state.lithium.layout, n = layout.interior
        let q = UnsafePointer(state.faradaicCurrent.pointer), k = UnsafePointer(reaction.pointer), u = UnsafePointer(potential.pointer)
        let s = source.pointer
        for kk in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, kk)
            for i in 0..<n.x { let p = base &+ i; s[p] = sign * q[p] + k[p] * u[p] }
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

    private func largestChange(_ field: Field) -> Double {
        let layout = field.layout, n = layout.interior
        let a = UnsafePointer(field.pointer), b = UnsafePointer(previous.pointer)
        var largest = 0.0
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { largest = Swift.max(largest, abs(a[base &+ i] - b[base &+ i])) }
        } }
        return state.grid.communicator.max(largest)
    }

    /// A first Newton step from a poor start can move η by volts; limiting each update to
    /// `maximumStep` keeps the exponentials in range and the iteration monotone.
    private func limitUpdate(_ field: Field, change: Double, maximumStep: Double) {
        guard change > maximumStep else { return }
        let scale = maximumStep / change
        let layout = field.layout, n = layout.interior
        let a = field.pointer, b = UnsafePointer(previous.pointer)
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { let p = base &+ i; a[p] = b[p] + scale * (a[p] - b[p]) }
        } }
    }

    /// One linearised block: η and k at the current iterate, then (L + k)u = (sign·q + k·u_old)V
    /// plus the wall terms, warm-started, with the update limited to `maximumStep`.
    private func solveBlock(_ solver: EllipticSolver, potential: Field, conductivity: Field, walls: BoundaryConditions, sign: Double,
                            tolerance: EllipticTolerance, maximumStep: Double) throws -> (report: EllipticSolveReport, change: Double) {
        updateKinetics()
        linearisedSource(sign: sign, around: potential)
        try solver.setOperator(conductivity: conductivity, reaction: reaction, boundaries: walls)
        solver.assembleRightHandSide(source: source, into: rightHandSide)
        previous.copy(from: potential)
        let report = try solver.solve(potential, rightHandSide: rightHandSide, tolerance: tolerance)
        let change = largestChange(potential)
        limitUpdate(potential, change: change, maximumStep: maximumStep)
        return (report, change)
    }

    /// Solves for φ and φ_e (warm-started from their current values) and leaves η and q in the
    /// state. Collective.
    @discardableResult
    public func solve(_ control: ElectrodeControl) throws -> Report {
        var report = Report()
        let linear = EllipticTolerance(relativeResidual: 1e-14, absoluteIncrement: 0.1 * tolerance, maximumIterations: 500)
        var ionicWalls = BoundaryConditions.allPeriodic(), electronicWalls = BoundaryConditions.allPeriodic()
        ionicWalls.lower[0] = .neumann(0)
        electronicWalls.lower[0] = .dirichlet(0)
        let maximumStep = 0.1
        for iteration in 1...maximumIterations {
            switch control {
            case let .galvanostatic(currentDensity):
                ionicWalls.upper[0] = .neumann(currentDensity)
                electronicWalls.upper[0] = .dirichlet(counterElectrodePotential)
            case let .potentiostatic(voltage):
                ionicWalls.upper[0] = .dirichlet(voltage)
                electronicWalls.upper[0] = .dirichlet(voltage)
                counterElectrodePotential = voltage
            }
            let ionicStep = try solveBlock(ionic, potential: state.ionicPotential, conductivity: state.ionicConductivity,
                                           walls: ionicWalls, sign: 1, tolerance: linear, maximumStep: maximumStep)
            let electronicStep = try solveBlock(electronic, potential: state.electronicPotential, conductivity: state.electronicConductivity,
                                                walls: electronicWalls, sign: -1, tolerance: linear, maximumStep: maximumStep)
            var change = Swift.max(ionicStep.change, electronicStep.change)

            if case let .galvanostatic(currentDensity) = control {
                let face = counterElectrodeFace(flux: currentDensity)
                change = Swift.max(change, abs(face - counterElectrodePotential))
                counterElectrodePotential = face
            }
            report.newtonIterations = iteration
            report.linearIterations += ionicStep.report.iterations + electronicStep.report.iterations
            report.sweepEquivalents += ionicStep.report.sweepEquivalents + electronicStep.report.sweepEquivalents
            report.lastChange = change
            if change <= tolerance { break }
            if iteration == maximumIterations {
                throw PotentialSolveFailure(iterations: iteration, change: change, tolerance: tolerance)
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
