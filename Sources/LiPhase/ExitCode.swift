import LiPhaseIO
import LiPhaseParallel
import LiPhasePhysics
import LiPhaseSolvers

/// Exit codes of `liphase`, documented in the README and `liphase --help`.
public enum LiPhaseExitCode: Int32, CaseIterable, Sendable {
    case success = 0
    case internalError = 1
    case invalidInput = 2
    case numericalFailure = 3
    case ioFailure = 4
    case stoppedEarly = 5
    case usage = 64

    public var meaning: String {
        switch self {
        case .success: return "the run finished (time.end or time.max_steps reached), or the deck is valid"
        case .internalError: return "an unexpected internal error (please report it)"
        case .invalidInput: return "invalid deck, restart file or grid/rank combination; nothing was computed"
        case .numericalFailure: return "the solution blew up (NaN/Inf, Δt below time.min_dt) or a solver did not converge; see the message"
        case .ioFailure: return "output could not be written (directory, disk space, permissions)"
        case .stoppedEarly: return "stopped on SIGTERM/SIGUSR1 or --walltime after writing a checkpoint; continue with --restart"
        case .usage: return "bad command-line arguments"
        }
    }
}

extension LiPhaseExitCode {
    /// The documented code for an error that ended a run.
    public init(for error: Error) {
        switch error {
        case is NumericalFailure, is EllipticSolverError, is PotentialSolveFailure, is TransportStepTooLong: self = .numericalFailure
        case is DeckErrors, is DecompositionError, is PreflightError, is RestartError: self = .invalidInput
        case is HDF5Error: self = .ioFailure
        case is CriticalCurrentInterrupted: self = .stoppedEarly
        default: self = .internalError
        }
    }
}

/// A wall-clock duration for the command line: "HH:MM:SS", "MM:SS" or seconds; nil if malformed.
public func parseDuration(_ text: String) -> Double? {
    let fields = text.split(separator: ":", omittingEmptySubsequences: false)
    let parts = fields.compactMap { Double($0) }
    guard (1...3).contains(fields.count), parts.count == fields.count, parts.allSatisfy({ $0 >= 0 && $0.isFinite }) else { return nil }
    return parts.reduce(0.0) { $0 * 60 + $1 }
}
