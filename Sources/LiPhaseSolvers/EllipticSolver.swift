import LiPhaseGrid
import LiPhaseParallel

/// When a solve may stop.
public struct EllipticTolerance: Sendable, Equatable {
    /// Stop when ‖b − Lx‖₂ ≤ relativeResidual · ‖b‖₂.
    public var relativeResidual: Double
    /// Or when the last PCG update changed no cell by more than this (solution units), which
    /// bounds the error directly once the iteration contracts well.
    public var absoluteIncrement: Double?
    /// Or when the last update is this fraction of the largest update of the solve: the solve
    /// then holds the solution's change to about that relative accuracy, all an inexact Newton
    /// step needs (its forcing term).
    public var relativeIncrement: Double?
    public var maximumIterations: Int

    public init(relativeResidual: Double, absoluteIncrement: Double? = nil, relativeIncrement: Double? = nil, maximumIterations: Int = 100) {
        self.relativeResidual = relativeResidual
        self.absoluteIncrement = absoluteIncrement
        self.relativeIncrement = relativeIncrement
        self.maximumIterations = maximumIterations
    }
}

extension EllipticTolerance {
    /// The PCG stopping rule after an iteration: true once the residual or the last increment is
    /// small enough; throws on a non-finite residual or when the iterations run out.
    func isReached(by report: EllipticSolveReport, residualNorm: Double) throws -> Bool {
        guard residualNorm.isFinite else { throw EllipticSolverError.nonFinite }
        if report.relativeResidual <= relativeResidual { return true }
        if let absoluteIncrement, report.lastIncrement <= absoluteIncrement { return true }
        if let relativeIncrement, report.lastIncrement <= relativeIncrement * report.largestIncrement { return true }
        if report.iterations == maximumIterations {
            throw EllipticSolverError.notConverged(iterations: report.iterations, relativeResidual: report.relativeResidual)
        }
        return false
    }
}

public struct EllipticSolveReport: Sendable, Equatable {
    public var iterations = 0
    public var relativeResidual = 0.0
    /// Largest change of any cell in the last iteration.
    public var lastIncrement = 0.0
    /// Largest change of any cell in any iteration of this solve.
    public var largestIncrement = 0.0
    /// Work in units of one variable-coefficient sweep over the finest grid.
    public var sweepEquivalents = 0.0

    public init() {}
}

/// Solves Σ_f T_f (u_i − u_nb) + d_i u_i = b_i, the finite-volume form of −∇·(σ∇u) + c·u = f,
/// by conjugate gradients preconditioned with one multigrid V(1,1) cycle.
///
/// The solution is bit-identical on any rank count. Blocks are aligned to tiles, so the
/// coarse levels aggregate the same global cells everywhere. Smoothing colours follow global
/// indices. Once blocks stop being aligned, the coarse levels are replicated on every rank. Dot
/// products are exact tile-ordered sums.
public final class EllipticSolver {
    public let grid: DistributedGrid
    /// Levels stop coarsening at or below this many cells, then take a dense exact solve.
    public static let coarsestCells = 64

    private var levels: [MultigridLevel] = []
    private var transitions: [(coarsening: Coarsening, gather: LevelGather?)] = []
    /// For a coarsest level that is still distributed over several ranks: its replicated copy.
    private var coarsestGather: LevelGather?
    private let coarsest = CoarsestSolver()
    // The PCG's vectors, allocated on first use: a coupled solve only borrows the V-cycle.
    private lazy var residual = grid.makeField("r", units: "")
    private lazy var direction = grid.makeField("p", units: "")
    private lazy var product = grid.makeField("Ap", units: "")
    private lazy var preconditioned = grid.makeField("z", units: "")
    private var boundaries = BoundaryConditions.allPeriodic()
    private var work = 0.0

    /// `partner`: a solver on the same grid whose V-cycles never run at the same time as this
    /// one's (the two blocks of a coupled solve); the two then share the cycles' work vectors.
    public init(grid: DistributedGrid, sharingCycleVectorsWith partner: EllipticSolver? = nil) throws {
        self.grid = grid
        precondition(grid.layout.ghosts.x == 1, "the solver works on grids with one ghost layer")
        let dims = grid.geometry.dimensions
        func partnerLevel(_ index: Int) -> MultigridLevel? {
            guard let partner, index < partner.levels.count else { return nil }
            return partner.levels[index]
        }
        let fine = MultigridLevel(dimensions: dims, globalCells: grid.geometry.cells, box: grid.localBox,
                                  decomposition: grid.decomposition, replicated: false, weight: 1, sharingWith: partnerLevel(0), finest: true)
        levels = [fine]
        let fineCells = Double(grid.geometry.cells.product)
        var current = fine
        while current.globalCells.product > Self.coarsestCells, current.coarsenableAxes.contains(true) {
            let axes = current.coarsenableAxes
            let cells = MultigridLevel.coarser(current.globalCells, axes: axes)
            let weight = Double(cells.product) / fineCells
            let coarse: MultigridLevel
            var gather: LevelGather? = nil
            let communicator = current.decomposition.cartesian
            let aligned = communicator.all((0..<3).allSatisfy { !axes[$0] || current.box.lower[$0] % 2 == 0 })
            if current.replicated || communicator.size == 1 || aligned {
                if current.replicated {
                    coarse = try replicatedLevel(cells: cells, weight: weight, sharingWith: partnerLevel(levels.count))
                } else {
                    var lower = current.box.lower, upper = current.box.upper
                    for axis in 0..<3 where axes[axis] {
                        lower[axis] /= 2
                        upper[axis] = (upper[axis] + 1) / 2
                    }
                    let box = Box(lower: lower, size: Index3(upper.x - lower.x, upper.y - lower.y, upper.z - lower.z))
                    coarse = MultigridLevel(dimensions: dims, globalCells: cells, box: box, decomposition: current.decomposition, replicated: false, weight: weight,
                                            sharingWith: partnerLevel(levels.count))
                }
            } else {
                // Aggregates would straddle ranks: gather this grid, continue replicated.
                let shadow = try replicatedLevel(cells: current.globalCells, weight: current.weight)
                gather = LevelGather(level: current, shadow: shadow)
                coarse = try replicatedLevel(cells: cells, weight: weight, sharingWith: partnerLevel(levels.count))
            }
            transitions.append((Coarsening(axes: axes), gather))
            levels.append(coarse)
            current = coarse
        }
        if !current.replicated && current.decomposition.cartesian.size > 1 {
            coarsestGather = LevelGather(level: current, shadow: try replicatedLevel(cells: current.globalCells, weight: current.weight))
        }
    }

    /// A level holding the whole grid on this rank alone (MPI_COMM_SELF).
    private func replicatedLevel(cells: Index3, weight: Double, sharingWith partner: MultigridLevel? = nil) throws -> MultigridLevel {
        let dimensions = grid.geometry.dimensions
        let decomposition = try CartesianDecomposition(world: .selfOnly(), globalCells: cells, dimensions: dimensions, periodic: grid.decomposition.periodic)
        return MultigridLevel(dimensions: dimensions, globalCells: cells, box: Box(lower: Index3(0, 0, 0), size: cells),
                              decomposition: decomposition, replicated: true, weight: weight, sharingWith: partner)
    }

    public var levelCount: Int { levels.count }
    public var levelCells: [Index3] { levels.map(\.globalCells) }

    // MARK: Operator

    /// Builds the operator from a cell conductivity σ (any units; T = σ_f·A_f/h_f) and an
    /// optional reaction coefficient c (per volume; d = c·V). Wall faces follow `boundaries`:
    /// Dirichlet faces conduct from the cell centre to the wall (T = 2σA/h), Neumann faces not at
    /// all; periodic faces use the neighbouring block's σ. Collective.
    public func setOperator(conductivity: Field, reaction: Field?, boundaries: BoundaryConditions) throws {
        self.boundaries = boundaries
        let geometry = grid.geometry, dims = geometry.dimensions
        // Wall ghosts of σ copy the cell (zero gradient), so boundary faces see the cell's σ.
        try grid.refreshGhosts([conductivity], conditions: [.mirror(boundaries)])
        let fine = levels[0], layout = fine.layout, n = layout.interior
        let sigma = UnsafePointer(conductivity.pointer)
        let lowerWall = grid.decomposition.isLowerWall, upperWall = grid.decomposition.isUpperWall
        for axis in 0..<dims {
            var area = 1.0
            for other in 0..<dims where other != axis { area *= geometry.spacing[other] }
            let geometric = area / geometry.spacing[axis]
            let t = fine.faces[axis].pointer
            let stride = layout.stride(axis)
            var upper = n
            upper[axis] += 1
            for k in 0..<upper.z { for j in 0..<upper.y { for i in 0..<upper.x {
                let p = layout.offset(i, j, k)
                let index = axis == 0 ? i : (axis == 1 ? j : k)
                let a = sigma[p &- stride], b = sigma[p]
                var value = a + b > 0 ? 2 * a * b / (a + b) * geometric : 0
                if index == 0 && lowerWall[axis] {
                    value = boundaries.lower[axis] == .periodic ? value : (Self.isDirichlet(boundaries.lower[axis]) ? 2 * b * geometric : 0)
                } else if index == n[axis] && upperWall[axis] {
                    value = boundaries.upper[axis] == .periodic ? value : (Self.isDirichlet(boundaries.upper[axis]) ? 2 * a * geometric : 0)
                }
                t[p] = value
            } } }
        }
        let volume = geometry.cellVolume
        let d = fine.reaction.pointer
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { d[base &+ i] = (reaction?.pointer[base &+ i] ?? 0) * volume }
        } }
        fine.updateDiagonal()
        work = 0
        for (index, transition) in transitions.enumerated() {
            let source = levels[index], target = levels[index + 1]
            if let gather = transition.gather {
                for axis in 0..<dims { try gather.gather(source.faces[axis], into: gather.shadow.faces[axis], faceAxis: axis) }
                try gather.gather(source.reaction, into: gather.shadow.reaction)
                transition.coarsening.coarsenOperator(fineFaces: gather.shadow.faces.map { UnsafePointer($0.pointer) }, fineReaction: gather.shadow.reaction.pointer,
                                                      fineLayout: gather.shadow.layout, fineBox: gather.shadow.box, into: target)
            } else {
                transition.coarsening.coarsenOperator(fineFaces: source.faces.map { UnsafePointer($0.pointer) }, fineReaction: source.reaction.pointer,
                                                      fineLayout: source.layout, fineBox: source.box, into: target)
            }
        }
        let last = levels[levels.count - 1]
        if let gather = coarsestGather {
            for axis in 0..<dims { try gather.gather(last.faces[axis], into: gather.shadow.faces[axis], faceAxis: axis) }
            try gather.gather(last.reaction, into: gather.shadow.reaction)
            gather.shadow.updateDiagonal()
            try coarsest.factorize(gather.shadow)
        } else {
            try coarsest.factorize(last)
        }
    }

    static func isDirichlet(_ condition: BoundaryCondition) -> Bool {
        if case .dirichlet = condition { return true }
        return false
    }

    /// b = scale·f·V plus the wall terms: T_wall·g on a Dirichlet face with value g, A·g on a Neumann
    /// face whose value g is the flux density σ·∂u/∂n (outward normal): for a potential, the
    /// current density entering the domain through that face. Call after `setOperator`.
    /// `walls` replaces the values (not the kinds) of the conditions given to `setOperator`.
    public func assembleRightHandSide(source: Field?, scale: Double = 1, walls: BoundaryConditions? = nil, into b: Field) {
        let boundaries = walls ?? self.boundaries
        let geometry = grid.geometry, dims = geometry.dimensions
        let layout = b.layout, n = layout.interior, volume = geometry.cellVolume
        let out = b.pointer
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { out[base &+ i] = (source?.pointer[base &+ i] ?? 0) * scale * volume }
        } }
        let lowerWall = grid.decomposition.isLowerWall, upperWall = grid.decomposition.isUpperWall
        for axis in 0..<dims {
            var area = 1.0
            for other in 0..<dims where other != axis { area *= geometry.spacing[other] }
            let t = levels[0].faces[axis].pointer
            for (isUpper, condition, atWall) in [(false, boundaries.lower[axis], lowerWall[axis]), (true, boundaries.upper[axis], upperWall[axis])] where atWall {
                var plane = n
                plane[axis] = 1
                for k in 0..<plane.z { for j in 0..<plane.y { for i in 0..<plane.x {
                    var cell = [i, j, k]
                    if isUpper { cell[axis] = n[axis] - 1 }
                    var face = cell
                    if isUpper { face[axis] = n[axis] }
                    let p = layout.offset(cell[0], cell[1], cell[2])
                    switch condition {
                    case let .dirichlet(value): out[p] += t[layout.offset(face[0], face[1], face[2])] * value
                    case let .neumann(flux): out[p] += area * flux
                    case .periodic: break
                    }
                } } }
            }
        }
    }

    /// y = L x on the finest grid (one variable-coefficient sweep: the unit of solver work).
    /// Refreshes the face ghosts of `x`, overlapping their exchange with the interior's work.
    public func applyOperator(_ x: Field, into y: Field) throws {
        let fine = levels[0]
        fine.clearWallGhosts(x)
        try fine.applyOperator(x, into: y, subtractingFrom: nil, positive: true)
    }

    /// D = Σ_f T_f + d: the operator's diagonal in integrated units.
    public func diagonal(into output: Field) {
        let fine = levels[0], layout = fine.layout, n = layout.interior, out = output.pointer
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { out[base &+ i] = fine.diagonal(at: base &+ i) }
        } }
    }

    /// z = M⁻¹ r for one V(1,1) cycle from zero. With red–black order reversed after the
    /// coarse correction the cycle is a fixed symmetric positive definite map, so Krylov solves
    /// assembled outside this solver (the coupled potentials) can use it as a preconditioner.
    /// Returns its work in sweep equivalents. Collective.
    public func applyPreconditioner(_ r: Field, into z: Field) throws -> Double {
        let fine = levels[0]
        fine.rhs = r
        fine.solution = z
        work = 0
        try cycle(0)
        return work
    }

    // MARK: Solve

    private func cycle(_ index: Int) throws {
        let level = levels[index]
        if index == levels.count - 1 {
            if let gather = coarsestGather {
                try gather.gather(level.rhs, into: gather.shadow.rhs)
                coarsest.solve(gather.shadow)
                let n = level.layout.interior, box = level.box
                for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
                    level.solution[i, j, k] = gather.shadow.solution[box.lower.x + i, box.lower.y + j, box.lower.z + k]
                } } }
            } else {
                coarsest.solve(level)
            }
            return
        }
        level.smoothFromZero()
        try level.smooth(color: 1)
        try level.computeResidual()
        let (coarsening, gather) = transitions[index]
        let coarse = levels[index + 1]
        if let gather {
            try gather.gather(level.residual, into: gather.shadow.residual)
            coarsening.restrict(gather.shadow.residual.pointer, fineLayout: gather.shadow.layout, fineBox: gather.shadow.box, into: coarse.rhs, coarseBox: coarse.box)
        } else {
            coarsening.restrict(level.residual.pointer, fineLayout: level.layout, fineBox: level.box, into: coarse.rhs, coarseBox: coarse.box)
        }
        try cycle(index + 1)
        coarsening.prolong(coarse.solution, coarseBox: coarse.box, into: level.solution, fineBox: level.box)
        try level.smooth(color: 1)
        try level.smooth(color: 0)
        // Three smoothing half-sweeps and a pointwise one (the first), a residual, a restriction
        // and a prolongation.
        work += level.weight * 3.25
    }

    private func dot(_ a: Field, _ b: Field) -> Double {
        let layout = a.layout, x = UnsafePointer(a.pointer), y = UnsafePointer(b.pointer)
        work += 0.25
        return grid.reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x { sum += x[base &+ i] * y[base &+ i] }
            } }
            return sum
        }
    }

    /// Solves L x = b, starting from the values in `x` (a warm start). Collective.
    @discardableResult
    public func solve(_ x: Field, rightHandSide b: Field, tolerance: EllipticTolerance) throws -> EllipticSolveReport {
        let fine = levels[0]
        work = 0
        var report = EllipticSolveReport()
        fine.clearWallGhosts(x)
        fine.clearWallGhosts(direction)
        try fine.applyOperator(x, into: residual, subtractingFrom: b)
        work += 1
        let rightNorm = dot(b, b).squareRoot()
        var residualNorm = dot(residual, residual).squareRoot()
        guard rightNorm.isFinite, residualNorm.isFinite else { throw EllipticSolverError.nonFinite }
        let scale = rightNorm > 0 ? rightNorm : 1
        report.relativeResidual = residualNorm / scale
        if residualNorm <= tolerance.relativeResidual * scale { report.sweepEquivalents = work; return report }

        fine.rhs = residual
        fine.solution = preconditioned
        var previous = 0.0
        let n = fine.layout.interior
        for iteration in 1...tolerance.maximumIterations {
            try cycle(0)
            let rz = dot(residual, preconditioned)
            let beta = iteration == 1 ? 0 : rz / previous
            previous = rz
            let z = UnsafePointer(preconditioned.pointer), p = direction.pointer
            for k in 0..<n.z { for j in 0..<n.y {
                let base = fine.layout.offset(0, j, k)
                for i in 0..<n.x { p[base &+ i] = z[base &+ i] + beta * p[base &+ i] }
            } }
            try fine.applyOperator(direction, into: product, subtractingFrom: nil)   // product = −L p
            work += 1.25
            let curvature = -dot(direction, product)
            guard curvature > 0, curvature.isFinite else {
                if curvature == 0 { break }
                throw curvature.isFinite ? EllipticSolverError.singular : EllipticSolverError.nonFinite
            }
            let alpha = rz / curvature
            let u = x.pointer, r = residual.pointer, q = UnsafePointer(product.pointer)
            var largest = 0.0
            for k in 0..<n.z { for j in 0..<n.y {
                let base = fine.layout.offset(0, j, k)
                for i in 0..<n.x {
                    let c = base &+ i
                    let step = alpha * p[c]
                    u[c] += step
                    r[c] += alpha * q[c]
                    largest = Swift.max(largest, abs(step))
                }
            } }
            work += 0.75
            report.iterations = iteration
            report.lastIncrement = grid.communicator.max(largest)
            report.largestIncrement = Swift.max(report.largestIncrement, report.lastIncrement)
            residualNorm = dot(residual, residual).squareRoot()
            report.relativeResidual = residualNorm / scale
            if try tolerance.isReached(by: report, residualNorm: residualNorm) { break }
        }
        report.sweepEquivalents = work
        return report
    }
}
