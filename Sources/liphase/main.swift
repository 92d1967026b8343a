import ArgumentParser
import CSignals
import Foundation
import LiPhase
import LiPhaseIO
import LiPhaseParallel

struct LiPhaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liphase",
        abstract: "Phase-field simulator for Li dendrites and contact loss in garnet solid-state batteries.",
        discussion: "Exit codes: " + LiPhaseExitCode.allCases.map { "\($0.rawValue) \($0.meaning)" }.joined(separator: "; "),
        version: LiPhaseVersion.string,
        subcommands: [Run.self, CCD.self, Sweep.self, Validate.self, Schema.self, Info.self])
}

/// Prints on rank 0 only, so `mpirun -np 64` does not print a message 64 times.
func report(_ text: String, world: Communicator?, toStandardError: Bool = false) {
    guard world?.isRoot ?? true else { return }
    if toStandardError { FileHandle.standardError.write(Data((text + "\n").utf8)) } else { print(text) }
}

/// The deck as typed settings, or its problems (all of them) and exit code 2.
func loadDeck(_ path: String, world: Communicator) -> RunConfiguration {
    do {
        return try RunConfiguration(deck: DeckParser.load(path: path))
    } catch let errors as DeckErrors {
        report("error: the deck has \(errors.issues.count) problem(s):\n\(errors)", world: world, toStandardError: true)
    } catch {
        report("error: \(error)", world: world, toStandardError: true)
    }
    finish(.invalidInput)
}

/// Reports the error that ended `run` or `ccd` and exits with its documented code. After a
/// numerical failure it also says where: the step, the failing state and the last good checkpoint.
func fail(_ error: Error, simulation: Simulation?, world: Communicator) -> Never {
    let code = LiPhaseExitCode(for: error)
    var text = "error: \(error)"
    if code == .numericalFailure {
        text = "error: numerical failure: \(error)"
        if let simulation {
            text += "\n  at step \(simulation.progress.step), t = \(simulation.progress.time)"
            text += "\n  state at failure: \(simulation.emergencyCheckpointPath ?? "not written")"
            text += "\n  last good checkpoint: \(simulation.lastCheckpointPath ?? "none")"
        }
    }
    report(text, world: world, toStandardError: true)
    finish(code)
}

func finish(_ code: LiPhaseExitCode) -> Never {
    fflush(stdout)
    MPIEnvironment.finalize()
    exit(code.rawValue)
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a deck (under mpirun for several ranks).")

    @Argument(help: "The input deck (YAML).") var deck: String
    @Option(help: "Continue from this checkpoint file, or 'latest': the newest checkpoint in the deck's output directory (a fresh start if there is none).")
    var restart: String?
    @Option(help: "Stop with a checkpoint before this much wall time has passed (HH:MM:SS, MM:SS or seconds), e.g. the batch job's limit minus a margin.")
    var walltime: String?

    func validate() throws {
        if let walltime, parseDuration(walltime) == nil {
            throw ValidationError("--walltime '\(walltime)' is not a duration; write HH:MM:SS, MM:SS or seconds (e.g. 23:50:00)")
        }
    }

    func run() throws {
        let world = Communicator.world()
        liphase_install_stop_handlers()
        let loaded = loadDeck(deck, world: world)
        var running: Simulation?
        do {
            report("liphase \(LiPhaseVersion.string): \(deck) on \(world.size) rank(s)", world: world)
            var restartPath = restart
            if restart == "latest" {
                // Rank 0 looks, so every rank takes the same decision.
                restartPath = world.broadcast(world.isRoot ? (Simulation.latestCheckpoint(outputDirectory: loaded.outputDirectory) ?? "") : "")
                if restartPath?.isEmpty ?? true {
                    restartPath = nil
                    report("no checkpoint in \(loaded.outputDirectory)/checkpoints: starting from the beginning", world: world)
                }
            }
            let simulation = try Simulation(configuration: loaded, world: world, restartPath: restartPath, sink: StandardOutputSink())
            running = simulation
            simulation.wallTimeLimit = walltime.flatMap(parseDuration)
            if let restart = restartPath { report("restarted from \(restart) at step \(simulation.progress.step), t = \(simulation.progress.time)", world: world) }
            switch try simulation.run() {
            case let .finished(step, time): report("finished: step \(step), t = \(time)", world: world)
            case let .reachedStepLimit(step, time): report("stopped at time.max_steps: step \(step), t = \(time)", world: world)
            case let .ended(step, time, event): report("ended by \(event) at step \(step), t = \(time)", world: world)
            case let .stoppedEarly(step, time, reason):
                report("stopped by \(reason) at step \(step), t = \(time); checkpoint \(simulation.lastCheckpointPath ?? "none")\n  continue with: liphase run \(deck) --restart \(simulation.lastCheckpointPath ?? "CHECKPOINT")", world: world)
                finish(.stoppedEarly)
            }
            let directory = simulation.outputDirectory
            report("""
            output: \(directory)/
              fields:      \(directory)/fields.xdmf  (open in ParaView: File > Open, choose 'XDMF Reader'; or `paraview \(directory)/fields.xdmf`)
              time series: \(directory)/timeseries.csv
              checkpoint:  \(simulation.lastCheckpointPath ?? "none")
              in Python:   h5py.File('\(directory)/\(String(format: "fields_%08d.h5", simulation.progress.step))')['\(simulation.model.outputFields.first?.name ?? "")'][...]
            """, world: world)
            finish(.success)
        } catch {
            fail(error, simulation: running, world: world)
        }
    }
}

struct CCD: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the critical current density: run a deck with protocol.mode ccd_ramp (under mpirun for several ranks).",
        discussion: "Prints one line per current step and the CCD bracket [last passed, first failed]; writes ccd.json, ccd_trace.csv and the fields at failure to the deck's output directory.")

    @Argument(help: "The input deck (YAML) with protocol.mode: ccd_ramp.") var deck: String

    func run() throws {
        let world = Communicator.world()
        liphase_install_stop_handlers()
        let loaded = loadDeck(deck, world: world)
        var running: Simulation?
        do {
            report("liphase \(LiPhaseVersion.string): CCD ramp of \(deck) on \(world.size) rank(s)", world: world)
            let ramp = try CriticalCurrentRun(configuration: loaded, world: world, sink: StandardOutputSink())
            running = ramp.simulation
            let result = try ramp.run()
            var lines = ["CCD: \(result.bracket) (last passed, first failed)"]
            lines.append("critical stripping current: " + (result.criticalStrippingCurrent.map { String(format: "%g mA/cm² (contact fraction below %g while stripping)", $0, result.criticalContact) }
                                                        ?? String(format: "not reached (contact fraction stayed above %g)", result.criticalContact)))
            if let failure = result.failure {
                let place = failure.location.map { " at (" + $0.map { String(format: "%.3g", $0) }.joined(separator: ", ") + ") µm" } ?? ""
                lines.append(String(format: "failure: %@ during %@ at %g mA/cm², t = %.6g s%@", failure.mode, failure.duringStripping ? "stripping" : "plating",
                                    result.firstFailed ?? .nan, failure.time, place))
                if let share = result.nucleatedShare { lines.append(String(format: "  %.0f %% of the shorting Li was nucleated inside the electrolyte", 100 * share)) }
            } else {
                lines.append(result.reachedMaximum ? "no failure up to protocol.max_current" : "no failure before time.end (the ramp did not reach protocol.max_current)")
            }
            lines.append("fields at the end: \(result.fieldsAtEnd ?? "none")")
            lines.append("trace: \(ramp.tracePath)\nsummary: \(ramp.resultPath)")
            report(lines.joined(separator: "\n"), world: world)
            finish(.success)
        } catch {
            fail(error, simulation: running, world: world)
        }
    }
}

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a parameter study: a base deck plus variations (under mpirun; cases run concurrently in groups of ranks_per_case ranks).",
        discussion: "A rerun skips cases that have a result; a failing case records its error and the others go on. Writes summary.csv and summary.json to the study's output directory. The study format is in docs/user-guide.md.")

    @Argument(help: "The study file (YAML).") var study: String
    @Flag(help: "Run cases again that failed in an earlier sweep (completed ones are still skipped).") var retryFailed = false
    @Flag(help: "Check the study and every case's deck, list the cases, and stop.") var dryRun = false

    func run() throws {
        let world = Communicator.world()
        liphase_install_stop_handlers()
        do {
            let parsed = try StudyFile.load(path: study, interlayerNames: InterlayerLibrary.builtIn.map(\.key))
            let sweep = try StudyRun(study: parsed, world: world, sink: StandardOutputSink())
            sweep.retryFailed = retryFailed
            if dryRun {
                _ = try sweep.checkDecks()
                report("\(study): valid, \(parsed.cases.count) case(s), command \(parsed.command.rawValue), output \(parsed.outputDirectory)", world: world)
                for item in parsed.cases { report("  \(item.directoryName): \(item.label)", world: world) }
                finish(.success)
            }
            report("liphase \(LiPhaseVersion.string): study \(study) on \(world.size) rank(s)", world: world)
            let totals = try sweep.run()
            let stopped = totals.interrupted ? "; stopped early: rerun the same command to finish" : ""
            report("study \(parsed.name): \(totals.ran) case(s) run (\(totals.failed) failed), \(totals.skipped) skipped as already done\(stopped)\n  summary: \(sweep.summaryCSV)\n           \(sweep.summaryJSON)", world: world)
            finish(totals.interrupted ? .stoppedEarly : .success)
        } catch let errors as DeckErrors {
            report("error: the study has \(errors.issues.count) problem(s):\n\(errors)", world: world, toStandardError: true)
            finish(.invalidInput)
        } catch {
            report("error: \(error)", world: world, toStandardError: true)
            finish(LiPhaseExitCode(for: error))
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a deck and print the values derived from it; reports every problem at once.")

    @Argument(help: "The input deck (YAML).") var deck: String

    func run() throws {
        do {
            let configuration = try RunConfiguration(deck: DeckParser.load(path: deck))
            print("\(deck): valid (model \(configuration.model.rawValue))")
            for (name, value) in configuration.derivedValues() { print("  \(name): \(value)") }
            finish(.success)
        } catch let errors as DeckErrors {
            FileHandle.standardError.write(Data("\(deck): \(errors.issues.count) problem(s)\n\(errors)\n".utf8))
            finish(.invalidInput)
        }
    }
}

struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the input reference (Markdown), generated from the schema.")
    func run() throws {
        print(ReferenceDocument.markdown(), terminator: "")
        finish(.success)
    }
}

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a built-in library: 'interlayers' lists the interlayer library with the model parameters of each entry.")

    enum Topic: String, ExpressibleByArgument, CaseIterable { case interlayers }
    @Argument(help: "What to list: interlayers.") var topic: Topic
    @Flag(help: "Print a Markdown table.") var markdown = false

    func run() throws {
        switch topic {
        case .interlayers: print(InterlayerTable.render(markdown: markdown), terminator: "")
        }
        finish(.success)
    }
}

LiPhaseCommand.main()
