import LiPhaseGrid
import LiPhaseParallel
import LiPhasePhysics

/// PFHub benchmark 7a run through the real engine: decomposed grid, halo exchange, wall
/// conditions, adaptive Δt. The manufactured source makes the exact solution known, so the
/// L2 error measures the discretisation.
public final class ManufacturedAllenCahnModel: SimulationModel {
    public let grid: DistributedGrid
    public let problem = ManufacturedAllenCahn()
    private var eta: Field
    private var next: Field
    private let kernel: ManufacturedAllenCahnKernel
    public var phaseTimes = PhaseTimes()
    private var maximumCurvature = 2.0

    public init(cells: Index3, world: Communicator) throws {
        let domain = ManufacturedAllenCahn.domain
        let geometry = GridGeometry(dimensions: 2, cells: cells,
                                    spacing: [domain[0] / Double(cells.x), domain[1] / Double(cells.y), 1])
        // Periodic in x; η = 1 at y = 0 and η = 0 at y = ½ (the benchmark's conditions).
        let conditions = BoundaryConditions(lower: [.periodic, .dirichlet(1), .periodic],
                                            upper: [.periodic, .dirichlet(0), .periodic])
        grid = try DistributedGrid(geometry: geometry, conditions: conditions, world: world)
        eta = grid.makeField("eta", units: "1")
        next = grid.makeField("eta", units: "1")
        kernel = ManufacturedAllenCahnKernel(problem: problem, geometry: geometry, box: grid.localBox)
    }

    public var stateFields: [Field] { [eta] }
    public var diagnosticNames: [String] { ["l2_error", "eta_min", "eta_max"] }

    public func initialize(time: Double) throws {
        let box = grid.localBox, geometry = grid.geometry
        for j in 0..<box.size.y { for i in 0..<box.size.x {
            eta[i, j, 0] = problem.exact(x: geometry.centre(0, box.lower.x + i), y: geometry.centre(1, box.lower.y + j), t: time)
        } }
        try stateDidLoad(time: time, scalars: [:])
    }

    public func stateDidLoad(time: Double, scalars: [String: Double]) throws {
        var local = 0.0
        for j in 0..<grid.layout.interior.y { for i in 0..<grid.layout.interior.x {
            // A NaN curvature would be skipped by max; make it infinite so the check sees it.
            let curvature = ManufacturedAllenCahn.wellCurvature(eta[i, j, 0])
            local = max(local, curvature.isNaN ? .infinity : curvature)
        } }
        maximumCurvature = grid.communicator.max(local)
    }

    public func stableTimeStep(time: Double) throws -> Double {
        problem.stableTimeStep(spacing: grid.geometry.spacing, maximumCurvature: maximumCurvature)
    }

    public func advance(time: Double, dt: Double) throws {
        try grid.refreshGhosts([eta])
        let sweep = kernel.advance(from: eta, to: next, time: time, dt: dt)
        swap(&eta, &next)
        maximumCurvature = grid.communicator.max(sweep.maximumCurvature)
        if grid.communicator.any(sweep.firstNonFinite != nil) {
            // The lowest rank that saw it describes the cell; the others learn the words.
            let reporter = grid.communicator.min(sweep.firstNonFinite == nil ? Int.max : grid.communicator.rank)
            var location = ""
            if let cell = sweep.firstNonFinite, grid.communicator.rank == reporter {
                let box = grid.localBox, g = grid.geometry
                let global = (box.lower.x + cell.x, box.lower.y + cell.y)
                location = String(format: " at global cell (%d, %d) (x, y = %.4g, %.4g)", global.0, global.1, g.centre(0, global.0), g.centre(1, global.1))
            }
            location = grid.communicator.broadcast(location, from: reporter)
            throw NumericalFailure("η became NaN or infinite at t = \(time + dt)\(location); likely cause: the explicit step is unstable, reduce time.dt_safety or time.max_dt")
        }
        // An explicit-Euler instability grows η geometrically; huge curvature shows it early.
        guard maximumCurvature < 1e12 else {
            throw NumericalFailure("η is growing without bound at t = \(time + dt) (max g″ = \(maximumCurvature)); reduce time.dt_safety or time.max_dt")
        }
    }

    public func diagnostics(time: Double) -> [Double] {
        let squared = grid.communicator.sum(kernel.squaredErrorIntegral(eta, time: time))
        var low = Double.infinity, high = -Double.infinity
        for j in 0..<grid.layout.interior.y { for i in 0..<grid.layout.interior.x {
            low = min(low, eta[i, j, 0]); high = max(high, eta[i, j, 0])
        } }
        return [squared.squareRoot(), grid.communicator.min(low), grid.communicator.max(high)]
    }
}
