import LiPhaseParallel

/// Wall time per named phase of the step, summed over a run on this rank: the step's own
/// profile, at the granularity of its phases (AMReX's TinyProfiler idea). The benchmark harness
/// reads it; it costs two clock reads per phase.
public struct PhaseTimes: Sendable {
    public private(set) var names: [String] = []
    public private(set) var seconds: [Double] = []

    public init() {}

    /// Runs `body` and adds its wall time to `name`.
    @inline(__always)
    public mutating func measure<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        let start = MPIEnvironment.wallTime()
        defer { add(name, MPIEnvironment.wallTime() - start) }
        return try body()
    }

    public mutating func add(_ name: String, _ elapsed: Double) {
        if let index = names.firstIndex(of: name) {
            seconds[index] += elapsed
        } else {
            names.append(name)
            seconds.append(elapsed)
        }
    }

    public mutating func reset() { self = PhaseTimes() }
}
