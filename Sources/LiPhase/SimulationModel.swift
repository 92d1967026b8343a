import LiPhaseGrid

/// The equations a run advances. The driver owns time, output and checkpoints; a model owns
/// its fields and how one step changes them.
public protocol SimulationModel: AnyObject {
    var grid: DistributedGrid { get }
    /// Fields that make up the state: written to checkpoints (and to field output).
    var stateFields: [Field] { get }
    /// Solver warm starts carried from step to step. They change no answer beyond the solver's
    /// tolerance, but a restart repeats the uninterrupted run bit for bit only with them, so
    /// checkpoints hold them; a checkpoint without them (an older file) starts them from zero.
    var warmStartFields: [Field] { get }
    /// Fields written to the field files: the state plus derived fields worth looking at.
    var outputFields: [Field] { get }
    /// Scalars besides the fields that a restart needs (accumulated charge, reference inventory…).
    var scalarState: [String: Double] { get }
    /// Names of the model's scalar diagnostics, in time-series column order.
    var diagnosticNames: [String] { get }

    /// Sets the initial condition at `time`.
    func initialize(time: Double) throws
    /// Recomputes cached quantities after the state fields and scalars were loaded from a checkpoint.
    func stateDidLoad(time: Double, scalars: [String: Double]) throws
    /// The largest stable Δt for the state at `time`, identical on every rank. A model with
    /// quasi-static fields (potentials) solves them here; `advance` then uses them.
    func stableTimeStep(time: Double) throws -> Double
    /// The next time after `time` that a step must land on exactly (a protocol change), if any.
    func nextStop(after time: Double) -> Double?
    /// Advances the state from `time` to `time + dt`.
    func advance(time: Double, dt: Double) throws
    /// Scalar diagnostics at `time`, identical on every rank (collective).
    func diagnostics(time: Double) -> [Double]
    /// Wall time per phase of the step on this rank since the last reset.
    var phaseTimes: PhaseTimes { get set }
}

/// A model's physical end of the run (a short circuit), thrown from `stableTimeStep` when the
/// state at the start of a step holds it; the driver ends the run as after the last step.
public struct TerminalEvent: Error, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case penetrationShort = "penetration short"
        case nucleationShort = "internal-nucleation short"
        case voltageCollapse = "short (voltage collapse)"
        case exhaustion = "Li exhaustion"
        case contactLoss = "contact loss"
        case voltageLimit = "voltage limit"
    }
    public let description: String
    public let kind: Kind?
    /// Where it happened (m, one coordinate per dimension), when it has a place.
    public let location: [Double]?
    public init(_ description: String, kind: Kind? = nil, location: [Double]? = nil) {
        self.description = description
        self.kind = kind
        self.location = location
    }
}

/// A state that can no longer be trusted; the run stops with exit code 3.
public struct NumericalFailure: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension SimulationModel {
    public var outputFields: [Field] { stateFields }
    public var warmStartFields: [Field] { [] }
    public var scalarState: [String: Double] { [:] }
    public func nextStop(after time: Double) -> Double? { nil }
}
