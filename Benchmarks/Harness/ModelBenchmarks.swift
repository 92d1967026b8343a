import Foundation
import LiPhase
import LiPhaseGrid
import LiPhaseIO
import LiPhaseParallel
import LiPhasePhysics
import LiPhaseSolvers

/// The electrodeposition model of `deckPath` at `cells`, keeping the deck's Δx (the domain grows
/// with the grid), writing nothing: the harness drives the step itself.
func benchmarkModel(deckPath: String, cells: [Int]?, world: Communicator) throws -> ElectrodepositionModel {
    var text = try String(contentsOfFile: deckPath, encoding: .utf8)
    let original = try RunConfiguration(deck: DeckParser.parse(text: text, fileName: deckPath))
    let size = cells ?? (0..<original.dimensions).map { original.cells[$0] }
    let spacing = original.spacing
    func replace(_ key: String, with value: String) {
        var lines = text.components(separatedBy: "\n")
        if let index = lines.firstIndex(where: { $0.hasPrefix("  \(key):") }) { lines[index] = "  \(key): \(value)" }
        text = lines.joined(separator: "\n")
    }
    replace("cells", with: "[" + size.map(String.init).joined(separator: ", ") + "]")
    replace("size", with: "[" + size.indices.map { String(format: "%.9g um", Double(size[$0]) * spacing[$0] * 1e6) }.joined(separator: ", ") + "]")
    replace("directory", with: "/tmp/liphase-bench/" + size.map(String.init).joined(separator: "x"))
    let configuration = try RunConfiguration(deck: DeckParser.parse(text: text, fileName: deckPath))
    let simulation = try Simulation(configuration: configuration, world: world)
    guard let model = simulation.model as? ElectrodepositionModel else { throw BenchmarkError("\(deckPath) is not an electrodeposition deck") }
    return model
}

struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Advances the model one adaptive step from `time`.
func advance(_ model: ElectrodepositionModel, time: inout Double) throws {
    let dt = try model.stableTimeStep(time: time)
    try model.advance(time: time, dt: dt)
    time += dt
}

/// Whole-step throughput: `repetitions` blocks of `steps` steps after `warmup` steps; per block
/// the slowest rank's wall time. Also the step's phases, the potential solve's work and the peak
/// memory per cell.
func stepBenchmark(world: Communicator, deckPath: String, cells: [Int]?, steps: Int, repetitions: Int, warmup: Int, label: String) throws {
    let residentBefore = residentBytes()
    let model = try benchmarkModel(deckPath: deckPath, cells: cells, world: world)
    let g = model.grid.geometry
    let totalCells = Double(g.cells.x * g.cells.y * g.cells.z)
    var time = 0.0
    for _ in 0..<warmup { try advance(model, time: &time) }
    var perStep: [Double] = [], phaseSeconds: [[Double]] = []
    var newton = 0, linear = 0, sweeps = 0.0
    for _ in 0..<repetitions {
        model.phaseTimes.reset()
        world.barrier()
        let start = MPIEnvironment.wallTime()
        for _ in 0..<steps {
            try advance(model, time: &time)
            let solve = model.lastPotentialSolve
            newton += solve.newtonIterations
            linear += solve.linearIterations
            sweeps += solve.sweepEquivalents
        }
        perStep.append(world.max(MPIEnvironment.wallTime() - start) / Double(steps))
        phaseSeconds.append(model.phaseTimes.seconds.map { world.max($0) / Double(steps) })
    }
    let names = model.phaseTimes.names
    let phases = Dictionary(uniqueKeysWithValues: names.indices.map { index in (names[index], Sample(phaseSeconds.map { $0[index] }).median) })
    let solves = Double(steps * repetitions)
    let step = Sample(perStep)
    let peak = world.sum(peakResidentBytes()), modelBytes = world.sum(peakResidentBytes() - residentBefore)
    report(world, ["benchmark": "step", "label": label, "cells": [g.cells.x, g.cells.y, g.cells.z].prefix(g.dimensions).map { $0 },
                   "dimensions": g.dimensions, "steps_per_repetition": steps, "repetitions": repetitions,
                   "seconds_per_step": step.median, "seconds_per_step_low": step.low, "seconds_per_step_high": step.high,
                   "cell_updates_per_second": totalCells / step.median, "phases_seconds_per_step": phases,
                   "newton_per_step": Double(newton) / solves, "pcg_per_step": Double(linear) / solves, "sweeps_per_step": sweeps / solves,
                   "peak_bytes_per_cell": peak / totalCells, "model_bytes_per_cell": modelBytes / totalCells])
}

/// The hot kernels of the step, one at a time on the state of a developed run, out of cache.
/// Bytes per cell are the compulsory field traffic of each kernel, counted like STREAM (8 bytes
/// per field read or written, no write-allocate); the roofline is the triad bandwidth measured
/// in the same process on the same ranks.
func kernelBenchmark(world: Communicator, deckPath: String, cells: [Int]?, repetitions: Int, streamMebibytes: Int) throws {
    let bandwidth = streamTriad(world: world, mebibytes: streamMebibytes, repetitions: repetitions)
    let model = try benchmarkModel(deckPath: deckPath, cells: cells, world: world)
    let g = model.grid.geometry
    let totalCells = Double(g.cells.x * g.cells.y * g.cells.z)
    var time = 0.0
    for _ in 0..<3 { try advance(model, time: &time) }
    let dt = try model.stableTimeStep(time: time)
    let state = model.state, grid = model.grid
    let polycrystal = model.boundary != nil
    // The electrolyte away from every deposit does not relax (DepositRegions): those cells cost
    // the kernel a region read in each pass.
    var active = 0.0
    if let deposits = model.deposits {
        let layout = deposits.index.layout, n = layout.interior
        for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x where !deposits.frozen[Int(deposits.index.pointer[layout.offset(i, j, k)])] { active += 1 } } }
    }
    let activeFraction = world.sum(active) / totalCells
    // (name, compulsory bytes per cell, body)
    let kernels: [(String, Double, () throws -> Void)] = [
        // reads ξ, v, region index (+ b and the sheet profile in a polycrystal); writes σ_i, σ_e, A_r, A_v
        ("properties", 8 * (polycrystal ? 9 : 7), { try model.properties.apply(to: state) }),
        // relaxing cells: pass 1 reads ξ, region, writes the rate; pass 2 reads ξ, region, rate, v,
        // writes ξ, v (9 fields); the rest 2 (see above)
        (String(format: "relaxation (deck: %.1f %% of cells relax)", 100 * activeFraction), 8 * (2 + 7 * activeFraction),
         { try model.relaxation.apply(to: state, dt: dt, step: 3, work: model.work, regions: model.deposits) }),
        // every cell relaxes under one multiplier (binary mode's path, and the C reference's):
        // pass 1 reads ξ, writes the rate; pass 2 reads ξ, rate, v, writes ξ, v
        ("relaxation (dense: every cell)", 8 * 7, { try model.relaxation.apply(to: state, dt: dt, step: 3, work: model.work, regions: nil) }),
        // at least: pass 1 reads q, region, v; pass 2 reads q, region, writes the reservoir
        ("routing", 8 * 6, {
            _ = try model.routing.apply(to: state, dt: dt, regions: model.deposits, supply: model.supplyVelocity, scratch: model.work) { model.columns.sum($0) }
        }),
        // at least: reads ξ, writes the region index
        ("deposit labelling", 8 * 2, { try model.deposits?.update(lithium: state.lithium, grid: grid) }),
    ]
    // The potential solve's own kernels, on the developed state's ionic conductivity with the
    // solve's walls. Operator application A·x: reads x, the face transmissibilities of each axis
    // and the reaction term, writes y. One V(1,1) cycle from zero: per level, the pointwise first
    // half-sweep (reads b, 1/D; writes u), three half-sweeps (read u, b, 1/D and the faces; write
    // u), the residual (reads u, b, the faces and the reaction; writes r), the restriction (reads
    // r) and the prolongation (reads and writes u); the level weights sum to the hierarchy's cells
    // over the fine cells.
    let solver = try EllipticSolver(grid: grid)
    var walls = BoundaryConditions.allPeriodic()
    walls.lower[0] = .neumann(0)
    walls.upper[0] = .dirichlet(0)
    try solver.setOperator(conductivity: state.ionicConductivity, reaction: Field?.none, boundaries: walls)
    let x = grid.makeField("x", units: ""), y = grid.makeField("y", units: "")
    x.copy(from: state.ionicPotential)
    let faces = Double(g.dimensions)
    let levelBytes = 8 * (3 + 3 * (4 + faces) + (4 + faces) + 1 + 2)
    let hierarchyWeight = solver.levelCells.reduce(0.0) { $0 + Double($1.x * $1.y * $1.z) } / totalCells
    let operatorBytes: Double = 8 * (faces + 3)
    let cycleBytes: Double = levelBytes * hierarchyWeight
    let solveKernels: [(String, Double, () throws -> Void)] = [
        ("potential operator A·x", operatorBytes, { try solver.applyOperator(x, into: y) }),
        ("potential V(1,1) cycle", cycleBytes, { _ = try solver.applyPreconditioner(x, into: y) }),
    ]
    for (name, bytes, body) in kernels + solveKernels {
        var rates: [Double] = []
        for _ in 0..<repetitions {
            world.barrier()
            let start = MPIEnvironment.wallTime()
            try body()
            rates.append(totalCells / world.max(MPIEnvironment.wallTime() - start))
        }
        let sample = Sample(rates)
        report(world, ["benchmark": "kernel", "kernel": name, "cells": [g.cells.x, g.cells.y, g.cells.z].prefix(g.dimensions).map { $0 },
                       "cell_updates_per_second": sample.median, "low": sample.low, "high": sample.high, "bytes_per_cell": bytes,
                       "bandwidth_bytes_per_second": sample.median * bytes, "triad_bytes_per_second": bandwidth.median,
                       "roofline_fraction": sample.median * bytes / bandwidth.median])
    }
    // The halo exchange of ξ: bytes are the ghost cells written (and the interior cells read).
    var ghostSeconds: [Double] = []
    for _ in 0..<repetitions {
        world.barrier()
        let start = MPIEnvironment.wallTime()
        try grid.refreshGhosts([state.lithium], conditions: [phaseFieldConditions()])
        ghostSeconds.append(world.max(MPIEnvironment.wallTime() - start))
    }
    let n = grid.localBox.size
    let ghostCells = Double(world.sum(2 * (n.y * n.z + (g.dimensions > 1 ? n.x * n.z : 0) + (g.dimensions > 2 ? n.x * n.y : 0))))
    let halo = Sample(ghostSeconds)
    report(world, ["benchmark": "kernel", "kernel": "halo exchange (ξ)", "cells": [g.cells.x, g.cells.y, g.cells.z].prefix(g.dimensions).map { $0 },
                   "cell_updates_per_second": totalCells / halo.median, "seconds": halo.median, "ghost_cells": ghostCells,
                   "bytes_per_cell": 16 * ghostCells / totalCells, "bandwidth_bytes_per_second": 16 * ghostCells / halo.median,
                   "triad_bytes_per_second": bandwidth.median, "roofline_fraction": 16 * ghostCells / halo.median / bandwidth.median])
    report(world, ["benchmark": "stream", "context": "kernels run", "mebibytes_per_array": streamMebibytes, "bytes_per_second": bandwidth.median,
                   "low": bandwidth.low, "high": bandwidth.high, "repetitions": repetitions])
}
