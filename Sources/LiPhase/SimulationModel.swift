import LiPhaseGrid

/// The equations a run advances. The driver owns time, output and checkpoints; a model owns
/// its fields and how one step changes them.
public protocol SimulationModel: AnyObject {
    var grid: DistributedGrid { get }
    /// Fields that make up the state: written to field output and to checkpoints.
    var stateFields: [Field] { get }
    /// Names of the model's scalar diagnostics, in time-series column order.
    var diagnosticNames: [String] { get }

    /// Sets the initial condition at `time`.
    func initialize(time: Double) throws
    /// Recomputes cached quantities after the state fields were loaded from a checkpoint.
    func stateDidLoad(time: Double) throws
    /// The largest stable Δt for the current state, identical on every rank.
    func stableTimeStep() -> Double
    /// Advances the state from `time` to `time + dt`.
    func advance(time: Double, dt: Double) throws
    /// Scalar diagnostics at `time`, identical on every rank (collective).
    func diagnostics(time: Double) -> [Double]
}

/// A state that can no longer be trusted; the run stops with exit code 3.
public struct NumericalFailure: Error, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
