import Foundation
import LiPhaseIO
import LiPhaseParallel

/// What one case of a study produced, kept as `result.json` in its directory. A case with this
/// file is complete; a rerun skips it.
public struct StudyCaseResult: Codable, Equatable, Sendable {
    public var index: Int
    public var label: String
    public var values: [String: String]
    public var directory: String
    /// "completed" or "failed".
    public var status: String
    public var error: String?
    public var criticalCurrent: CriticalCurrentResult?
    /// `run` studies: how the run ended.
    public var outcome: String?
    public var wallSeconds: Double
    public var ranks: Int
    public var liphaseVersion: String
}

/// `liphase sweep`: runs the cases of a study concurrently in groups of `ranks_per_case` ranks
/// (the world communicator split by group), each group taking the next case nobody has taken.
/// Taking is an exclusive file creation, so groups need no messages and a rerun (with a new
/// run id) ignores the claims of a killed run. Completed and failed cases keep a result.json,
/// written atomically, and a rerun skips them; a failing case records its error and the group
/// goes on. At the end rank 0 writes summary.csv and summary.json (atomically), with the study
/// file and the software version embedded.
public final class StudyRun {
    public let study: StudyFile
    public let world: Communicator
    /// Every rank may pass one: study lines print on world rank 0, case lines on each group's
    /// first rank, so every group's progress is seen.
    private let sink: ProgressSink?
    private var studySink: ProgressSink? { world.isRoot ? sink : nil }
    public var retryFailed = false

    public var summaryCSV: String { (study.outputDirectory as NSString).appendingPathComponent("summary.csv") }
    public var summaryJSON: String { (study.outputDirectory as NSString).appendingPathComponent("summary.json") }

    public init(study: StudyFile, world: Communicator, sink: ProgressSink?) throws {
        guard world.size % study.ranksPerCase == 0 else {
            throw PreflightError(message: "the study asks for ranks_per_case: \(study.ranksPerCase) but the run has \(world.size) rank(s); start it on a multiple of \(study.ranksPerCase) ranks")
        }
        self.study = study
        self.world = world
        self.sink = sink
    }

    public func caseDirectory(_ study: StudyFile.Case) -> String {
        ((self.study.outputDirectory as NSString).appendingPathComponent("cases") as NSString).appendingPathComponent(study.directoryName)
    }

    private func resultPath(_ study: StudyFile.Case) -> String { (caseDirectory(study) as NSString).appendingPathComponent("result.json") }

    /// Decks of every case, checked before anything runs: a bad value fails the study at once,
    /// naming the case, instead of after hours of other cases.
    public func checkDecks() throws -> [Int: RunConfiguration] {
        var configurations: [Int: RunConfiguration] = [:]
        var issues: [DeckIssue] = []
        for item in study.cases {
            let directory = caseDirectory(item)
            do {
                let text = try study.deckText(for: item, outputDirectory: directory)
                let deck = try DeckParser.parse(text: text, fileName: "case \(item.index) (\(item.label))")
                configurations[item.index] = try RunConfiguration(deck: deck)
            } catch let errors as DeckErrors {
                issues += errors.issues
            }
        }
        if !issues.isEmpty { throw DeckErrors(issues: issues) }
        return configurations
    }

    private func loadResult(_ item: StudyFile.Case) -> StudyCaseResult? {
        guard let data = FileManager.default.contents(atPath: resultPath(item)) else { return nil }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try? decoder.decode(StudyCaseResult.self, from: data)
    }

    /// Whether a case still has to run (rank 0 decides for everyone).
    private func isPending(_ item: StudyFile.Case) -> Bool {
        guard let result = loadResult(item) else { return true }
        return retryFailed && result.status == "failed"
    }

    /// Exclusive creation of the claim file of this run: exactly one group gets each case.
    private func claim(_ item: StudyFile.Case, runIdentifier: String) -> Bool {
        let directory = caseDirectory(item)
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("claimed-\(runIdentifier)")
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
        guard descriptor >= 0 else { return false }
        close(descriptor)
        return true
    }

    /// Runs the pending cases. Returns the number of cases this call ran (on rank 0: all
    /// groups). Collective over the world.
    @discardableResult
    public func run() throws -> (ran: Int, skipped: Int, failed: Int, interrupted: Bool) {
        let configurations = try checkDecks()
        if world.isRoot { try FileManager.default.createDirectory(atPath: study.outputDirectory, withIntermediateDirectories: true) }
        let pending = world.broadcast(world.isRoot ? study.cases.filter(isPending).map { String($0.index) }.joined(separator: ",") : "")
            .split(separator: ",").compactMap { Int($0) }
        let skipped = study.cases.count - pending.count
        if skipped > 0 { studySink?.line("\(skipped) of \(study.cases.count) case(s) already have results in \(study.outputDirectory)/cases; skipping them") }
        let runIdentifier = world.broadcast(world.isRoot ? "\(getpid())-\(Int(Date().timeIntervalSince1970 * 1000))" : "")
        let groups = world.size / study.ranksPerCase
        let group = try world.split(color: world.rank / study.ranksPerCase, key: world.rank)
        studySink?.line("study \(study.name): \(pending.count) case(s) to run in \(groups) group(s) of \(study.ranksPerCase) rank(s)")
        var ran = 0, failed = 0, interrupted = false
        var cursor = 0
        while !interrupted {
            // The group's first rank takes the next free case; the group follows it.
            var taken = -1
            if group.isRoot {
                while cursor < pending.count {
                    let index = pending[cursor]
                    cursor += 1
                    if let item = study.cases.first(where: { $0.index == index }), claim(item, runIdentifier: runIdentifier) { taken = index; break }
                }
            }
            taken = Int(group.broadcast(group.isRoot ? String(taken) : "")) ?? -1
            guard taken >= 0, let item = study.cases.first(where: { $0.index == taken }), let configuration = configurations[taken] else { break }
            let result = runCase(item, configuration: configuration, group: group)
            if result.status == "interrupted" { interrupted = true; continue }
            ran += 1
            if result.status == "failed" { failed += 1 }
        }
        interrupted = world.any(interrupted)
        let totals = world.sum([Int64(group.isRoot ? ran : 0), Int64(group.isRoot ? failed : 0)])
        if world.isRoot { try writeSummary() }
        world.barrier()
        return (Int(totals[0]), skipped, Int(totals[1]), interrupted)
    }

    private final class PrefixedSink: ProgressSink {
        let prefix: String
        let next: ProgressSink
        init(prefix: String, next: ProgressSink) { self.prefix = prefix; self.next = next }
        func line(_ text: String) { next.line(prefix + text) }
    }

    /// Runs one case on its group and records the result (the group's first rank writes it).
    private func runCase(_ item: StudyFile.Case, configuration: RunConfiguration, group: Communicator) -> StudyCaseResult {
        let started = MPIEnvironment.wallTime()
        let total = study.cases.count
        let caseSink: ProgressSink? = group.isRoot ? sink.map { PrefixedSink(prefix: "[case \(item.index)/\(total)] ", next: $0) } : nil
        caseSink?.line("\(item.label)")
        var result = StudyCaseResult(index: item.index, label: item.label, values: Dictionary(item.values.map { ($0.path, $0.value) }, uniquingKeysWith: { $1 }),
                                     directory: caseDirectory(item), status: "completed", error: nil, criticalCurrent: nil, outcome: nil,
                                     wallSeconds: 0, ranks: group.size, liphaseVersion: LiPhaseVersion.string)
        var running: Simulation?
        do {
            if group.isRoot { try AtomicFile.write(study.deckText(for: item, outputDirectory: caseDirectory(item)), to: (caseDirectory(item) as NSString).appendingPathComponent("deck.yaml")) }
            switch study.command {
            case .ccd:
                let ramp = try CriticalCurrentRun(configuration: configuration, world: group, sink: caseSink)
                running = ramp.simulation
                let answer = try ramp.run()
                result.criticalCurrent = answer
                caseSink?.line("CCD \(answer.bracket), " + (answer.failure.map { "\($0.mode) while \($0.duringStripping ? "stripping" : "plating")" } ?? "no failure"))
            case .run:
                let simulation = try Simulation(configuration: configuration, world: group, sink: nil)
                running = simulation
                switch try simulation.run() {
                case let .finished(step, time): result.outcome = "finished at step \(step), t = \(time) s"
                case let .reachedStepLimit(step, time): result.outcome = "time.max_steps at step \(step), t = \(time) s"
                case let .ended(step, time, event): result.outcome = "ended by \(event) at step \(step), t = \(time) s"
                case let .stoppedEarly(_, _, reason): throw CriticalCurrentInterrupted(reason: reason, checkpoint: simulation.lastCheckpointPath)
                }
                caseSink?.line(result.outcome ?? "")
            }
        } catch let stop as CriticalCurrentInterrupted {
            caseSink?.line("stopped by \(stop.reason); the case has no result and runs again on the next sweep")
            result.status = "interrupted"
            return result
        } catch {
            result.status = "failed"
            result.error = "\(error)" + (running?.emergencyCheckpointPath.map { "; state at failure: \($0)" } ?? "")
            caseSink?.line("FAILED: \(error)")
        }
        result.wallSeconds = MPIEnvironment.wallTime() - started
        if group.isRoot {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            if let data = try? encoder.encode(result) {
                do { try AtomicFile.write((String(data: data, encoding: .utf8) ?? "") + "\n", to: resultPath(item)) }
                catch { caseSink?.line("cannot write \(resultPath(item)): \(error)") }
            }
        }
        return result
    }

    /// summary.csv and summary.json from every case's result.json (rank 0).
    public func writeSummary() throws {
        let results = study.cases.map { item in (item, loadResult(item)) }
        let paths = study.variations.map(\.path)
        func number(_ value: Double?) -> String { value.map { String(format: "%.6g", $0) } ?? "" }
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var lines = [(["case"] + paths + ["status", "ccd_last_passed_mA_cm2", "ccd_first_failed_mA_cm2", "critical_stripping_mA_cm2", "failure_mode",
                                         "failure_half_cycle", "failure_time_s", "failure_location_um", "nucleated_share", "reached_max_current", "outcome", "wall_s", "error", "directory"])
            .joined(separator: ",")]
        for (item, result) in results {
            var row = [String(item.index)] + item.values.map { quoted($0.value) }
            guard let result else {
                row += ["pending"] + Array(repeating: "", count: 13)
                lines.append(row.joined(separator: ","))
                continue
            }
            let ccd = result.criticalCurrent, failure = ccd?.failure
            row += [result.status, number(ccd?.lastPassed), number(ccd?.firstFailed), number(ccd?.criticalStrippingCurrent), quoted(failure?.mode ?? (ccd == nil ? "" : "none")),
                    failure.map { $0.duringStripping ? "strip" : "plate" } ?? "", number(failure?.time),
                    quoted(failure?.location.map { $0.map { String(format: "%.4g", $0) }.joined(separator: " ") } ?? ""), number(ccd?.nucleatedShare),
                    ccd.map { $0.reachedMaximum ? "true" : "false" } ?? "", quoted(result.outcome ?? ""), String(format: "%.1f", result.wallSeconds),
                    quoted(result.error ?? ""), quoted(result.directory)]
            lines.append(row.joined(separator: ","))
        }
        try AtomicFile.write(lines.joined(separator: "\n") + "\n", to: summaryCSV)

        struct Summary: Encodable {
            var study: String
            var description: String?
            var liphaseVersion: String
            var studyFile: String
            var baseDeck: String
            var ranksPerCase: Int
            var combine: String
            var variations: [String: [String]]
            var cases: [StudyCaseResult?]
        }
        let summary = Summary(study: study.name, description: study.description, liphaseVersion: LiPhaseVersion.string, studyFile: study.text, baseDeck: study.baseText,
                              ranksPerCase: study.ranksPerCase, combine: study.combination.rawValue,
                              variations: Dictionary(study.variations.map { ($0.path, $0.values) }, uniquingKeysWith: { $1 }), cases: results.map(\.1))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try AtomicFile.write((String(data: try encoder.encode(summary), encoding: .utf8) ?? "{}") + "\n", to: summaryJSON)
    }
}
