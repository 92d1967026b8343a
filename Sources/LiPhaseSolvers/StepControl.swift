/// Chooses each explicit time step: a safety fraction of the stability limit, capped by the
/// user's maximum, and shortened to land exactly on the next output time or the end.
public struct StepControl: Sendable, Equatable {
    /// Fraction of the stability limit actually used, in (0, 1].
    public var safety: Double
    public var maximumStep: Double
    /// Below this the run is considered stalled (a sign of blow-up or a bad deck).
    public var minimumStep: Double

    public init(safety: Double, maximumStep: Double, minimumStep: Double) {
        self.safety = safety
        self.maximumStep = maximumStep
        self.minimumStep = minimumStep
    }

    public struct Step: Equatable, Sendable {
        public let dt: Double
        /// True when this step ends exactly on `nextStop`.
        public let reachesStop: Bool
    }

    /// - Parameters:
    ///   - stableStep: the model's stability limit for the current state.
    ///   - time: the current time.
    ///   - nextStop: the next time that must be hit exactly (output or end).
    public func next(stableStep: Double, time: Double, nextStop: Double) -> Step {
        let dt = Swift.min(safety * stableStep, maximumStep)
        let remaining = nextStop - time
        // A step within a part in 10⁹ of the stop would leave a sliver; take the stop instead.
        if dt >= remaining * (1 - 1e-9) { return Step(dt: remaining, reachesStop: true) }
        return Step(dt: dt, reachesStop: false)
    }
}
