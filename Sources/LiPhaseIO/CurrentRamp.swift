/// Which period of length `length` the time `time` ≥ 0 lies in. A time within 10⁻⁹ (relative)
/// below a boundary counts as the boundary: steps land on boundaries with a rounding error, and
/// the same boundary must not be asked for twice. Clamped so that no deck (a tiny period, a long
/// run) can overflow the integer.
public func periodIndex(of time: Double, length: Double) -> Int {
    let ratio = Swift.max(0, time) / length, nearest = ratio.rounded()
    let whole = abs(ratio - nearest) <= 1e-9 * Swift.max(1, nearest) ? nearest : ratio.rounded(.down)
    return whole.isFinite ? Int(Swift.min(whole, Double(Int32.max))) : Int(Int32.max)
}

/// The critical-current step ramp of MODEL.md §8: current steps J₀, J₀ + ΔJ, … up to J_max, each
/// a stripping and a plating half-cycle of given durations, in a configurable order.
public struct CurrentRamp: Sendable, Equatable {
    /// Current densities in A/m², durations in s.
    public var start: Double
    public var increment: Double
    public var maximum: Double
    public var stripTime: Double
    public var plateTime: Double
    public var stripsFirst: Bool

    /// More steps than this is a mistake in the deck (and would never finish).
    public static let maximumSteps = 10_000

    public init(start: Double, increment: Double, maximum: Double, stripTime: Double, plateTime: Double, stripsFirst: Bool) {
        self.start = start
        self.increment = increment
        self.maximum = maximum
        self.stripTime = stripTime
        self.plateTime = plateTime
        self.stripsFirst = stripsFirst
    }

    /// Steps from J₀ to J_max inclusive (J_max itself counts when it is J₀ + n·ΔJ to 10⁻⁹).
    public var stepCount: Int {
        let span = (maximum - start) / increment
        guard span.isFinite, span >= 0 else { return 1 }
        return Int(Swift.min(span + 1e-9, Double(Self.maximumSteps + 1)).rounded(.down)) + 1
    }

    public var period: Double { stripTime + plateTime }
    public var duration: Double { Double(stepCount) * period }

    /// J of step n (A/m², positive).
    public func current(step n: Int) -> Double { start + Double(n) * increment }

    /// One half-cycle of the ramp.
    public struct Stage: Sendable, Equatable {
        public var step: Int
        public var stripping: Bool
        public var start: Double
        public var end: Double

        public init(step: Int, stripping: Bool, start: Double, end: Double) {
            self.step = step
            self.stripping = stripping
            self.start = start
            self.end = end
        }
    }

    /// The half-cycle that `time` lies in (boundaries as `periodIndex`).
    public func stage(at time: Double) -> Stage {
        let step = periodIndex(of: time, length: period)
        let first = stripsFirst ? stripTime : plateTime
        let base = Double(step) * period
        let rest = Swift.max(0, time) - base
        let inFirst = rest < first * (1 - 1e-9)
        let stripping = inFirst == stripsFirst
        return inFirst ? Stage(step: step, stripping: stripping, start: base, end: base + first)
                       : Stage(step: step, stripping: stripping, start: base + first, end: base + period)
    }

    /// The applied current density at `time`: positive plates at the anode, negative strips.
    public func currentDensity(at time: Double) -> Double {
        let now = stage(at: time)
        let magnitude = current(step: now.step)
        return now.stripping ? -magnitude : magnitude
    }
}
