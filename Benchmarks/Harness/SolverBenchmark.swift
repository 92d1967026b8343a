// LiPhase benchmark harness. `liphase-bench solver [N]` times the potential solve on the
// problem that Benchmarks/hypre/hypre_potential.c solves with hypre, so the two compare directly:
// N×N cells on the unit square, u = 0 at x = 0 and 1 at x = 1, periodic in y, σ = 1 with 48
// floating islands of σ = 1e7. "Warm" grows every island by a quarter cell and restarts from the
// cold solution, like one time step. Times are medians of 5 repetitions.
import Foundation
import LiPhaseGrid
import LiPhaseParallel
import LiPhaseSolvers

private struct Island { let x, y, r: Double }
private let islands: [Island] = (1...6).flatMap { m in (0..<8).map { k in
    let (mm, kk) = (Double(m), Double(k))
    return Island(x: (mm + 0.5) / 8 + 0.02 * sin(7 * mm + 3 * kk), y: (kk + 0.5) / 8 + 0.02 * cos(5 * mm + 11 * kk), r: 0.03 + 0.01 * sin(mm * kk + 1))
} }

/// Prints one line per case (cold, warm, warm with the error-based test) on the root rank.
func solverBenchmark(world: Communicator, n: Int, repetitions: Int) throws {
    let h = 1 / Double(n)
    let walls = BoundaryConditions(lower: [.dirichlet(0), .periodic, .periodic], upper: [.dirichlet(1), .periodic, .periodic])
    let grid = try DistributedGrid(geometry: GridGeometry(dimensions: 2, cells: Index3(n, n, 1), spacing: [h, h, 1]), conditions: walls, world: world)
    let sigma = grid.makeField("sigma", units: "S/m"), b = grid.makeField("b", units: ""), u = grid.makeField("u", units: "")
    let scratch = grid.makeField("scratch", units: ""), product = grid.makeField("Lu", units: "")

    func fillConductivity(growth: Double) {
        let box = grid.localBox
        for j in 0..<box.size.y { for i in 0..<box.size.x {
            let x = (Double(box.lower.x + i) + 0.5) * h, y = (Double(box.lower.y + j) + 0.5) * h
            let inside = islands.contains { (x - $0.x) * (x - $0.x) + (y - $0.y) * (y - $0.y) < ($0.r + growth) * ($0.r + growth) }
            sigma[i, j, 0] = inside ? 1e7 : 1
        } }
    }

    let solver = try EllipticSolver(grid: grid)
    fillConductivity(growth: 0)
    try solver.setOperator(conductivity: sigma, reaction: nil, boundaries: walls)

    // One sweep equivalent: the variable-coefficient operator applied once.
    var matvec: [Double] = []
    for _ in 0..<repetitions {
        world.barrier()
        let start = MPIEnvironment.wallTime()
        for _ in 0..<10 { try solver.applyOperator(u, into: product) }
        matvec.append(world.max((MPIEnvironment.wallTime() - start) / 10))
    }
    let sweep = Sample(matvec).median

    /// Currents through the two walls (they agree when the solve is converged).
    func wallCurrents() -> (Double, Double) {
        let box = grid.localBox
        var into = 0.0, out = 0.0
        for j in 0..<box.size.y {
            if box.lower.x == 0 { into += 2 * sigma[0, j, 0] * u[0, j, 0] }
            if box.upper.x == n { out += 2 * sigma[box.size.x - 1, j, 0] * (1 - u[box.size.x - 1, j, 0]) }
        }
        return (world.sum(into), world.sum(out))
    }

    /// Island cells, to check that this is the same problem as the hypre benchmark.
    func islandCells() -> Int {
        let box = grid.localBox
        var count = 0
        for j in 0..<box.size.y { for i in 0..<box.size.x where sigma[i, j, 0] > 1 { count += 1 } }
        return world.sum(count)
    }

    func measure(_ label: String, growth: Double, start initial: Field?, tolerance: EllipticTolerance) throws {
        var setups: [Double] = [], solves: [Double] = []
        var solveReport = EllipticSolveReport()
        for _ in 0..<repetitions {
            fillConductivity(growth: growth)
            world.barrier()
            let t0 = MPIEnvironment.wallTime()
            try solver.setOperator(conductivity: sigma, reaction: nil, boundaries: walls)
            solver.assembleRightHandSide(source: nil, into: b)
            let t1 = MPIEnvironment.wallTime()
            if let initial { u.copy(from: initial) } else { u.fill(0) }
            solveReport = try solver.solve(u, rightHandSide: b, tolerance: tolerance)
            let t2 = MPIEnvironment.wallTime()
            setups.append(world.max(t1 - t0))
            solves.append(world.max(t2 - t1))
        }
        let (into, out) = wallCurrents()
        let islands = islandCells()
        let setup = Sample(setups).median, solve = Sample(solves).median
        report(world, ["benchmark": "solver", "case": label, "cells": [n, n], "island_cells": islands, "iterations": solveReport.iterations,
                       "matvec_seconds": sweep, "setup_seconds": setup, "solve_seconds": solve, "solve_sweeps": solve / sweep,
                       "total_sweeps": (setup + solve) / sweep, "work_units": solveReport.sweepEquivalents, "relative_residual": solveReport.relativeResidual,
                       "current_in": into, "current_out": out])
    }

    let relative = EllipticTolerance(relativeResidual: 1e-6, maximumIterations: 500)
    try measure("cold", growth: 0, start: nil, tolerance: relative)
    scratch.copy(from: u)
    try measure("warm", growth: 0.25 * h, start: scratch, tolerance: relative)
    // The error-based test the issue proposes: stop when no cell changes by more than 1e-6 (of the 1 V span).
    try measure("warm-error-based", growth: 0.25 * h, start: scratch, tolerance: EllipticTolerance(relativeResidual: 1e-14, absoluteIncrement: 1e-6, maximumIterations: 500))
}
