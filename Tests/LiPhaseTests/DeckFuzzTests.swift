import Foundation
import XCTest
@testable import LiPhase
@testable import LiPhaseIO

/// Seeded mutations of the shipped decks. Every mutant must either be accepted or rejected
/// with `DeckErrors`; a Swift runtime trap would end the test process.
final class DeckFuzzTests: XCTestCase {
    /// SplitMix64: a fixed seed gives the same mutants on every machine.
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static let replacements = ["-1", "0", "1e400", "-1e308", "nan", ".inf", "99999999999999999999", "[]", "[1, 2, 3, 4]",
                               "{a: 1}", "~", "\"\"", "2 h", "5 kg", "ü∂ß", "0x10", "1e-320", "true", "- x", "'", "[[[[1]]]]",
                               "1048576", "[1048576, 1048576]", "*anchor", "&a 3", "!!binary AAAA", "\t", "1_000"]

    func mutate(_ text: String, _ rng: inout SplitMix) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return text }
        let index = rng.below(lines.count)
        switch rng.below(8) {
        case 0: lines.remove(at: index)
        case 1: lines.insert(lines[index], at: index)
        case 2:
            if let colon = lines[index].firstIndex(of: ":") {
                lines[index] = String(lines[index][...colon]) + " " + Self.replacements[rng.below(Self.replacements.count)]
            }
        case 3: lines.insert("  unknown_\(rng.below(100)): 1", at: index)
        case 4:
            let bytes = Array(text.utf8)
            return String(decoding: bytes.prefix(rng.below(bytes.count)), as: UTF8.self)
        case 5: lines[index] = String(repeating: " ", count: rng.below(6)) + lines[index].trimmingCharacters(in: .whitespaces)
        case 6: lines[index] += " \u{0}\u{FEFF}é"
        default: lines.swapAt(index, rng.below(lines.count))
        }
        return lines.joined(separator: "\n")
    }

    func testMutatedDecksNeverTrap() throws {
        let inputs = (packageRoot as NSString).appendingPathComponent("Inputs")
        let enumerator = FileManager.default.enumerator(atPath: inputs)
        var decks: [String] = []
        while let name = enumerator?.nextObject() as? String {
            guard name.hasSuffix(".yaml") else { continue }
            decks.append(try String(contentsOfFile: (inputs as NSString).appendingPathComponent(name), encoding: .utf8))
        }
        XCTAssertFalse(decks.isEmpty)
        var rng = SplitMix(state: 20261122)
        var accepted = 0, rejected = 0, built = 0, refusedAtBuild = 0
        let scratch = scratchDirectory("fuzz-build")
        for _ in 0..<1000 {
            var text = decks[rng.below(decks.count)]
            for _ in 0...rng.below(3) { text = mutate(text, &rng) }
            do {
                let configuration = try RunConfiguration(deck: DeckParser.parse(text: text, fileName: "fuzz.yaml"))
                // Accepted decks must also pass or fail the memory pre-flight cleanly.
                do { try Simulation.checkMemory(configuration, ranks: 1) } catch is PreflightError {}
                accepted += 1
                // Small accepted decks are also built (model, microstructure, contact patches,
                // initial state): construction must not trap either. Any thrown error is clean.
                if configuration.cells.product <= 20_000 {
                    var relocated = configuration
                    relocated.outputDirectory = scratch
                    do { _ = try Simulation(configuration: relocated, world: testWorld); built += 1 } catch { refusedAtBuild += 1 }
                }
            } catch let errors as DeckErrors {
                XCTAssertFalse(errors.issues.isEmpty)
                for issue in errors.issues { XCTAssertFalse(issue.message.isEmpty) }
                rejected += 1
            } catch {
                XCTFail("unexpected error type \(type(of: error)): \(error)\n--- deck ---\n\(text)")
            }
        }
        print("deck fuzz: 1000 mutants, \(accepted) accepted (\(built) built, \(refusedAtBuild) refused while building), \(rejected) rejected")
        XCTAssertGreaterThan(built, 50)
        // Both outcomes must occur, or the mutations are not exercising the validator.
        XCTAssertGreaterThan(accepted, 50)
        XCTAssertGreaterThan(rejected, 300)
    }
}
