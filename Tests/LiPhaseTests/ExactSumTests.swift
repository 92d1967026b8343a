import XCTest
@testable import LiPhaseParallel

final class ExactSumTests: XCTestCase {
    func sum(_ values: [Double]) -> Double {
        var accumulator = ExactAccumulator()
        for v in values { accumulator.add(v) }
        return accumulator.value
    }

    func testCancellationThatDefeatsFloatingPointIsExact() {
        // In double arithmetic 1e100 + 1 − 1e100 = 0; the exact sum is 1.
        XCTAssertEqual(sum([1e100, 1, -1e100]), 1)
        XCTAssertEqual(sum([1e-300, 1e300, -1e300]), 1e-300)
        XCTAssertEqual(sum([.leastNonzeroMagnitude, .leastNonzeroMagnitude]), 2 * .leastNonzeroMagnitude)
        XCTAssertEqual(sum([.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 3.5]), 3.5)
        XCTAssertEqual(sum([-2.5, -0.25]), -2.75)
        XCTAssertEqual(sum([]), 0)
    }

    func testOrderDoesNotMatter() {
        var state: UInt64 = 7
        var values: [Double] = []
        for _ in 0..<5000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let exponent = Int(state >> 58) * 8 - 200          // magnitudes from 2^-200 to 2^304
            let mantissa = Double(state >> 11) / Double(1 << 53) - 0.5
            values.append(Double(sign: .plus, exponent: exponent, significand: 1) * mantissa)
        }
        let forward = sum(values), backward = sum(values.reversed()), sorted = sum(values.sorted())
        XCTAssertEqual(forward, backward)
        XCTAssertEqual(forward, sorted)
        // Merging partial accumulators (what ranks do) gives the same bits.
        var a = ExactAccumulator(), b = ExactAccumulator()
        for v in values.prefix(1234) { a.add(v) }
        for v in values.dropFirst(1234) { b.add(v) }
        a.add(b)
        XCTAssertEqual(a.value, forward)
    }

    func testNonFiniteIsReported() {
        XCTAssertTrue(sum([1, .infinity]).isNaN)
        XCTAssertTrue(sum([.nan]).isNaN)
    }

    func testGlobalSumOfOneRankEqualsLocalValue() {
        var a = ExactAccumulator()
        for v in [0.1, 0.2, 0.3] { a.add(v) }
        XCTAssertEqual(testWorld.sum(a), a.value)
        // 0.1 + 0.2 + 0.3 exactly, rounded once: 0.6000000000000000055…, i.e. the double 0.6.
        XCTAssertEqual(a.value, 0.6)
    }
}
