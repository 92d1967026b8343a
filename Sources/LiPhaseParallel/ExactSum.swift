import CMPI

/// An exact sum of doubles whose result does not depend on the order of the additions, so
/// rank counts and reduction trees cannot change it.
///
/// Every finite double is m·2^e with a 53-bit integer m and −1074 ≤ e ≤ 971, so all of them are
/// integer multiples of 2^−1074 below 2^1024. The accumulator holds that fixed-point number in
/// 32-bit digits stored in Int64 words; the spare 31 bits absorb carries, so 2^30 additions can
/// pass between normalisations, and a sum over ranks adds words as integers (exact, in any order).
public struct ExactAccumulator: Equatable, Sendable {
    static let digitCount = 67          // 67·32 = 2144 bits ≥ 2098 needed, plus headroom
    static let digitBits: Int64 = 32
    public private(set) var digits = [Int64](repeating: 0, count: digitCount)
    private var pending = 0
    /// Infinity or NaN poisons the sum; it is reported rather than silently wrapped.
    public private(set) var nonFinite = false

    public init() {}

    public mutating func add(_ x: Double) {
        guard x != 0 else { return }
        guard x.isFinite else { nonFinite = true; return }
        let bits = x.bitPattern
        let biasedExponent = Int((bits >> 52) & 0x7FF)
        var mantissa = bits & 0x000F_FFFF_FFFF_FFFF
        var shift: Int
        if biasedExponent == 0 {
            shift = 0                     // subnormal: m·2^−1074
        } else {
            mantissa |= 1 << 52
            shift = biasedExponent - 1    // m·2^(biased − 1075) = m·2^−1074 · 2^(biased − 1)
        }
        let word = shift / 32, offset = UInt64(shift % 32)
        // m < 2^53 shifted by < 32 fits in 85 bits: spread it over three digits.
        let low = mantissa << offset
        let high = offset == 0 ? 0 : mantissa >> (64 - offset)
        let d0 = Int64(low & 0xFFFF_FFFF), d1 = Int64(low >> 32), d2 = Int64(high)
        if x < 0 {
            digits[word] -= d0; digits[word + 1] -= d1; digits[word + 2] -= d2
        } else {
            digits[word] += d0; digits[word + 1] += d1; digits[word + 2] += d2
        }
        pending += 1
        if pending >= 1 << 30 { normalise() }
    }

    public mutating func add(_ other: ExactAccumulator) {
        normalise()
        var o = other
        o.normalise()
        for i in 0..<Self.digitCount { digits[i] += o.digits[i] }
        nonFinite = nonFinite || o.nonFinite
        normalise()
    }

    /// Carries so every digit but the top lies in [0, 2^32); the value is unchanged.
    public mutating func normalise() {
        for i in 0..<(Self.digitCount - 1) {
            let carry = digits[i] >> Self.digitBits          // arithmetic shift: floor division
            digits[i] -= carry << Self.digitBits
            digits[i + 1] += carry
        }
        pending = 0
    }

    /// The sum rounded to a double (deterministic; within an ulp of the exact value).
    public var value: Double {
        guard !nonFinite else { return .nan }
        var copy = self
        copy.normalise()
        // Sign-magnitude: a negative total is summed as the negation of its complement.
        let negative = copy.digits[Self.digitCount - 1] < 0
        if negative {
            for i in 0..<Self.digitCount { copy.digits[i] = -copy.digits[i] }
            copy.normalise()
        }
        var result = 0.0
        for i in stride(from: Self.digitCount - 1, through: 0, by: -1) where copy.digits[i] != 0 {
            result += Double(copy.digits[i]) * Self.scale(i)
        }
        return negative ? -result : result
    }

    /// 2^(32·i − 1074), built by exact power-of-two scaling.
    static func scale(_ i: Int) -> Double {
        Double(sign: .plus, exponent: 32 * i - 1074, significand: 1)
    }
}

extension Communicator {
    /// The exact global sum of every rank's accumulator, identical on all ranks.
    public func sum(_ accumulator: ExactAccumulator) -> Double {
        var local = accumulator
        local.normalise()
        var words = local.digits + [local.nonFinite ? 1 : 0]
        var total = [Int64](repeating: 0, count: words.count)
        MPI_Allreduce(&words, &total, Int32(words.count), liphase_mpi_int64(), liphase_mpi_sum(), handle)
        var result = ExactAccumulator()
        result.setDigits(Array(total.prefix(ExactAccumulator.digitCount)), nonFinite: total[ExactAccumulator.digitCount] != 0)
        return result.value
    }
}

extension ExactAccumulator {
    mutating func setDigits(_ values: [Int64], nonFinite flag: Bool) {
        digits = values
        nonFinite = flag
        normalise()
    }
}
