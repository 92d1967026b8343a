import Foundation
import LiPhaseIO
import LiPhaseParallel

/// One current step of a CCD ramp as it happened.
public struct RampStepRecord: Codable, Equatable, Sendable {
    public var step: Int
    /// J of the step, mA/cm².
    public var currentDensity: Double
    public var stripCompleted = false
    public var plateCompleted = false
    /// Lowest contact fraction seen while stripping (nil: no stripping step yet).
    public var lowestStrippingContact: Double?
    /// Largest |V_cell| in the step, V.
    public var largestVoltage: Double?
    /// Deepest anode-connected Li at the end of plating, µm beyond the initial anode.
    public var penetrationDepth: Double?

    public init(step: Int, currentDensity: Double) {
        self.step = step
        self.currentDensity = currentDensity
    }

    public var completed: Bool { stripCompleted && plateCompleted }
}

/// How the ramp ended.
public struct RampFailure: Codable, Equatable, Sendable {
    public var step: Int
    /// TerminalEvent.Kind's name.
    public var mode: String
    public var duringStripping: Bool
    public var time: Double
    /// Position, µm (nil when the event has no place).
    public var location: [Double]?
    public var message: String

    public init(step: Int, mode: String, duringStripping: Bool, time: Double, location: [Double]?, message: String) {
        self.step = step
        self.mode = mode
        self.duringStripping = duringStripping
        self.time = time
        self.location = location
        self.message = message
    }
}

/// The answer of a CCD run (MODEL.md §8).
public struct CriticalCurrentResult: Codable, Equatable, Sendable {
    /// Last step completed without failure and first failed step, mA/cm² (nil: none).
    public var lastPassed: Double?
    public var firstFailed: Double?
    /// First step whose stripping half-cycle took the contact fraction below f_crit, mA/cm².
    public var criticalStrippingCurrent: Double?
    public var criticalContact: Double
    public var failure: RampFailure?
    /// Of the shorting Li, the share nucleation put inside the electrolyte.
    public var nucleatedShare: Double?
    /// The ramp reached J_max (true) or stopped at time.end with steps left (false), when no failure came.
    public var reachedMaximum: Bool
    public var fieldsAtEnd: String?
    public var steps: [RampStepRecord]

    /// "[a, b] mA/cm²" with open ends spelled out.
    public var bracket: String {
        let low = lastPassed.map { String(format: "%g", $0) } ?? "< first step"
        let high = firstFailed.map { String(format: "%g", $0) } ?? (reachedMaximum ? "> J_max" : "not reached")
        return "[\(low), \(high)] mA/cm²"
    }
}

/// The bracket logic, apart from any simulation so that it can be tested on synthetic records.
public enum CriticalCurrentBracket {
    /// CCD bracket [last passed, first failed] and the critical stripping current from the step
    /// records in ramp order and the failure (if any). A step passes when both of its
    /// half-cycles completed and it is not the failing step; a failed step ends the ramp.
    public static func evaluate(steps: [RampStepRecord], failure: RampFailure?, criticalContact: Double)
        -> (lastPassed: Double?, firstFailed: Double?, criticalStripping: Double?) {
        let failedStep = failure?.step
        let passed = steps.filter { record in record.completed && (failedStep.map { record.step < $0 } ?? true) }
        let lastPassed = passed.max { $0.step < $1.step }?.currentDensity
        let firstFailed = failedStep.flatMap { f in steps.first { $0.step == f }?.currentDensity }
        var criticalStripping = steps.first { ($0.lowestStrippingContact ?? 1) < criticalContact }?.currentDensity
        // Contact loss or exhaustion while stripping is the limit of stripping itself.
        if criticalStripping == nil, let failure, failure.duringStripping,
           failure.mode == TerminalEvent.Kind.contactLoss.rawValue || failure.mode == TerminalEvent.Kind.exhaustion.rawValue {
            criticalStripping = firstFailed
        }
        return (lastPassed, firstFailed, criticalStripping)
    }
}

/// `liphase ccd`: runs a deck with protocol.mode ccd_ramp and reports the CCD bracket, the
/// critical stripping current, the failure mode and place, a voltage-and-contact trace
/// (ccd_trace.csv) and the fields at failure; one progress line per current step.
public final class CriticalCurrentRun {
    public let simulation: Simulation
    private let ramp: CurrentRamp
    private let criticalContact: Double
    private let sink: ProgressSink?
    private var records: [RampStepRecord] = []
    private var trace: [String] = []
    private var currentStage: CurrentRamp.Stage?
    /// Start of the last model step: the step that produced the state a stop is found in.
    private var lastStepStart: Double?

    public var outputDirectory: String { simulation.outputDirectory }
    public var tracePath: String { (outputDirectory as NSString).appendingPathComponent("ccd_trace.csv") }
    public var resultPath: String { (outputDirectory as NSString).appendingPathComponent("ccd.json") }

    public init(configuration: RunConfiguration, world: Communicator, sink: ProgressSink?) throws {
        guard let settings = configuration.electrodeposition, settings.mode == .ccdRamp else {
            throw DeckErrors(issues: [configuration.deck.issue("protocol.mode", "liphase ccd needs protocol.mode: ccd_ramp (it is '\(configuration.deck.text("protocol.mode") ?? "galvanostatic")'), with protocol.start_current, current_step, max_current, strip_time and plate_time")])
        }
        ramp = settings.ramp
        criticalContact = settings.criticalContact
        self.sink = world.isRoot ? sink : nil
        simulation = try Simulation(configuration: configuration, world: world, restartPath: nil, sink: nil)
        trace = ["time_s,ramp_step,half_cycle,current_density_mA_cm2,cell_voltage_V,contact_fraction"]
    }

    private var model: ElectrodepositionModel? { simulation.model as? ElectrodepositionModel }

    /// Makes sure the records reach `step` (records[n] is step n).
    private func addRecords(through step: Int) {
        while records.count <= step { records.append(RampStepRecord(step: records.count, currentDensity: ramp.current(step: records.count) / 10)) }
    }

    /// After each model step: the state the step started from (its solve) is what it reports.
    private func observe(start: Double) {
        guard let model else { return }
        lastStepStart = start
        let stage = ramp.stage(at: start)
        advanceStage(to: stage)
        addRecords(through: stage.step)
        let index = stage.step
        let voltage = model.cellVoltage, contact = model.contactFraction
        records[index].largestVoltage = Swift.max(records[index].largestVoltage ?? 0, abs(voltage))
        if stage.stripping { records[index].lowestStrippingContact = Swift.min(records[index].lowestStrippingContact ?? 1, contact) }
        trace.append(String(format: "%.9g,%d,%@,%.9g,%.9g,%.9g", start, stage.step, stage.stripping ? "strip" : "plate", model.appliedCurrentDensity / 10, voltage, contact))
    }

    /// Marks the half-cycles before `stage` complete and reports each finished current step.
    private func advanceStage(to stage: CurrentRamp.Stage) {
        guard let previous = currentStage, previous != stage else {
            currentStage = stage
            return
        }
        addRecords(through: previous.step)
        let index = previous.step
        if previous.stripping { records[index].stripCompleted = true } else { records[index].plateCompleted = true }
        if !previous.stripping, let model { records[index].penetrationDepth = model.diagnosticValue("penetration_depth_um") }
        if records[index].completed { report(records[index], failed: nil) }
        currentStage = stage
        writeTrace()
    }

    private func report(_ record: RampStepRecord, failed: RampFailure?) {
        var line = String(format: "J = %-7g mA/cm²  strip: lowest f %.3f  plate: depth %@  max |V| %.4g V  ",
                          record.currentDensity, record.lowestStrippingContact ?? .nan, record.penetrationDepth.map { String(format: "%.2f µm", $0) } ?? "--",
                          record.largestVoltage ?? .nan)
        if let failed {
            line += "FAILED during \(failed.duringStripping ? "stripping" : "plating"): \(failed.mode)"
        } else {
            line += (record.lowestStrippingContact ?? 1) < criticalContact ? String(format: "passed (f < %g while stripping)", criticalContact) : "passed"
        }
        sink?.line(line)
    }

    private func writeTrace() {
        guard simulation.world.isRoot else { return }
        try? AtomicFile.write(trace.joined(separator: "\n") + "\n", to: tracePath)
    }

    /// Runs the ramp. Collective. Numerical failures propagate; a physical end is the answer.
    public func run() throws -> CriticalCurrentResult {
        simulation.stepObserver = { [unowned self] start in observe(start: start) }
        let outcome = try simulation.run()
        var failure: RampFailure?
        switch outcome {
        case let .ended(_, time, description):
            let event = simulation.terminalEvent
            // A short, contact loss or exhaustion is found at the start of a step in the state the
            // previous step made, which belongs to that step's half-cycle even when this step
            // starts the next one; the voltage limit belongs to the control at `time`.
            let fromPreviousStep = event?.kind != .voltageLimit && event?.kind != .voltageCollapse
            let stage = ramp.stage(at: fromPreviousStep ? (lastStepStart ?? time) : time)
            addRecords(through: stage.step)
            failure = RampFailure(step: stage.step, mode: event?.kind?.rawValue ?? "stopped", duringStripping: stage.stripping, time: time,
                                  location: event?.location.map { $0.map { $0 * 1e6 } }, message: description)
        case let .stoppedEarly(_, _, reason):
            throw CriticalCurrentInterrupted(reason: reason, checkpoint: simulation.lastCheckpointPath)
        case let .finished(_, time), let .reachedStepLimit(_, time):
            advanceStage(to: ramp.stage(at: time))
        }
        let bracket = CriticalCurrentBracket.evaluate(steps: records, failure: failure, criticalContact: criticalContact)
        if let failure, let index = records.firstIndex(where: { $0.step == failure.step }) { report(records[index], failed: failure) }
        let lastStep = ramp.stepCount - 1
        let result = CriticalCurrentResult(
            lastPassed: bracket.lastPassed, firstFailed: bracket.firstFailed, criticalStrippingCurrent: bracket.criticalStripping,
            criticalContact: criticalContact, failure: failure,
            nucleatedShare: failure.flatMap { $0.mode.hasSuffix("short") ? model?.lastShortNucleatedShare : nil },
            reachedMaximum: failure == nil && records.contains { $0.step == lastStep && $0.completed },
            fieldsAtEnd: simulation.progress.outputHistory.last.map { (outputDirectory as NSString).appendingPathComponent($0.file) },
            steps: records)
        if simulation.world.isRoot {
            writeTrace()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let data = try encoder.encode(result)
            try AtomicFile.write((String(data: data, encoding: .utf8) ?? "{}") + "\n", to: resultPath)
        }
        return result
    }
}

/// A CCD run stopped by a signal or the wall-time limit before it had an answer.
public struct CriticalCurrentInterrupted: Error, CustomStringConvertible {
    public let reason: String
    public let checkpoint: String?
    public var description: String { "the CCD ramp was stopped by \(reason) before it had an answer (checkpoint \(checkpoint ?? "none"))" }
}
