import CSignals
import Foundation
import LiPhaseGrid
import LiPhaseIO
import LiPhaseParallel
import LiPhaseSolvers

/// How a run ended; the command line maps these to its documented exit codes.
public enum RunOutcome: Equatable, Sendable {
    case finished(step: Int, time: Double)
    case reachedStepLimit(step: Int, time: Double)
    /// A scheduler signal or the wall-time limit stopped the run at a step boundary, after a
    /// checkpoint (`reason` says which).
    case stoppedEarly(step: Int, time: Double, reason: String)
    /// The model ended the run with a physical event (a short circuit): output, time-series row
    /// and checkpoint are written as at the end.
    case ended(step: Int, time: Double, event: String)
}

/// A run that cannot start on this machine or rank count; nothing was computed.
public struct PreflightError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A checkpoint that cannot be used for this deck; nothing was computed.
public struct RestartError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Where the driver reports progress; rank 0 prints, the tests collect.
public protocol ProgressSink: AnyObject {
    func line(_ text: String)
}

public final class StandardOutputSink: ProgressSink {
    public init() {}
    public func line(_ text: String) {
        print(text)
        fflush(stdout)
    }
}

/// One run of a deck: builds the model, then steps it, writing fields, the time series and
/// checkpoints on their cadences.
public final class Simulation {
    public let configuration: RunConfiguration
    public let model: SimulationModel
    public let world: Communicator
    public private(set) var progress: RunProgress
    private let stepControl: StepControl
    private let output: FieldOutput
    private let series: TimeSeriesWriter?
    private let sink: ProgressSink?
    private let timeUnit: String
    private var lastCheckpointWall: Double
    public private(set) var lastCheckpointPath: String?
    /// Stop (with a checkpoint) once this much wall time has passed, leaving room for one more
    /// step and the checkpoint itself.
    public var wallTimeLimit: Double?
    /// Called on every rank after each step (the CCD driver watches the protocol with it).
    public var stepObserver: ((_ stepStart: Double) throws -> Void)?
    /// The physical event that ended the run, if one did.
    public private(set) var terminalEvent: TerminalEvent?
    /// The failing state of a run that ended in a numerical failure (for inspection, not restart).
    public private(set) var emergencyCheckpointPath: String?
    private var lastCheckpointSeconds = 0.0

    public var outputDirectory: String { configuration.outputDirectory }
    public var checkpointDirectory: String { (configuration.outputDirectory as NSString).appendingPathComponent("checkpoints") }

    /// Sets up the model, output directory and time series; with `restartPath`, loads that
    /// checkpoint instead of the initial condition.
    public init(configuration: RunConfiguration, world: Communicator, restartPath: String? = nil, sink: ProgressSink? = nil) throws {
        self.configuration = configuration
        self.world = world
        self.sink = world.isRoot ? sink : nil
        try Self.checkMemory(configuration, ranks: world.size)
        try Self.prepareDirectory(configuration.outputDirectory, world: world)
        try Self.prepareDirectory((configuration.outputDirectory as NSString).appendingPathComponent("checkpoints"), world: world)
        // A terminal event of an earlier run in this directory no longer describes this one.
        if world.isRoot { try? FileManager.default.removeItem(atPath: (configuration.outputDirectory as NSString).appendingPathComponent("ended.txt")) }
        try Self.checkDiskSpace(configuration, world: world)
        switch configuration.model {
        case .pfhub7a:
            model = try ManufacturedAllenCahnModel(cells: configuration.cells, world: world)
            timeUnit = "benchmark time"
        case .electrodeposition:
            model = try ElectrodepositionModel(configuration: configuration, world: world)
            timeUnit = "s"
        }
        stepControl = StepControl(safety: configuration.stepSafety, maximumStep: configuration.maximumStep, minimumStep: configuration.minimumStep)

        if let restartPath {
            do {
                progress = try Checkpoint.read(path: restartPath, into: model, configuration: configuration)
            } catch let error as HDF5Error {
                throw RestartError(message: "cannot restart from \(restartPath): \(error.message)")
            }
            if world.isRoot {
                Self.setAsideLaterCheckpoints(after: progress.step, in: (configuration.outputDirectory as NSString).appendingPathComponent("checkpoints"), sink: sink)
            }
            try model.stateDidLoad(time: progress.time, scalars: progress.modelScalars)
        } else {
            try model.initialize(time: 0)
            // Output 0 (t = 0) is written when the run starts, so the next one is output 1.
            progress = RunProgress(step: 0, time: 0, nextOutputIndex: 1, outputHistory: [])
        }
        output = FieldOutput(directory: configuration.outputDirectory, grid: model.grid, fieldNames: model.outputFields.map(\.name),
                             lengthUnit: configuration.model == .pfhub7a ? "benchmark length" : "m", history: progress.outputHistory)
        let columns = ["step", "time", "dt", "wall_time"] + model.diagnosticNames
        let seriesPath = (configuration.outputDirectory as NSString).appendingPathComponent("timeseries.csv")
        series = world.isRoot ? try TimeSeriesWriter(path: seriesPath, columns: columns, resumeStep: restartPath == nil ? nil : progress.step) : nil
        lastCheckpointWall = MPIEnvironment.wallTime()
    }

    /// Field arrays per cell that each model allocates (state plus work copies).
    static func fieldsPerCell(_ model: RunConfiguration.Model) -> Int {
        switch model {
        case .pfhub7a: return 2
        // State, properties, deposits, the coupled solve's vectors and the two multigrid
        // hierarchies: the benchmark record measures 487 bytes (61 doubles) per cell in 2-D.
        case .electrodeposition: return 62
        }
    }

    /// Refuses a grid whose fields cannot fit in this node's memory, before allocating anything:
    /// a failed allocation would otherwise end the run with a trap instead of a message.
    static func checkMemory(_ configuration: RunConfiguration, ranks: Int) throws {
        let cells = configuration.cells
        // The process grid the decomposition will choose (a failure there is reported later).
        let processes = CartesianDecomposition.bestProcessGrid(cells: cells, ranks: ranks, dimensions: configuration.dimensions, minimumCells: 1) ?? Index3(1, 1, 1)
        var largestBlock = 1.0
        for axis in 0..<configuration.dimensions {
            // Ghost layers add one cell per side; a block holds at most one tile more than its share.
            let tile = Double(CartesianDecomposition.tile(cells: cells[axis]))
            largestBlock *= (Double(cells[axis]) / Double(processes[axis]) + tile).rounded(.up) + 2
        }
        let needed = largestBlock * Double(fieldsPerCell(configuration.model)) * 8 * Double(ranks)
        let available = Double(sysconf(Int32(_SC_PHYS_PAGES))) * Double(sysconf(Int32(_SC_PAGESIZE)))
        if available > 0, needed > 0.8 * available {
            throw PreflightError(message: String(format: "the grid needs about %.3g GiB of field memory on this node but it has %.3g GiB; use fewer cells or more nodes",
                                                 needed / 1_073_741_824, available / 1_073_741_824))
        }
    }

    /// Output fields and state fields per model, for the disk-space estimate.
    static func fieldCounts(_ model: RunConfiguration.Model) -> (output: Int, state: Int) {
        switch model {
        case .pfhub7a: return (1, 1)
        case .electrodeposition: return (8, 6)
        }
    }

    /// Refuses a run whose fields and checkpoints would not fit on the output file system: a full
    /// disk mid-run loses the step being written and stops the job.
    static func checkDiskSpace(_ configuration: RunConfiguration, world: Communicator) throws {
        var problem = ""
        if world.isRoot {
            let cells = Double(configuration.cells.product)
            let counts = fieldCounts(configuration.model)
            let outputs = configuration.outputEveryTime.map { (configuration.endTime / $0).rounded(.up) + 1 } ?? 2
            let needed = (outputs * Double(counts.output) + Double(configuration.checkpointsKept + 1) * Double(counts.state)) * cells * 8
            var stats = statvfs()
            if statvfs(configuration.outputDirectory, &stats) == 0 {
                let free = Double(stats.f_bavail) * Double(stats.f_frsize)
                if needed > free {
                    problem = String(format: "the run would write about %.3g GiB (%.0f field outputs and %d checkpoints) but %@ has %.3g GiB free; write fewer outputs (output.every_time) or free space",
                                     needed / 1_073_741_824, outputs, configuration.checkpointsKept, configuration.outputDirectory, free / 1_073_741_824)
                }
            }
        }
        problem = world.broadcast(problem)
        if !problem.isEmpty { throw PreflightError(message: problem) }
    }

    /// Restarting from an older checkpoint starts a new timeline: checkpoints of later steps from
    /// the abandoned one would otherwise be taken for the newest, and rotation would delete the
    /// new run's checkpoints instead of them. They are moved aside, never deleted.
    static func setAsideLaterCheckpoints(after step: Int, in directory: String, sink: ProgressSink?) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        let later = names.filter { name in
            guard name.hasPrefix("checkpoint_"), name.hasSuffix(".h5"), let s = Int(name.dropFirst("checkpoint_".count).dropLast(".h5".count)) else { return false }
            return s > step
        }
        guard !later.isEmpty else { return }
        let aside = (directory as NSString).appendingPathComponent(String(format: "superseded_after_step_%08d", step))
        try? FileManager.default.createDirectory(atPath: aside, withIntermediateDirectories: true)
        for name in later {
            try? FileManager.default.moveItem(atPath: (directory as NSString).appendingPathComponent(name), toPath: (aside as NSString).appendingPathComponent(name))
        }
        sink?.line("moved \(later.count) checkpoint(s) of later steps to \(aside): this restart starts a new timeline from step \(step)")
    }

    /// The newest checkpoint in a run's checkpoint directory (by step), if any.
    public static func latestCheckpoint(outputDirectory: String) -> String? {
        let directory = (outputDirectory as NSString).appendingPathComponent("checkpoints")
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        let newest = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("checkpoint_"), name.hasSuffix(".h5"), let step = Int(name.dropFirst("checkpoint_".count).dropLast(".h5".count)) else { return nil }
            return (step, name)
        }.max { $0.0 < $1.0 }
        return newest.map { (directory as NSString).appendingPathComponent($0.1) }
    }

    static func prepareDirectory(_ path: String, world: Communicator) throws {
        var problem = ""
        if world.isRoot {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                if !FileManager.default.isWritableFile(atPath: path) { problem = "output directory \(path) is not writable" }
            } catch {
                problem = "cannot create output directory \(path): \(error.localizedDescription)"
            }
        }
        problem = world.broadcast(problem)
        if !problem.isEmpty { throw HDF5Error(problem) }
    }

    private func outputTime(_ index: Int) -> Double? {
        configuration.outputEveryTime.map { Double(index) * $0 }
    }

    /// Runs to time.end (or time.max_steps), a physical end, a stop request or a failure. A numerical failure
    /// (blow-up, Δt below the floor, a solver that does not converge) first writes the failing
    /// state to `emergencyCheckpointPath`, then rethrows; the last good checkpoint is untouched.
    public func run() throws -> RunOutcome {
        do {
            return try runSteps()
        } catch where LiPhaseExitCode(for: error) == .numericalFailure {
            emergencyCheckpointPath = try? writeEmergencyState()
            throw error
        }
    }

    private func runSteps() throws -> RunOutcome {
        // A restart of a finished run has nothing to do (and must not write another row).
        if progress.time >= configuration.endTime && !progress.outputHistory.isEmpty {
            return .finished(step: progress.step, time: progress.time)
        }
        let start = MPIEnvironment.wallTime()
        let startTime = progress.time
        var lastProgress = -Double.infinity
        var dt = 0.0
        if progress.step == 0 && progress.outputHistory.isEmpty {
            try writeOutput()
            record(dt: 0, wall: 0)
        }
        var lastStepSeconds = 0.0
        while progress.time < configuration.endTime {
            if let reason = stopReason(elapsed: MPIEnvironment.wallTime() - start, lastStep: lastStepSeconds) {
                try writeOutput()
                record(dt: dt, wall: MPIEnvironment.wallTime() - start)
                try writeCheckpoint()
                return .stoppedEarly(step: progress.step, time: progress.time, reason: reason)
            }
            let stepStart = MPIEnvironment.wallTime()
            defer { lastStepSeconds = MPIEnvironment.wallTime() - stepStart }
            if let limit = configuration.maximumSteps, progress.step >= limit {
                try finish(dt: dt, start: start)
                return .reachedStepLimit(step: progress.step, time: progress.time)
            }
            var nextOutput = outputTime(progress.nextOutputIndex).map { min($0, configuration.endTime) } ?? configuration.endTime
            if let event = model.nextStop(after: progress.time), event < nextOutput { nextOutput = event }
            let stable: Double
            do {
                stable = try model.stableTimeStep(time: progress.time)
            } catch let event as TerminalEvent {
                terminalEvent = event
                try finish(dt: dt, start: start)
                // Kept with the outputs, so post-processing and sweeps can tell how the run ended.
                if world.isRoot {
                    try AtomicFile.write("ended by \(event.description) at step \(progress.step), t = \(progress.time) s\n",
                                         to: (configuration.outputDirectory as NSString).appendingPathComponent("ended.txt"))
                }
                return .ended(step: progress.step, time: progress.time, event: event.description)
            }
            let step = stepControl.next(stableStep: stable, time: progress.time, nextStop: nextOutput)
            dt = step.dt
            if !step.reachesStop && dt < stepControl.minimumStep {
                throw NumericalFailure("Δt = \(dt) fell below time.min_dt = \(stepControl.minimumStep) at step \(progress.step), t = \(progress.time): the state is too stiff; check the deck or raise time.min_dt")
            }
            try model.advance(time: progress.time, dt: dt)
            let stepStartTime = progress.time
            progress.step += 1
            progress.time = step.reachesStop ? nextOutput : progress.time + dt
            try stepObserver?(stepStartTime)
            let wall = MPIEnvironment.wallTime() - start
            var outputDue = false
            if let every = configuration.outputEveryTime, step.reachesStop, progress.time >= Double(progress.nextOutputIndex) * every * (1 - 1e-12) {
                progress.nextOutputIndex += 1
                outputDue = true
            }
            if let every = configuration.outputEverySteps, progress.step % every == 0 { outputDue = true }
            let atEnd = progress.time >= configuration.endTime
            if outputDue && !atEnd { try writeOutput() }
            if progress.step % configuration.timeSeriesEverySteps == 0 && !atEnd { record(dt: dt, wall: wall) }
            if checkpointDue() && !atEnd { try writeCheckpoint() }

            if world.isRoot && (wall - lastProgress >= configuration.progressInterval || atEnd) {
                lastProgress = wall
                let done = (progress.time - startTime) / max(configuration.endTime - startTime, .leastNonzeroMagnitude)
                let eta = done > 0 ? wall * (1 - done) / done : .infinity
                sink?.line(String(format: "step %8d  t = %.6g  dt = %.3e  wall %.1f s  ETA %@", progress.step, progress.time, dt, wall, formatDuration(eta)))
            }
        }
        try finish(dt: dt, start: start)
        return .finished(step: progress.step, time: progress.time)
    }

    /// Why the run must stop now, if it must: a signal on any rank, or a wall-time limit that the
    /// next step plus a checkpoint would overrun (rank 0's clock decides, so all ranks agree).
    private func stopReason(elapsed: Double, lastStep: Double) -> String? {
        let signal = world.max(Int(liphase_stop_signal()))
        if signal == Int(SIGTERM) { return "SIGTERM" }
        if signal == Int(SIGUSR1) { return "SIGUSR1" }
        if signal != 0 { return "signal \(signal)" }
        guard let limit = wallTimeLimit else { return nil }
        let needed = world.broadcast(elapsed + 2 * lastStep + max(lastCheckpointSeconds, 1))
        return needed >= limit ? String(format: "the wall-time limit (%.0f s)", limit) : nil
    }

    private func finish(dt: Double, start: Double) throws {
        if progress.outputHistory.last?.step != progress.step { try writeOutput() }
        record(dt: dt, wall: MPIEnvironment.wallTime() - start)
        try writeCheckpoint()
        try writeSummary(wall: MPIEnvironment.wallTime() - start)
    }

    private func checkpointDue() -> Bool {
        var due = configuration.checkpointEverySteps > 0 && progress.step % configuration.checkpointEverySteps == 0
        if configuration.checkpointEveryWallTime > 0 {
            // Rank 0's clock decides so that every rank takes the same branch.
            let elapsed = world.broadcast(MPIEnvironment.wallTime() - lastCheckpointWall)
            if elapsed >= configuration.checkpointEveryWallTime { due = true }
        }
        return due
    }

    public func writeCheckpoint() throws {
        let started = MPIEnvironment.wallTime()
        defer { lastCheckpointSeconds = MPIEnvironment.wallTime() - started }
        let path = (checkpointDirectory as NSString).appendingPathComponent(Checkpoint.fileName(step: progress.step))
        try Checkpoint.write(path: path, model: model, progress: progress, configuration: configuration)
        if world.isRoot { Checkpoint.prune(directory: checkpointDirectory, keep: configuration.checkpointsKept) }
        lastCheckpointPath = path
        lastCheckpointWall = MPIEnvironment.wallTime()
    }

    /// After a numerical failure: the state as it is, for post-mortem inspection, in a file the
    /// checkpoint rotation never removes (the last good checkpoint stays as it was).
    func writeEmergencyState() throws -> String {
        let path = (checkpointDirectory as NSString).appendingPathComponent(String(format: "emergency_%08d.h5", progress.step))
        try Checkpoint.write(path: path, model: model, progress: progress, configuration: configuration)
        return path
    }

    private func writeOutput() throws {
        if progress.outputHistory.last?.step == progress.step { return }
        try output.write(fields: model.outputFields, step: progress.step, time: progress.time, timeUnit: timeUnit)
        let step = progress.step
        progress.outputHistory.removeAll { $0.step >= step }
        progress.outputHistory.append(.init(step: progress.step, time: progress.time, file: FieldOutput.fileName(step: progress.step)))
    }

    private func record(dt: Double, wall: Double) {
        let values = [Double(progress.step), progress.time, dt, wall] + model.diagnostics(time: progress.time)
        series?.append(values)
        lastDiagnostics = values
    }

    public private(set) var lastDiagnostics: [Double] = []

    /// A machine-readable end-of-run record (rank 0), used by the verification scripts.
    private func writeSummary(wall: Double) throws {
        guard world.isRoot else { return }
        let names = ["step", "time", "dt", "wall_time"] + model.diagnosticNames
        var fields: [String] = []
        for (name, value) in zip(names, lastDiagnostics) { fields.append("  \"\(name)\": \(value.isFinite ? "\(value)" : "null")") }
        fields.append("  \"cells\": [\((0..<configuration.dimensions).map { String(configuration.cells[$0]) }.joined(separator: ", "))]")
        fields.append("  \"spacing\": [\((0..<configuration.dimensions).map { "\(configuration.spacing[$0])" }.joined(separator: ", "))]")
        fields.append("  \"ranks\": \(world.size)")
        fields.append("  \"run_wall_seconds\": \(wall)")
        fields.append("  \"liphase_version\": \"\(LiPhaseVersion.string)\"")
        let json = "{\n" + fields.joined(separator: ",\n") + "\n}\n"
        try AtomicFile.write(json, to: (configuration.outputDirectory as NSString).appendingPathComponent("summary.json"))
    }
}

func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds >= 0 else { return "--" }
    if seconds < 120 { return String(format: "%.0f s", seconds) }
    if seconds < 7200 { return String(format: "%.1f min", seconds / 60) }
    return String(format: "%.1f h", seconds / 3600)
}
