/// Random numbers as a pure function of (seed, global cell, step, stream): a cell draws the same
/// value whichever rank owns it and however the run was split or restarted, so noisy runs stay
/// decomposition-independent and restartable without storing generator state.
public enum CounterRandom {
    /// SplitMix64's finaliser: a bijective mixer with full avalanche.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    public static func bits(seed: UInt64, cell: UInt64, step: UInt64, stream: UInt64 = 0) -> UInt64 {
        mix(mix(mix(mix(seed) ^ stream) ^ cell) ^ step)
    }

    /// Uniform on [−1, 1).
    @inline(__always)
    public static func symmetric(seed: UInt64, cell: UInt64, step: UInt64, stream: UInt64 = 0) -> Double {
        Double(bits(seed: seed, cell: cell, step: step, stream: stream) >> 11) * 0x1p-52 - 1
    }
}
