import LiPhaseGrid
import LiPhaseParallel

/// Solves two diffusion problems coupled by a local exchange term, as one symmetric system
///
///     (L₁ + K) u₁ − K u₂ = b₁
///     (L₂ + K) u₂ − K u₁ = b₂,        K = k·V ≥ 0 per cell,
///
/// the Newton step of the ionic and electronic potentials joined by Butler–Volmer kinetics
/// (MODEL.md §4). Solving the two blocks in turn contracts by about K/(K + diag L) per sweep,
/// so where the exchange outweighs both conductances (a nucleating cell in the electrolyte)
/// block iteration stalls. Here conjugate gradients run on the joint system, preconditioned by
/// a symmetric block factorisation that eliminates the second block first:
///
///     z₂ = Ã₂⁻¹ r₂,   z₁ = S̃⁻¹ (r₁ + K z₂),   z₂ ← z₂ + Ã₂⁻¹ K z₁,
///
/// where Ã₂⁻¹ is a V-cycle on L₂ + K and S̃⁻¹ a V-cycle on the Schur complement with A₂⁻¹
/// replaced by its diagonal, L₁ + K·D₂/(D₂ + K) (D₂ = Σ T of the second block). The local 2×2
/// coupling is thereby exact, and the approximation only drops the second block's
/// off-diagonal conductance, which is small wherever the exchange dominates when the second
/// block is the less conductive one there (the electronic potential in the electrolyte). In a
/// model problem with exact block solves the iteration count stays at 6 for K from 10⁻⁶ to 10⁶
/// times the ionic diagonal; solving the blocks in the other order needs up to 90.
///
/// Every operation is decomposition-independent, so the result is bit-identical on any number
/// of ranks.
public final class ExchangeCoupledSolver {
    public let grid: DistributedGrid
    private let first: EllipticSolver
    private let second: EllipticSolver
    /// K·D₂/(D₂ + K) − K per cell (integrated): what the first solver's operator adds to L₁ + K.
    private let schurShift: Field
    /// k per volume (K = k·V): the caller's field, read by `setOperator` and by every solve, so
    /// it must not change between the two.
    private let exchangeCoefficient: Field
    private let volume: Double
    private let residual1: Field, residual2: Field
    private let preconditioned1: Field, preconditioned2: Field
    private let direction1: Field, direction2: Field
    /// A·p, and the preconditioner's and `setOperator`'s scratch: each of those uses runs before
    /// the product is formed or after it was last read.
    private let product1: Field, product2: Field

    public init(grid: DistributedGrid, exchange coefficient: Field) throws {
        self.grid = grid
        exchangeCoefficient = coefficient
        first = try EllipticSolver(grid: grid)
        second = try EllipticSolver(grid: grid, sharingCycleVectorsWith: first)
        func field(_ name: String) -> Field { grid.makeField(name, units: "") }
        schurShift = field("schur_shift")
        volume = grid.geometry.cellVolume
        residual1 = field("r1"); residual2 = field("r2")
        preconditioned1 = field("z1"); preconditioned2 = field("z2")
        direction1 = field("p1"); direction2 = field("p2")
        product1 = field("Ap1"); product2 = field("Ap2")
    }

    /// Two vectors a caller may use between solves: the preconditioned residuals, which every CG
    /// iteration overwrites before reading. Their contents do not survive `solve`.
    public var workspace: (Field, Field) { (preconditioned1, preconditioned2) }

    /// Builds both operators: conductivities σ₁, σ₂ with their wall conditions (as
    /// `EllipticSolver.setOperator`) and the exchange coefficient's current values. Collective.
    public func setOperator(firstConductivity: Field, firstWalls: BoundaryConditions, secondConductivity: Field, secondWalls: BoundaryConditions) throws {
        let coefficient = exchangeCoefficient
        try second.setOperator(conductivity: secondConductivity, reaction: coefficient, boundaries: secondWalls)
        second.diagonal(into: product2)
        let layout = coefficient.layout, n = layout.interior, volume = volume
        let k = UnsafePointer(coefficient.pointer), diagonal = UnsafePointer(product2.pointer)
        let shift = schurShift.pointer, schurReaction = product1.pointer
        for kk in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, kk)
            for i in 0..<n.x {
                let p = base &+ i
                let exchangeCell = k[p] * volume
                let conductance = diagonal[p] - exchangeCell
                let total = conductance + exchangeCell
                let reduced = total > 0 ? exchangeCell * conductance / total : 0
                shift[p] = reduced - exchangeCell
                schurReaction[p] = reduced / volume
            }
        } }
        try first.setOperator(conductivity: firstConductivity, reaction: product1, boundaries: firstWalls)
    }

    /// b = s·V (times `secondScale` for the second block) plus the wall terms of each block (see `EllipticSolver.assembleRightHandSide`).
    /// `firstWalls` and `secondWalls` replace the values (not the kinds) of the wall conditions.
    public func assembleRightHandSide(firstSource: Field?, firstWalls: BoundaryConditions? = nil, into b1: Field,
                                      secondSource: Field?, secondScale: Double = 1, secondWalls: BoundaryConditions? = nil, into b2: Field) {
        first.assembleRightHandSide(source: firstSource, walls: firstWalls, into: b1)
        second.assembleRightHandSide(source: secondSource, scale: secondScale, walls: secondWalls, into: b2)
    }

    /// (y₁, y₂) = A (x₁, x₂). Refreshes the face ghosts of x.
    private func multiply(_ x1: Field, _ x2: Field, into y1: Field, _ y2: Field) throws {
        try first.applyOperator(x1, into: y1)
        try second.applyOperator(x2, into: y2)
        let layout = x1.layout, n = layout.interior
        let u = UnsafePointer(x1.pointer), w = UnsafePointer(x2.pointer), k = UnsafePointer(exchangeCoefficient.pointer), shift = UnsafePointer(schurShift.pointer)
        let out1 = y1.pointer, out2 = y2.pointer, volume = volume
        for kk in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, kk)
            for i in 0..<n.x {
                let p = base &+ i
                let exchangeCell = k[p] * volume
                out1[p] += -shift[p] * u[p] - exchangeCell * w[p]
                out2[p] -= exchangeCell * u[p]
            }
        } }
    }

    /// (z₁, z₂) = M⁻¹ (r₁, r₂), the symmetric block factorisation above.
    private func precondition(_ r1: Field, _ r2: Field, into z1: Field, _ z2: Field) throws -> Double {
        var work = try second.applyPreconditioner(r2, into: z2)
        let layout = r1.layout, n = layout.interior, k = UnsafePointer(exchangeCoefficient.pointer), volume = volume
        let t1 = product1.pointer, t2 = product2.pointer
        for kk in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, kk)
            for i in 0..<n.x { let p = base &+ i; t1[p] = r1.pointer[p] + k[p] * volume * z2.pointer[p] }
        } }
        work += try first.applyPreconditioner(product1, into: z1)
        for kk in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, kk)
            for i in 0..<n.x { let p = base &+ i; t2[p] = k[p] * volume * z1.pointer[p] }
        } }
        work += try second.applyPreconditioner(product2, into: product1)
        for kk in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, kk)
            for i in 0..<n.x { let p = base &+ i; z2.pointer[p] += t1[p] }
        } }
        return work
    }

    /// Along a direction d from x: d·(L x − b) and d·L d, with L the two blocks' conduction
    /// alone (A without the exchange): the quadratic part of the energy whose gradient is the
    /// nonlinear system, for a line search. Collective.
    public func conductionTerms(at x1: Field, _ x2: Field, along d1: Field, _ d2: Field, rightHandSide b1: Field, _ b2: Field) throws -> (slope: Double, curvature: Double) {
        let layout = x1.layout, coefficient = UnsafePointer(exchangeCoefficient.pointer), volume = volume
        let u = UnsafePointer(x1.pointer), w = UnsafePointer(x2.pointer), c1 = UnsafePointer(b1.pointer), c2 = UnsafePointer(b2.pointer)
        let e1 = UnsafePointer(d1.pointer), e2 = UnsafePointer(d2.pointer)
        let y1 = UnsafePointer(product1.pointer), y2 = UnsafePointer(product2.pointer)
        try multiply(x1, x2, into: product1, product2)
        let slope = grid.reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x {
                    let p = base &+ i
                    sum += e1[p] * (y1[p] - c1[p]) + e2[p] * (y2[p] - c2[p]) - coefficient[p] * volume * (u[p] - w[p]) * (e1[p] - e2[p])
                }
            } }
            return sum
        }
        try multiply(d1, d2, into: product1, product2)
        let curvature = grid.reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x {
                    let p = base &+ i
                    let difference = e1[p] - e2[p]
                    sum += e1[p] * y1[p] + e2[p] * y2[p] - coefficient[p] * volume * difference * difference
                }
            } }
            return sum
        }
        return (slope, curvature)
    }

    /// ⟨a₁, b₁⟩ + ⟨a₂, b₂⟩, reproducibly.
    private func dot(_ a1: Field, _ b1: Field, _ a2: Field, _ b2: Field) -> Double {
        let layout = a1.layout
        let x1 = UnsafePointer(a1.pointer), y1 = UnsafePointer(b1.pointer), x2 = UnsafePointer(a2.pointer), y2 = UnsafePointer(b2.pointer)
        return grid.reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x { let p = base &+ i; sum += x1[p] * y1[p] + x2[p] * y2[p] }
            } }
            return sum
        }
    }

    /// Solves for (x₁, x₂), starting from their values (a warm start). Collective.
    @discardableResult
    public func solve(_ x1: Field, _ x2: Field, rightHandSide b1: Field, _ b2: Field, tolerance: EllipticTolerance) throws -> EllipticSolveReport {
        var report = EllipticSolveReport()
        var work = 2.0
        try multiply(x1, x2, into: residual1, residual2)
        let layout = x1.layout, n = layout.interior
        do {
            let r1 = residual1.pointer, r2 = residual2.pointer, c1 = UnsafePointer(b1.pointer), c2 = UnsafePointer(b2.pointer)
            for k in 0..<n.z { for j in 0..<n.y {
                let base = layout.offset(0, j, k)
                for i in 0..<n.x { let p = base &+ i; r1[p] = c1[p] - r1[p]; r2[p] = c2[p] - r2[p] }
            } }
        }
        let rightNorm = dot(b1, b1, b2, b2).squareRoot()
        var residualNorm = dot(residual1, residual1, residual2, residual2).squareRoot()
        guard rightNorm.isFinite, residualNorm.isFinite else { throw EllipticSolverError.nonFinite }
        let scale = rightNorm > 0 ? rightNorm : 1
        report.relativeResidual = residualNorm / scale
        if residualNorm <= tolerance.relativeResidual * scale { report.sweepEquivalents = work; return report }

        var previous = 0.0
        for iteration in 1...tolerance.maximumIterations {
            work += try precondition(residual1, residual2, into: preconditioned1, preconditioned2)
            let rz = dot(residual1, preconditioned1, residual2, preconditioned2)
            let beta = iteration == 1 ? 0 : rz / previous
            previous = rz
            let z1 = UnsafePointer(preconditioned1.pointer), z2 = UnsafePointer(preconditioned2.pointer)
            let p1 = direction1.pointer, p2 = direction2.pointer
            for k in 0..<n.z { for j in 0..<n.y {
                let base = layout.offset(0, j, k)
                for i in 0..<n.x { let p = base &+ i; p1[p] = z1[p] + beta * p1[p]; p2[p] = z2[p] + beta * p2[p] }
            } }
            try multiply(direction1, direction2, into: product1, product2)
            let curvature = dot(direction1, product1, direction2, product2)
            work += 3.5
            guard curvature > 0, curvature.isFinite else {
                if curvature == 0 { break }
                throw curvature.isFinite ? EllipticSolverError.singular : EllipticSolverError.nonFinite
            }
            let alpha = rz / curvature
            let u1 = x1.pointer, u2 = x2.pointer, r1 = residual1.pointer, r2 = residual2.pointer
            let q1 = UnsafePointer(product1.pointer), q2 = UnsafePointer(product2.pointer)
            var largest = 0.0
            for k in 0..<n.z { for j in 0..<n.y {
                let base = layout.offset(0, j, k)
                for i in 0..<n.x {
                    let p = base &+ i
                    let step1 = alpha * p1[p], step2 = alpha * p2[p]
                    u1[p] += step1
                    u2[p] += step2
                    r1[p] -= alpha * q1[p]
                    r2[p] -= alpha * q2[p]
                    largest = Swift.max(largest, Swift.max(abs(step1), abs(step2)))
                }
            } }
            report.iterations = iteration
            report.lastIncrement = grid.communicator.max(largest)
            report.largestIncrement = Swift.max(report.largestIncrement, report.lastIncrement)
            residualNorm = dot(residual1, residual1, residual2, residual2).squareRoot()
            report.relativeResidual = residualNorm / scale
            if try tolerance.isReached(by: report, residualNorm: residualNorm) { break }
        }
        report.sweepEquivalents = work
        return report
    }
}
