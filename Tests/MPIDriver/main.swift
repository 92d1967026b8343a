// MPI test driver: run under `mpirun -np N` (N = 1, 2, 4) by Scripts/test.sh. Each case
// compares a run on all N ranks against the same run on one rank (a sub-communicator holding
// rank 0 alone), so one launch checks decomposition invariance for its rank count.
import CSignals
import Foundation
import LiPhase
import LiPhaseGrid
import LiPhaseIO
import LiPhaseParallel
import LiPhaseSolvers

let world = Communicator.world()
/// Rank 0 alone; other ranks hold a communicator they do not use.
let solo = try world.split(color: world.isRoot ? 0 : 1, key: world.rank)
let scratch: String = {
    let name = world.broadcast(world.isRoot ? "liphase-mpi-tests-\(getpid())" : "")
    return (NSTemporaryDirectory() as NSString).appendingPathComponent(name)
}()

var passed = 0, failed = 0
var failures: [String] = []

func expect(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { failures.append(message()) }
}

func test(_ name: String, _ body: () throws -> Void) {
    failures = []
    do { try body() } catch { failures.append("threw: \(error)") }
    let anyFailed = world.any(!failures.isEmpty)
    if anyFailed {
        failed += 1
        // Each rank reports its own failures, prefixed, so a rank-specific bug is visible.
        for message in failures { print("  [rank \(world.rank)] \(name): \(message)") }
        if world.isRoot { print("FAIL \(name)") }
    } else {
        passed += 1
        if world.isRoot { print("PASS \(name)") }
    }
    fflush(stdout)
    world.barrier()
}

func configuration(_ yaml: String) throws -> RunConfiguration {
    try RunConfiguration(deck: DeckParser.parse(text: yaml, fileName: "mpi-test.yaml"))
}

func bm7aDeck(cells: [Int], steps: Int, directory: String, end: Double = 8, everyTime: Double = 0.5) -> String {
    """
    model: pfhub_7a
    grid:
      cells: [\(cells[0]), \(cells[1])]
    time:
      end: \(end)
      max_steps: \(steps)
    output:
      directory: \(directory)
      every_time: \(everyTime)
      timeseries_every_steps: 7
    """
}

/// Runs a deck on `communicator` (only its members call this) and returns the simulation.
@discardableResult
func run(_ yaml: String, on communicator: Communicator, restart: String? = nil) throws -> Simulation {
    let simulation = try Simulation(configuration: configuration(yaml), world: communicator, restartPath: restart)
    _ = try simulation.run()
    return simulation
}

/// Reads a whole global field on rank 0 (through the one-rank communicator).
func readGlobal(_ path: String, dataset: String, cells: Index3, dimensions: Int) throws -> [Double] {
    let file = try HDF5File.open(path: path, communicator: solo)
    defer { try? file.close() }
    return try file.readBlock(dataset, global: cells, dimensions: dimensions, box: Box(lower: Index3(0, 0, 0), size: cells))
}

func directory(_ name: String) -> String { (scratch as NSString).appendingPathComponent(name) }

func leastSquaresSlope(x: [Double], y: [Double]) -> Double {
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var covariance = 0.0, variance = 0.0
    for (a, b) in zip(x, y) {
        covariance += (a - mx) * (b - my)
        variance += (a - mx) * (a - mx)
    }
    return covariance / variance
}

// MARK: - Cases

test("halo exchange fills every ghost, corners included, in 3-D periodic") {
    for cells in [Index3(12, 10, 8), Index3(7, 9, 5)] {
        let geometry = GridGeometry(dimensions: 3, cells: cells, spacing: [1, 1, 1])
        let grid = try DistributedGrid(geometry: geometry, conditions: .allPeriodic(), world: world)
        let field = grid.makeField("f", units: "1", value: -1)
        func label(_ i: Int, _ j: Int, _ k: Int) -> Double {
            let gi = (i % cells.x + cells.x) % cells.x, gj = (j % cells.y + cells.y) % cells.y, gk = (k % cells.z + cells.z) % cells.z
            return Double(gi + 100 * gj + 10_000 * gk)
        }
        let box = grid.localBox
        for k in 0..<box.size.z { for j in 0..<box.size.y { for i in 0..<box.size.x {
            field[i, j, k] = label(box.lower.x + i, box.lower.y + j, box.lower.z + k)
        } } }
        try grid.refreshGhosts([field])
        var wrong = 0
        for k in -1...box.size.z { for j in -1...box.size.y { for i in -1...box.size.x {
            if field[i, j, k] != label(box.lower.x + i, box.lower.y + j, box.lower.z + k) { wrong += 1 }
        } } }
        expect(wrong == 0, "\(wrong) wrong ghost values on grid \(cells), box \(box)")
    }
}

test("wall conditions: Dirichlet and Neumann ghosts on a decomposed 2-D grid") {
    let cells = Index3(9, 6, 1)
    let geometry = GridGeometry(dimensions: 2, cells: cells, spacing: [0.5, 0.25, 1])
    let conditions = BoundaryConditions(lower: [.dirichlet(2), .periodic, .periodic], upper: [.neumann(3), .periodic, .periodic])
    let grid = try DistributedGrid(geometry: geometry, conditions: conditions, world: world)
    let field = grid.makeField("u", units: "1")
    let box = grid.localBox
    // u = 1 + x: the face value at x = 0 is 1, so Dirichlet(2) must give ghost = 2·2 − u(0).
    for j in 0..<box.size.y { for i in 0..<box.size.x { field[i, j, 0] = 1 + geometry.centre(0, box.lower.x + i) } }
    try grid.refreshGhosts([field])
    for j in 0..<box.size.y {
        if box.lower.x == 0 { expect(field[-1, j, 0] == 4 - field[0, j, 0], "Dirichlet ghost at row \(j): \(field[-1, j, 0])") }
        if box.upper.x == cells.x {
            let n = box.size.x
            expect(abs(field[n, j, 0] - (field[n - 1, j, 0] + 0.5 * 3)) < 1e-14, "Neumann ghost at row \(j): \(field[n, j, 0])")
        }
    }
}

test("reductions agree with the serial sum") {
    let local = Double(world.rank + 1)
    expect(world.sum(local) == Double(world.size * (world.size + 1) / 2), "sum")
    expect(world.max(local) == Double(world.size), "max")
    expect(world.min(local) == 1, "min")
    expect(world.sum(world.rank) == world.size * (world.size - 1) / 2, "integer sum")
}

test("reproducible sums are bit-identical on \(world.size) ranks and on 1 rank, 2-D and 3-D") {
    for (cells, dimensions) in [(Index3(90, 45, 1), 2), (Index3(37, 20, 18), 3)] {
        func total(on communicator: Communicator) throws -> (reproducible: Double, naive: Double) {
            let geometry = GridGeometry(dimensions: dimensions, cells: cells, spacing: [1, 1, 1])
            let grid = try DistributedGrid(geometry: geometry, conditions: .allPeriodic(), world: communicator)
            let field = grid.makeField("f", units: "1")
            let box = grid.localBox
            for k in 0..<box.size.z { for j in 0..<box.size.y { for i in 0..<box.size.x {
                let (gi, gj, gk) = (box.lower.x + i, box.lower.y + j, box.lower.z + k)
                // Wildly varying magnitudes and signs make the naive sum order-sensitive.
                field[i, j, k] = sin(Double(gi * 7 + gj * 13 + gk * 29)) * pow(10, Double((gi + 3 * gj + 5 * gk) % 17 - 8))
            } } }
            var naive = 0.0
            for v in field.interiorValues() { naive += v }
            return (grid.reproducibleSum(of: field), communicator.sum(naive))
        }
        let many = try total(on: world)
        var one: (reproducible: Double, naive: Double)? = nil
        if world.isRoot { one = try total(on: solo) }
        if world.isRoot, let one {
            expect(many.reproducible == one.reproducible, "\(dimensions)-D: \(many.reproducible) vs \(one.reproducible)")
            expect(abs(many.naive - one.reproducible) <= 1e-12 * abs(one.reproducible) + 1e-6, "naive sum far off: \(many.naive)")
        }
    }
}

test("multigrid-PCG potential solve is bit-identical on \(world.size) ranks and on 1 rank (2-D, 3-D, 10⁷ contrast)") {
    for (cells, dimensions) in [(Index3(96, 80, 1), 2), (Index3(40, 36, 34), 3)] {
        func solve(on communicator: Communicator) throws -> (values: [Double], report: EllipticSolveReport, box: Box) {
            let walls = BoundaryConditions(lower: [.dirichlet(0), .neumann(0.3), .periodic], upper: [.dirichlet(1), .dirichlet(0.2), .periodic])
            let spacing = (0..<3).map { 1 / Double(cells[$0]) }
            let grid = try DistributedGrid(geometry: GridGeometry(dimensions: dimensions, cells: cells, spacing: spacing), conditions: walls, world: communicator)
            let solver = try EllipticSolver(grid: grid)
            let sigma = grid.makeField("sigma", units: ""), reaction = grid.makeField("c", units: "")
            let source = grid.makeField("f", units: ""), b = grid.makeField("b", units: ""), x = grid.makeField("x", units: "")
            let box = grid.localBox
            for k in 0..<box.size.z { for j in 0..<box.size.y { for i in 0..<box.size.x {
                let (gi, gj, gk) = (box.lower.x + i, box.lower.y + j, box.lower.z + k)
                // Floating high-σ islands, a reaction band and a rough source: all decomposition-blind.
                let island = (gi / 9 + gj / 7 + gk / 5) % 4 == 0 && gi % 9 != 0 && gj % 7 != 0
                sigma[i, j, k] = island ? 1e7 : 1 + 0.5 * sin(Double(gi + 3 * gj + 7 * gk))
                reaction[i, j, k] = gi > cells.x / 2 ? 50 : 0
                source[i, j, k] = cos(Double(gi * gj + gk))
            } } }
            try solver.setOperator(conductivity: sigma, reaction: reaction, boundaries: walls)
            solver.assembleRightHandSide(source: source, into: b)
            // 10⁷ contrast puts the round-off floor of the relative residual near 1e-8 (ε × contrast).
            let report = try solver.solve(x, rightHandSide: b, tolerance: EllipticTolerance(relativeResidual: 1e-7))
            return (x.interiorValues(), report, box)
        }
        let many = try solve(on: world)
        // Compare each rank's block against the same cells of the one-rank solution.
        var reference: [Double] = []
        var referenceReport = EllipticSolveReport()
        if world.isRoot {
            let one = try solve(on: solo)
            reference = one.values
            referenceReport = one.report
        }
        let flat = world.broadcast(reference.flatMap { withUnsafeBytes(of: $0.bitPattern) { Array($0) } })
        reference = stride(from: 0, to: flat.count, by: 8).map { offset in
            Double(bitPattern: flat[offset..<(offset + 8)].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        }
        var differing = 0, index = 0
        let box = many.box
        for k in 0..<box.size.z { for j in 0..<box.size.y { for i in 0..<box.size.x {
            let global = (box.lower.x + i) + cells.x * ((box.lower.y + j) + cells.y * (box.lower.z + k))
            if many.values[index] != reference[global] { differing += 1 }
            index += 1
        } } }
        expect(differing == 0, "\(dimensions)-D: \(differing) cells differ from the 1-rank solve")
        if world.isRoot {
            expect(many.report == referenceReport, "\(dimensions)-D: reports differ: \(many.report) vs \(referenceReport)")
            print("  \(dimensions)-D \(cells): \(many.report.iterations) PCG iterations, \(String(format: "%.1f", many.report.sweepEquivalents)) sweep equivalents, relative residual \(many.report.relativeResidual)")
        }
    }
}

test("collective HDF5 write on N ranks reads back on one rank") {
    let cells = Index3(11, 7, 5)
    let grid = try DistributedGrid(geometry: GridGeometry(dimensions: 3, cells: cells, spacing: [1, 1, 1]), conditions: .allPeriodic(), world: world)
    let field = grid.makeField("g", units: "V")
    let box = grid.localBox
    for k in 0..<box.size.z { for j in 0..<box.size.y { for i in 0..<box.size.x {
        field[i, j, k] = sin(Double(box.lower.x + i)) + 10 * Double(box.lower.y + j) + 1000 * Double(box.lower.z + k)
    } } }
    if world.isRoot { try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true) }
    world.barrier()
    let path = directory("roundtrip.h5")
    let file = try HDF5File.create(path: path, communicator: world)
    try file.writeBlock("g", values: field.interiorValues(), global: cells, dimensions: 3, box: box, attributes: [("units", .text("V"))])
    try file.close()
    if world.isRoot {
        let values = try readGlobal(path, dataset: "g", cells: cells, dimensions: 3)
        var index = 0, wrong = 0
        for k in 0..<cells.z { for j in 0..<cells.y { for i in 0..<cells.x {
            if values[index] != sin(Double(i)) + 10 * Double(j) + 1000 * Double(k) { wrong += 1 }
            index += 1
        } } }
        expect(wrong == 0, "\(wrong) values differ after the round trip")
    }
}

test("BM7a: \(world.size) ranks give bit-identical fields to 1 rank") {
    // 90×45 does not split evenly over 4 ranks: uneven blocks are exercised too.
    let steps = 150
    let many = try run(bm7aDeck(cells: [90, 45], steps: steps, directory: directory("invariance-np\(world.size)")), on: world)
    var single: Simulation? = nil
    if world.isRoot { single = try run(bm7aDeck(cells: [90, 45], steps: steps, directory: directory("invariance-np1-ref")), on: solo) }
    if world.isRoot, let single, let a = many.lastCheckpointPath, let b = single.lastCheckpointPath {
        let cells = Index3(90, 45, 1)
        let fieldsMany = try readGlobal(a, dataset: "/fields/eta", cells: cells, dimensions: 2)
        let fieldsOne = try readGlobal(b, dataset: "/fields/eta", cells: cells, dimensions: 2)
        let differing = zip(fieldsMany, fieldsOne).filter { $0 != $1 }.count
        expect(differing == 0, "\(differing) of \(fieldsOne.count) cells differ")
        expect(many.progress == single.progress, "progress differs: \(many.progress.step) vs \(single.progress.step)")
        // The L2 error is a floating-point sum whose order follows the decomposition.
        let e1 = many.lastDiagnostics[4], e2 = single.lastDiagnostics[4]
        expect(abs(e1 - e2) <= 1e-12 * abs(e2), "L2 error \(e1) vs \(e2)")
    }
}

test("restart: 2×75 steps with a restart equal 150 steps, bit for bit (\(world.size) ranks)") {
    let straight = try run(bm7aDeck(cells: [64, 32], steps: 150, directory: directory("straight-np\(world.size)"), everyTime: 0.3), on: world)
    let firstHalf = try run(bm7aDeck(cells: [64, 32], steps: 75, directory: directory("halves-np\(world.size)"), everyTime: 0.3), on: world)
    let checkpoint = firstHalf.lastCheckpointPath ?? ""
    let resumed = try run(bm7aDeck(cells: [64, 32], steps: 150, directory: directory("halves-np\(world.size)"), everyTime: 0.3), on: world, restart: checkpoint)
    expect(resumed.progress == straight.progress, "progress differs: step \(resumed.progress.step), t \(resumed.progress.time) vs step \(straight.progress.step), t \(straight.progress.time)")
    if world.isRoot, let a = straight.lastCheckpointPath, let b = resumed.lastCheckpointPath {
        let cells = Index3(64, 32, 1)
        let x = try readGlobal(a, dataset: "/fields/eta", cells: cells, dimensions: 2)
        let y = try readGlobal(b, dataset: "/fields/eta", cells: cells, dimensions: 2)
        expect(x == y, "\(zip(x, y).filter { $0 != $1 }.count) cells differ after restart")
    }
}

test("restart on a different rank count: a 1-rank checkpoint continues on \(world.size) ranks") {
    var checkpoint = ""
    if world.isRoot {
        checkpoint = try run(bm7aDeck(cells: [64, 32], steps: 60, directory: directory("rerank-np1")), on: solo).lastCheckpointPath ?? ""
    }
    checkpoint = world.broadcast(checkpoint)
    let resumed = try run(bm7aDeck(cells: [64, 32], steps: 120, directory: directory("rerank-np\(world.size)")), on: world, restart: checkpoint)
    var reference: Simulation? = nil
    if world.isRoot { reference = try run(bm7aDeck(cells: [64, 32], steps: 120, directory: directory("rerank-ref")), on: solo) }
    try compareCheckpoints(reference?.lastCheckpointPath, resumed.lastCheckpointPath, cells: Index3(64, 32, 1), fields: ["eta"])
}

if world.size > 1 {
    test("a grid too small for \(world.size) ranks is refused on every rank with one message, before any compute") {
        let configuration = try RunConfiguration(deck: DeckParser.parse(text: bm7aDeck(cells: [2, 2], steps: 1, directory: directory("too-small-np\(world.size)")), fileName: "small.yaml"))
        do {
            _ = try Simulation(configuration: configuration, world: world)
            expect(false, "a 2 × 2 grid was accepted on \(world.size) ranks")
        } catch let error as DecompositionError {
            expect("\(error)".contains("cannot be split over \(world.size) ranks"), "\(error)")
            expect(LiPhaseExitCode(for: error) == .invalidInput, "exit code for \(error)")
        }
    }
}

func dendriteDeck(steps: Int, directory: String) -> String {
    """
    model: electrodeposition
    grid:
      cells: [64, 32]
      size: [32 um, 16 um]
    cell:
      anode_thickness: 6 um
    electrolyte:
      fracture_toughness: 0.05
    phase_field:
      noise: 0.5
      seed: 7
    protocol:
      mode: cycle
      current_density: 10 mA/cm2
      half_cycle: 40
    time:
      end: 5 min
      max_steps: \(steps)
    output:
      directory: \(directory)
      every_time: 30
      timeseries_every_steps: 5
    """
}

/// Compares every state field of two checkpoints on rank 0.
func compareCheckpoints(_ a: String?, _ b: String?, cells: Index3, fields: [String]) throws {
    guard world.isRoot else { return }
    guard let a, let b else { expect(false, "missing checkpoint"); return }
    for name in fields {
        let x = try readGlobal(a, dataset: "/fields/\(name)", cells: cells, dimensions: 2)
        let y = try readGlobal(b, dataset: "/fields/\(name)", cells: cells, dimensions: 2)
        let differing = zip(x, y).filter { $0.bitPattern != $1.bitPattern }.count
        expect(differing == 0, "\(name): \(differing) of \(x.count) cells differ")
    }
}

let electrodepositionFields = ["xi", "void", "phi", "phi_e", "reservoir"]

test("electrodeposition with noise and cycling: \(world.size) ranks give bit-identical fields to 1 rank") {
    let steps = 120
    let many = try run(dendriteDeck(steps: steps, directory: directory("ed-np\(world.size)")), on: world)
    var single: Simulation? = nil
    if world.isRoot { single = try run(dendriteDeck(steps: steps, directory: directory("ed-np1-ref")), on: solo) }
    try compareCheckpoints(many.lastCheckpointPath, single?.lastCheckpointPath, cells: Index3(64, 32, 1), fields: electrodepositionFields)
    if world.isRoot, let single {
        expect(many.progress.time == single.progress.time, "time \(many.progress.time) vs \(single.progress.time)")
        print("  \(steps) steps to t = \(many.progress.time) s; inventory imbalance \(many.lastDiagnostics[8]), charge imbalance \(many.lastDiagnostics[9])")
    }
}

test("electrodeposition restart: 60 + 60 steps equal 120 steps, bit for bit (\(world.size) ranks)") {
    let straight = try run(dendriteDeck(steps: 120, directory: directory("ed-straight-np\(world.size)")), on: world)
    let first = try run(dendriteDeck(steps: 60, directory: directory("ed-halves-np\(world.size)")), on: world)
    let resumed = try run(dendriteDeck(steps: 120, directory: directory("ed-halves-np\(world.size)")), on: world, restart: first.lastCheckpointPath)
    expect(resumed.progress.step == straight.progress.step && resumed.progress.time == straight.progress.time,
           "progress differs: \(resumed.progress.step)/\(resumed.progress.time) vs \(straight.progress.step)/\(straight.progress.time)")
    try compareCheckpoints(straight.lastCheckpointPath, resumed.lastCheckpointPath, cells: Index3(64, 32, 1), fields: electrodepositionFields)
    if world.isRoot {
        // Bit patterns, so an undefined column (NaN, e.g. the boundary share without boundaries) compares equal to itself.
        expect(straight.lastDiagnostics.dropFirst(4).map(\.bitPattern) == resumed.lastDiagnostics.dropFirst(4).map(\.bitPattern), "diagnostics differ after restart")
    }
}

test("electrodeposition: a 1-rank checkpoint continues on \(world.size) ranks, bit for bit") {
    var checkpoint = ""
    var reference: Simulation? = nil
    if world.isRoot {
        checkpoint = try run(dendriteDeck(steps: 50, directory: directory("ed-rerank-np1")), on: solo).lastCheckpointPath ?? ""
        reference = try run(dendriteDeck(steps: 100, directory: directory("ed-rerank-ref")), on: solo)
    }
    checkpoint = world.broadcast(checkpoint)
    let resumed = try run(dendriteDeck(steps: 100, directory: directory("ed-rerank-np\(world.size)")), on: world, restart: checkpoint)
    try compareCheckpoints(reference?.lastCheckpointPath, resumed.lastCheckpointPath, cells: Index3(64, 32, 1), fields: electrodepositionFields)
}

test("electrodeposition: a \(world.size)-rank checkpoint continues on 1 rank, bit for bit") {
    let first = try run(dendriteDeck(steps: 50, directory: directory("ed-many-np\(world.size)")), on: world)
    var reference: Simulation? = nil, continued: Simulation? = nil
    if world.isRoot {
        reference = try run(dendriteDeck(steps: 100, directory: directory("ed-many-ref")), on: solo)
        continued = try run(dendriteDeck(steps: 100, directory: directory("ed-many-np\(world.size)")), on: solo, restart: first.lastCheckpointPath)
    }
    try compareCheckpoints(reference?.lastCheckpointPath, continued?.lastCheckpointPath, cells: Index3(64, 32, 1), fields: electrodepositionFields)
}

test("a SIGUSR1 seen by one rank stops all \(world.size) at the same step with a checkpoint, and the run resumes bit for bit") {
    let straight = try run(dendriteDeck(steps: 90, directory: directory("sig-straight-np\(world.size)")), on: world)
    // Run 40 steps, then have the last rank record a SIGUSR1 as a scheduler would deliver it.
    let first = try run(dendriteDeck(steps: 40, directory: directory("sig-np\(world.size)")), on: world)
    if world.rank == world.size - 1 { liphase_request_stop(SIGUSR1) }
    let configuration = try RunConfiguration(deck: DeckParser.parse(text: dendriteDeck(steps: 90, directory: directory("sig-np\(world.size)")), fileName: "sig.yaml"))
    let stopped = try Simulation(configuration: configuration, world: world, restartPath: first.lastCheckpointPath)
    let outcome = try stopped.run()
    liphase_request_stop(0)
    if case let .stoppedEarly(step, _, reason) = outcome {
        expect(step == 40 && reason == "SIGUSR1", "stopped at step \(step) by \(reason)")
    } else {
        expect(false, "the run was not stopped: \(outcome)")
    }
    let resumed = try run(dendriteDeck(steps: 90, directory: directory("sig-np\(world.size)")), on: world, restart: stopped.lastCheckpointPath)
    try compareCheckpoints(straight.lastCheckpointPath, resumed.lastCheckpointPath, cells: Index3(64, 32, 1), fields: electrodepositionFields)
}

func deck3D(steps: Int, directory: String) -> String {
    """
    model: electrodeposition
    grid:
      dimensions: 3
      cells: [32, 32, 16]
      size: [16 um, 16 um, 8 um]
    cell:
      anode_thickness: 4 um
    electrolyte:
      fracture_toughness: 0.05
    phase_field:
      noise: 0.5
    protocol:
      current_density: 10 mA/cm2
    time:
      end: 5 min
      max_steps: \(steps)
    output:
      directory: \(directory)
      every_time: 60
    """
}

test("3-D electrodeposition: \(world.size)→1 and 1→\(world.size) rank restarts continue bit for bit") {
    let cells = Index3(32, 32, 16)
    func compare3D(_ a: String?, _ b: String?) throws {
        guard world.isRoot else { return }
        guard let a, let b else { expect(false, "missing 3-D checkpoint"); return }
        for name in electrodepositionFields {
            let x = try readGlobal(a, dataset: "/fields/\(name)", cells: cells, dimensions: 3)
            let y = try readGlobal(b, dataset: "/fields/\(name)", cells: cells, dimensions: 3)
            expect(zip(x, y).allSatisfy { $0.bitPattern == $1.bitPattern }, "3-D \(name) differs")
        }
    }
    // N ranks → 1 rank.
    let firstOnMany = try run(deck3D(steps: 20, directory: directory("3d-many-np\(world.size)")), on: world)
    var reference: Simulation? = nil, continuedOnOne: Simulation? = nil
    if world.isRoot {
        reference = try run(deck3D(steps: 40, directory: directory("3d-ref")), on: solo)
        continuedOnOne = try run(deck3D(steps: 40, directory: directory("3d-many-np\(world.size)")), on: solo, restart: firstOnMany.lastCheckpointPath)
    }
    try compare3D(reference?.lastCheckpointPath, continuedOnOne?.lastCheckpointPath)
    // 1 rank → N ranks.
    var checkpoint = ""
    if world.isRoot { checkpoint = try run(deck3D(steps: 20, directory: directory("3d-one")), on: solo).lastCheckpointPath ?? "" }
    checkpoint = world.broadcast(checkpoint)
    let continuedOnMany = try run(deck3D(steps: 40, directory: directory("3d-one")), on: world, restart: checkpoint)
    try compare3D(reference?.lastCheckpointPath, continuedOnMany.lastCheckpointPath)
}

/// Random site clusters (p = 0.55) labelled on `communicator`: cells and Li amounts are keyed by
/// global cell, so every decomposition sees the same deposits.
func randomDeposits(_ cells: Index3, dimensions: Int, on communicator: Communicator) throws -> LithiumComponents {
    let geometry = GridGeometry(dimensions: dimensions, cells: cells, spacing: [1e-6, 1e-6, 1e-6])
    let grid = try DistributedGrid(geometry: geometry, conditions: .cellWalls(), world: communicator)
    let xi = grid.makeField("xi", units: "1"), labels = grid.makeField("labels", units: "1")
    let box = grid.localBox
    for k in 0..<box.size.z { for j in 0..<box.size.y { for i in 0..<box.size.x {
        let global = UInt64((box.lower.x + i) + cells.x * ((box.lower.y + j) + cells.y * (box.lower.z + k)))
        let u = 0.5 * (CounterRandom.symmetric(seed: 3, cell: global, step: 0) + 1)
        xi[i, j, k] = u < (dimensions == 3 ? 0.3 : 0.55) ? 0.5 + u : u * 0.5
    } } }
    return try ComponentLabelling.label(xi, grid: grid, labels: labels)
}

for (cells, dimensions) in [(Index3(96, 64, 1), 2), (Index3(48, 32, 32), 3)] {
    test("Li components (\(dimensions)-D): labels, counts and volumes on \(world.size) ranks equal 1 rank") {
        let many = try randomDeposits(cells, dimensions: dimensions, on: world)
        if world.isRoot {
            let single = try randomDeposits(cells, dimensions: dimensions, on: solo)
            expect(many == single, "\(many.components.count) vs \(single.components.count) components; first difference \(zip(many.components, single.components).first { $0 != $1 }.map { "\($0) vs \($1)" } ?? "in the count")")
            let spanning = many.components.filter { $0.touchesAnode && $0.touchesCounter }.count
            expect(many.components.count > 20, "only \(many.components.count) components: the pattern does not test much")
            print("  \(many.components.count) components, largest \(many.components.map(\.cells).max() ?? 0) cells, \(spanning) spanning")
        }
    }
}

func polycrystalDeck(steps: Int, directory: String) -> String {
    """
    model: electrodeposition
    grid:
      cells: [64, 64]
      size: [32 um, 32 um]
    cell:
      anode_thickness: 6 um
    microstructure:
      kind: voronoi
      grain_size: 5 um
      size_spread: 0.5
      pore_fraction: 0.02
      pore_size: 2 um
    protocol:
      current_density: 2 mA/cm2
    time:
      end: 5 min
      max_steps: \(steps)
    output:
      directory: \(directory)
    """
}

test("polycrystal with pores: grain ids, bands and the run on \(world.size) ranks equal 1 rank, bit for bit") {
    let many = try run(polycrystalDeck(steps: 10, directory: directory("poly-np\(world.size)")), on: world)
    var single: Simulation? = nil
    if world.isRoot { single = try run(polycrystalDeck(steps: 10, directory: directory("poly-np1-ref")), on: solo) }
    try compareCheckpoints(many.lastCheckpointPath, single?.lastCheckpointPath, cells: Index3(64, 64, 1), fields: electrodepositionFields + ["grain_id", "grain_boundary"])
}

/// Nucleation along conducting boundaries (the NucleationTests set-up, 40 steps): the deposit
/// mask, the per-deposit multipliers and the nucleated tally do not depend on the ranks.
func nucleationDeck(steps: Int, directory: String) -> String {
    """
    model: electrodeposition
    grid:
      cells: [60, 48]
      size: [30 um, 24 um]
    cell:
      anode_thickness: 4 um
    electrolyte:
      electronic_conductivity: 1e-8
      grain_boundary_electronic_conductivity: 9.9e-4
    microstructure:
      kind: voronoi
      grain_size: 6 um
      seed: 7
    electrochemistry:
      charge_transfer_resistance: 400
    phase_field:
      interface_cells: 3
    protocol:
      current_density: 0.5
    time:
      end: 30 min
      max_steps: \(steps)
    output:
      directory: \(directory)
    """
}

test("nucleation in a polycrystal on \(world.size) ranks equals 1 rank, bit for bit") {
    let many = try run(nucleationDeck(steps: 40, directory: directory("nuc-np\(world.size)")), on: world)
    var single: Simulation? = nil
    if world.isRoot { single = try run(nucleationDeck(steps: 40, directory: directory("nuc-np1-ref")), on: solo) }
    if world.isRoot, let single, let column = many.model.diagnosticNames.firstIndex(of: "nucleated_li_um") {
        expect(many.lastDiagnostics[4 + column] > 0, "nothing nucleated, so the comparison would prove nothing")
        expect(single.lastDiagnostics[4 + column].bitPattern == many.lastDiagnostics[4 + column].bitPattern, "nucleated volume differs")
    }
    try compareCheckpoints(many.lastCheckpointPath, single?.lastCheckpointPath, cells: Index3(60, 48, 1), fields: electrodepositionFields + ["grain_id", "grain_boundary", "nucleated_li"])
}

/// Contact loss (MODEL.md §6) on a patchy start: void patches (f₀ = 0.6), an electron-blocking
/// interlayer, 2 MPa, stripped at 3 mA/cm² then plated: voids open and close, the contact map
/// and f (which sets P_eff) do not depend on the ranks.
func contactDeck(steps: Int, directory: String) -> String {
    """
    model: electrodeposition
    grid:
      cells: [48, 64]
      size: [24 um, 32 um]
    cell:
      anode_thickness: 8 um
    microstructure:
      kind: voronoi
      grain_size: 8 um
    interlayer:
      name: ald_al2o3_han2017
      initial_contact_fraction: 0.6
    contact:
      stack_pressure: 2
      patch_size: 4 um
      seed: 3
    protocol:
      mode: cycle
      first: strip
      current_density: 3
      half_cycle: 60 s
    time:
      end: 30 min
      max_steps: \(steps)
    output:
      directory: \(directory)
    """
}

test("contact loss from void patches on \(world.size) ranks equals 1 rank, bit for bit") {
    let many = try run(contactDeck(steps: 40, directory: directory("contact-np\(world.size)")), on: world)
    var single: Simulation? = nil
    if world.isRoot { single = try run(contactDeck(steps: 40, directory: directory("contact-np1-ref")), on: solo) }
    if world.isRoot, let single {
        for name in ["contact_fraction", "void_um", "cell_voltage_V", "li_inventory_imbalance"] {
            guard let column = many.model.diagnosticNames.firstIndex(of: name) else { expect(false, "no \(name) column"); continue }
            expect(single.lastDiagnostics[4 + column].bitPattern == many.lastDiagnostics[4 + column].bitPattern,
                   "\(name): \(many.lastDiagnostics[4 + column]) on \(world.size) ranks, \(single.lastDiagnostics[4 + column]) on 1")
        }
        if let column = many.model.diagnosticNames.firstIndex(of: "contact_fraction") {
            let f = many.lastDiagnostics[4 + column]
            expect(f > 0.5 && f < 0.7, "contact fraction \(f), expected near f₀ = 0.6")
        }
    }
    try compareCheckpoints(many.lastCheckpointPath, single?.lastCheckpointPath, cells: Index3(48, 64, 1), fields: electrodepositionFields)
}

if world.size == 2 {
    // The convergence study needs Δx down to 1/512 (≈ 10 s on 2 ranks): run it once, at np = 2.
    test("BM7a: observed spatial order of the L2 error at t = 8 is 2 ± 0.2") {
        var errors: [Double] = []
        for n in [128, 256, 512] {
            let simulation = try run(bm7aDeck(cells: [n, n / 2], steps: 100_000_000, directory: directory("order-\(n)"), everyTime: 8), on: world)
            errors.append(simulation.lastDiagnostics[4])
        }
        // Least-squares slope of log e against log Δx over the three resolutions.
        let spacings: [Double] = [1.0 / 128, 1.0 / 256, 1.0 / 512]
        let slope = leastSquaresSlope(x: spacings.map { log($0) }, y: errors.map { log($0) })
        if world.isRoot { print("  L2 errors \(errors), observed order \(slope)") }
        expect(abs(slope - 2) <= 0.2, "observed order \(slope), errors \(errors)")
    }
}

if world.isRoot {
    try? FileManager.default.removeItem(atPath: scratch)
    print("mpi-tests (\(world.size) ranks): \(passed) passed, \(failed) failed")
}
fflush(stdout)
MPIEnvironment.finalize()
exit(failed == 0 ? 0 : 1)
