import Foundation
import LiPhase
import XCTest
@testable import LiPhaseIO

/// Parses and interprets a deck; returns every issue's text, or [] if the deck is valid.
private func problems(_ text: String, file: String = "bad.yaml") -> [String] {
    do { _ = try RunConfiguration(deck: DeckParser.parse(text: text, fileName: file)); return [] }
    catch let errors as DeckErrors { return errors.issues.map(\.description) }
    catch { return ["unexpected error type: \(error)"] }
}

/// Each test feeds one bad deck and pins the exact text a user sees (`liphase validate` prints the
/// same lines after its "DECK: N problem(s)" header). Issues come in file order; those without a
/// line (missing required keys) come last.
final class BadDeckTests: XCTestCase {

    // MARK: Unknown and misplaced keys

    func testUnknownTopLevelKeySuggestsNearestKey() {
        let deck = """
            model: pfhub_7a
            temprature: 25
            grid:
              cells: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: temprature: unknown key; did you mean 'temperature'?"])
    }

    func testUnknownKeyInSectionSuggestsNearestKey() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
              dimension: 2
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:4: grid.dimension: unknown key; did you mean 'grid.dimensions'?"])
    }

    /// The misplaced key is one message: grid.cells is not also reported as missing.
    func testRightKeyInWrongSectionPointsToItsSection() {
        let deck = """
            model: pfhub_7a
            cells: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: cells: belongs in the 'grid' section (grid.cells)"])
    }

    func testTopLevelKeyInsideSectionPointsToTopLevel() {
        let deck = """
            grid:
              cells: [128, 64]
              model: pfhub_7a
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:3: grid.model: belongs at the top level (model), not inside 'grid'"])
    }

    func testUnknownKeyWithoutCloseMatchListsAllowedKeys() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
              banana: 3
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:6: time.banana: unknown key; allowed in 'time': dt_safety, end, max_dt, max_steps, min_dt"])
    }

    /// An empty key name gets its own message rather than a bare 'unknown key' with no key.
    func testEmptyKeyListsAllowedTopLevelKeys() {
        let deck = """
            model: pfhub_7a
            "": 3
            grid:
              cells: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: a key has an empty name; allowed at the top level: cell, checkpoint, contact, electrochemistry, electrolyte, grid, interlayer, lithium, microstructure, model, nucleation, output, phase_field, protocol, short, solver, temperature, time"])
    }

    func testNonScalarKeyIsRejected() {
        let deck = """
            model: pfhub_7a
            [a, b]: 3
            grid:
              cells: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: keys must be plain names"])
    }

    // MARK: Dotted keys

    /// `grid.cells:` at the top level is refused with a hint, and grid.cells is not also reported as missing.
    func testDottedKeyIsRejected() {
        let deck = """
            model: pfhub_7a
            grid.cells: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: grid.cells: dotted keys are not accepted; write 'cells:' on an indented line inside the 'grid' section"])
    }

    /// A dotted key next to the section it names is refused, not silently merged with it or dropped.
    func testDottedKeyConflictingWithItsSectionIsRejected() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            grid.cells: [64, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:4: grid.cells: dotted keys are not accepted; write 'cells:' on an indented line inside the 'grid' section"])
    }

    func testDottedKeyOfUnknownSectionIsRejected() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
            solver.tolerance: 1e-6
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:6: solver.tolerance: dotted keys are not accepted; sections are written as indented blocks, not with dots"])
    }

    // MARK: Required keys and the model

    func testAllMissingRequiredKeysAreReportedTogether() {
        let deck = "temperature: 25\n"
        XCTAssertEqual(problems(deck), [
            "bad.yaml: model: required key is missing; expected one of 'pfhub_7a', 'electrodeposition'",
            "bad.yaml: grid.cells: required key is missing; expected a list of 2 to 3 integers; each 2 ≤ value ≤ 1048576",
            "bad.yaml: time.end: required key is missing; expected a time in s (or a string with one of s, ms, min, h); allowed 0 < value ≤ 1e+12 s",
        ])
    }

    func testWrongModelNameSuggestsKnownModel() {
        let deck = """
            model: pfhub7a
            grid:
              cells: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:1: model: unknown model 'pfhub7a'; did you mean 'pfhub_7a'?"])
    }

    func testUnrelatedModelNameListsKnownModels() {
        let deck = """
            model: cahn_hilliard
            grid:
              cells: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:1: model: unknown model 'cahn_hilliard'; expected one of 'pfhub_7a', 'electrodeposition'"])
    }

    // MARK: Numbers, ranges and units

    func testNegativeEndTime() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: -8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:5: time.end: -8 s is out of range; allowed 0 < value ≤ 1e+12 s"])
    }

    /// A temperature in kelvin is echoed with its value in °C, the unit the range is stated in.
    func testTimeWithUnitIsAcceptedWhileTemperatureInKelvinIsOutOfRange() {
        let deck = """
            model: pfhub_7a
            temperature: 700 K
            grid:
              cells: [128, 64]
            time:
              end: 2 h
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: temperature: 700 K (426.85 °C) is out of range; allowed -73.15 ≤ value ≤ 326.85 °C"])
    }

    func testAbsoluteZeroIsOutOfRange() {
        let deck = """
            model: pfhub_7a
            temperature: 0 K
            grid:
              cells: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: temperature: 0 K (-273.15 °C) is out of range; allowed -73.15 ≤ value ≤ 326.85 °C"])
    }

    func testUnknownUnitListsAcceptedUnits() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 5 kg
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:5: time.end: unknown unit 'kg' in '5 kg' for a time; use s, ms, min, h"])
    }

    func testRepeatedUnitIsAnUnknownUnit() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8 s s
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:5: time.end: unknown unit 's s' in '8 s s' for a time; use s, ms, min, h"])
    }

    func testUnitOnDimensionlessNumber() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
              dt_safety: 0.5 s
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:6: time.dt_safety: unknown unit 's' in '0.5 s' for a number; it takes a plain number"])
    }

    func testNonNumber() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: eight
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:5: time.end: 'eight' is not a number; expected a time in s (or a string with one of s, ms, min, h); allowed 0 < value ≤ 1e+12 s"])
    }

    func testNonFiniteNumber() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 1e400
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:5: time.end: '1e400' is not a finite number; expected a time in s (or a string with one of s, ms, min, h); allowed 0 < value ≤ 1e+12 s"])
    }

    func testYAMLInfinityIsNotANumber() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: .inf
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:5: time.end: '.inf' is not a number; expected a time in s (or a string with one of s, ms, min, h); allowed 0 < value ≤ 1e+12 s"])
    }

    /// A finite number that overflows only when converted to SI is 'too large', not 'not finite'.
    func testValueThatOverflowsOnUnitConversion() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 1e308 h
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:5: time.end: '1e308 h' is too large (it overflows when converted to SI); expected a time in s (or a string with one of s, ms, min, h); allowed 0 < value ≤ 1e+12 s"])
    }

    // MARK: Integers

    func testIntegerOutOfRange() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
            checkpoint:
              keep: 0
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:7: checkpoint.keep: 0 is out of range; allowed 1 ≤ value ≤ 1000"])
    }

    func testFractionalCellCount() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64.5]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:3: grid.cells[1]: '64.5' is not a whole number; expected each entry an integer, 2 ≤ value ≤ 1048576"])
    }

    func testCellCountBeyondIntRange() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [99999999999999999999, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:3: grid.cells[0]: 99999999999999999999 is out of range; allowed 2 ≤ value ≤ 1048576"])
    }

    func testHexadecimalCellCount() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [0x80, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:3: grid.cells[0]: '0x80' is not a decimal integer; expected each entry an integer, 2 ≤ value ≤ 1048576"])
    }

    /// A whole number written with an exponent is an integer: 1e6 steps is accepted.
    func testExponentNotationForIntegerKeyIsAccepted() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
              max_steps: 1e6
            """
        XCTAssertEqual(problems(deck), [])
    }

    func testFractionalExponentNotationForIntegerKey() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
              max_steps: 1.5e0
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:6: time.max_steps: '1.5e0' is not a whole number; expected an integer; allowed 1 ≤ value ≤ 1e+15"])
    }

    func testIntegerAboveItsRange() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
              max_steps: 2000000000000000
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:6: time.max_steps: 2000000000000000 is out of range; allowed 1 ≤ value ≤ 1e+15"])
    }

    // MARK: Shape of values

    func testListWhereScalarExpected() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: [8, 9]
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:5: time.end: got a list; expected a single value: a time in s (or a string with one of s, ms, min, h); allowed 0 < value ≤ 1e+12 s"])
    }

    func testMappingWhereScalarExpected() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end:
                value: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:6: time.end: got a mapping; expected a single value: a time in s (or a string with one of s, ms, min, h); allowed 0 < value ≤ 1e+12 s"])
    }

    func testScalarWhereListExpected() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: 128
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:3: grid.cells: got the single value '128'; expected a list of 2 to 3 integers; each 2 ≤ value ≤ 1048576, written [a, b] or [a, b, c]"])
    }

    func testListWithWrongCount() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64, 32, 16]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:3: grid.cells: has 4 entries; expected a list of 2 to 3 integers; each 2 ≤ value ≤ 1048576"])
    }

    func testNullListElement() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, ~]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:3: grid.cells[1]: has no value; expected each entry an integer, 2 ≤ value ≤ 1048576"])
    }

    func testNestedListElement() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, [64]]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:3: grid.cells[1]: expected a single value, not a nested list or mapping"])
    }

    func testKeyWithoutValue() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end:
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:5: time.end: has no value; expected a time in s (or a string with one of s, ms, min, h); allowed 0 < value ≤ 1e+12 s"])
    }

    /// The section is reported once; the keys it should hold are not also reported as missing.
    func testSectionGivenAScalar() {
        let deck = """
            model: pfhub_7a
            grid: 5
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: grid: is a section; write its keys on indented lines below it (e.g. '  cells: ...'), not '5'"])
    }

    func testSectionGivenAList() {
        let deck = """
            model: pfhub_7a
            grid: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: grid: is a section; write its keys on indented lines below it (e.g. '  cells: ...'), not a list"])
    }

    /// An empty section is one message; the keys it should hold are not also reported as missing.
    func testEmptySection() {
        let deck = """
            model: pfhub_7a
            grid:
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: grid: the section is empty; write its keys on indented lines below it, e.g. '  cells: ...'"])
    }

    func testOutputDirectoryWithNUL() {
        let deck = #"""
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
            output:
              directory: "a\0b"
            """#
        XCTAssertEqual(problems(deck), ["bad.yaml:7: output.directory: must not contain a NUL character"])
    }

    func testEmptyOutputDirectory() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
            output:
              directory: ""
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:7: output.directory: has no value; expected a string"])
    }

    // MARK: Checks across keys

    func testCellCountNotMatchingDimensions() {
        let deck = """
            model: pfhub_7a
            grid:
              dimensions: 2
              cells: [128, 64, 32]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:4: grid.cells: has 3 entries but grid.dimensions is 2; give one cell count per dimension"])
    }

    func testTransferCoefficientsNotSummingToOne() {
        let deck = """
            model: electrodeposition
            grid:
              cells: [128, 64]
              size: [64 um, 32 um]
            time:
              end: 8
            electrochemistry:
              alpha_anodic: 0.3
              alpha_cathodic: 0.6
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:9: electrochemistry.alpha_cathodic: alpha_anodic 0.3 + alpha_cathodic 0.6 = 0.9; they must add up to 1 (e.g. alpha_cathodic: 0.7)"])
    }

    func testAnodicCoefficientAloneNotSummingToOneWithDefault() {
        let deck = """
            model: electrodeposition
            grid:
              cells: [128, 64]
              size: [64 um, 32 um]
            time:
              end: 8
            electrochemistry:
              alpha_anodic: 0.7
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:8: electrochemistry.alpha_anodic: alpha_anodic 0.7 + alpha_cathodic 0.5 = 1.2; they must add up to 1 (e.g. alpha_cathodic: 0.3)"])
    }

    func testMinimumStepNotBelowMaximumStep() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
              max_dt: 1 ms
              min_dt: 0.01
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:7: time.min_dt: 0.01 s must be below time.max_dt = 0.001 s"])
    }

    /// With time.min_dt left at its default, the key the user wrote (time.max_dt) is blamed, on its line.
    func testMaximumStepNotAboveDefaultMinimumStep() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
              max_dt: 1e-12
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:6: time.max_dt: 1e-12 s must be above time.min_dt (default 1e-12 s); set time.min_dt below it as well"])
    }

    func testPFHub7aRejectsGridSize() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
              size: [1, 0.5]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:4: grid.size: pfhub_7a has the fixed domain [0,1]×[0,0.5]; remove grid.size"])
    }

    func testPFHub7aRejectsThreeDimensions() {
        let deck = """
            model: pfhub_7a
            grid:
              dimensions: 3
              cells: [128, 64, 32]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:3: grid.dimensions: pfhub_7a is a 2-D benchmark; set grid.dimensions: 2"])
    }

    func testHugeGridExceedsCellLimit() {
        let deck = """
            model: pfhub_7a
            grid:
              dimensions: 3
              cells: [1048576, 1048576, 1048576]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), [
            "bad.yaml:3: grid.dimensions: pfhub_7a is a 2-D benchmark; set grid.dimensions: 2",
            "bad.yaml:4: grid.cells: 1048576×1048576×1048576 = 1.15e+18 cells; the limit is 2^40 ≈ 1.1e12 cells",
        ])
    }

    /// A bad value elsewhere does not hide the checks across keys (here 3-D for pfhub_7a, and 2 cell counts
    /// for 3 dimensions); everything is reported in one pass, in file order.
    func testCrossKeyChecksRunAlongsideValueErrors() {
        let deck = """
            model: pfhub_7a
            temperature: 900
            grid:
              dimensions: 3
              cells: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), [
            "bad.yaml:2: temperature: 900 °C is out of range; allowed -73.15 ≤ value ≤ 326.85 °C",
            "bad.yaml:4: grid.dimensions: pfhub_7a is a 2-D benchmark; set grid.dimensions: 2",
            "bad.yaml:5: grid.cells: has 2 entries but grid.dimensions is 3; give one cell count per dimension",
        ])
    }

    /// A check that involves a rejected value is skipped: only the value itself is reported.
    func testElectrodepositionKeysAreRefusedForTheBenchmark() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
            protocol:
              current_density: 1 mA/cm2
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:7: protocol.current_density: is read only by model 'electrodeposition'; pfhub_7a has no 'protocol' section"])
    }

    func testElectrodepositionNeedsTheDomainSize() {
        let deck = """
            model: electrodeposition
            grid:
              cells: [128, 64]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: grid: model 'electrodeposition' needs grid.size (domain extent per axis, e.g. [50 um, 25 um])"])
    }

    func testElectrodepositionCellsMustBeSquare() {
        let deck = """
            model: electrodeposition
            grid:
              cells: [128, 64]
              size: [64 um, 64 um]
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:3: grid.cells: gives cells of 0.5 × 1 µm; cells must be square (cubic) to 1 %: adjust grid.cells or grid.size"])
    }

    func testAnodeThickerThanTheDomain() {
        let deck = """
            model: electrodeposition
            grid:
              cells: [64, 32]
              size: [32 um, 16 um]
            cell:
              anode_thickness: 40 um
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:6: cell.anode_thickness: 40 µm leaves no electrolyte in a domain 32 µm long; it must be smaller than grid.size[0]"])
    }

    func testCrossKeyCheckSkippedWhenItsOwnValueIsBad() {
        let deck = """
            model: electrodeposition
            grid:
              cells: [128, 64]
              size: [64 um, 32 um]
            time:
              end: 8
            electrochemistry:
              alpha_anodic: 1.5
              alpha_cathodic: 0.6
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:8: electrochemistry.alpha_anodic: 1.5 is out of range; allowed 0 < value < 1"])
    }

    // MARK: Duplicate keys

    /// Duplicate keys name both lines; the issue is placed on the second copy.
    func testDuplicateKey() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
              end: 9
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:6: time.end: the key is given more than once (lines 5 and 6); keep one (a duplicated key stops the check, so fix it first)"])
    }

    func testDuplicateSection() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
            grid:
              dimensions: 2
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:6: grid: the key is given more than once (lines 2 and 6); keep one (a duplicated key stops the check, so fix it first)"])
    }

    func testDuplicateKeyReportsTheLinesOfBothCopies() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
            time:
              end: 8
              max_dt: 0.1
              min_dt: 1e-9
              max_dt: 0.2
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:8: time.max_dt: the key is given more than once (lines 6 and 8); keep one (a duplicated key stops the check, so fix it first)"])
    }

    // MARK: YAML syntax

    func testBadIndentation() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64]
               dimensions: 2
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:4: YAML syntax error at column 4: did not find expected key (while parsing a block mapping at line 3, column 3)"])
    }

    func testUnclosedBracket() {
        let deck = """
            model: pfhub_7a
            grid:
              cells: [128, 64
            time:
              end: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:4: YAML syntax error at column 5: did not find expected ',' or ']' (while parsing a flow sequence at line 3, column 10)"])
    }

    func testTabIndentation() {
        let deck = "model: pfhub_7a\ngrid:\n\tcells: [128, 64]\ntime:\n  end: 8\n"
        XCTAssertEqual(problems(deck), ["bad.yaml:3: YAML syntax error at column 1: found character that cannot start any token (while scanning for the next token at line 3, column 1)"])
    }

    func testSeveralDocuments() {
        let deck = """
            model: pfhub_7a
            ---
            model: pfhub_7a
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:2: YAML syntax error at column 1: but found another document (expected a single document in the stream at line 1, column 1)"])
    }

    func testExcessiveNesting() {
        let depth = 5000
        let deck = "model: pfhub_7a\ngrid:\n  cells: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\ntime:\n  end: 8\n"
        XCTAssertEqual(problems(deck), ["bad.yaml:3: lists or sections are nested too deeply (LiPhase decks need only two levels)"])
    }

    // MARK: Empty decks and decks that are not a mapping

    func testEmptyDeck() {
        let deck = ""
        XCTAssertEqual(problems(deck), ["bad.yaml: the deck is empty; it needs at least 'model', 'grid.cells' and 'time.end'"])
    }

    func testDeckWithOnlyComments() {
        let deck = "# nothing here\n"
        XCTAssertEqual(problems(deck), ["bad.yaml: the deck is empty; it needs at least 'model', 'grid.cells' and 'time.end'"])
    }

    /// A deck that is not a mapping is one message, not one per missing key.
    func testDeckThatIsAList() {
        let deck = """
            - model: pfhub_7a
            - time: 8
            """
        XCTAssertEqual(problems(deck), ["bad.yaml:1: the deck must be a mapping of keys to values ('key: value' lines), starting with 'model:'"])
    }

    func testDeckThatIsAScalar() {
        let deck = "hello\n"
        XCTAssertEqual(problems(deck), ["bad.yaml:1: the deck must be a mapping of keys to values ('key: value' lines), starting with 'model:'"])
    }

    // MARK: Several problems at once

    /// Every problem is reported in one pass, in file order.
    func testSeveralProblemsAreAllReportedInOrder() {
        let deck = """
            model: pfhub_7b
            temperature: 1000
            grid:
              cells: [1, 64]
            time:
              end: 0
              dt_safty: 0.5
            """
        XCTAssertEqual(problems(deck), [
            "bad.yaml:1: model: unknown model 'pfhub_7b'; did you mean 'pfhub_7a'?",
            "bad.yaml:2: temperature: 1000 °C is out of range; allowed -73.15 ≤ value ≤ 326.85 °C",
            "bad.yaml:4: grid.cells[0]: 1 is out of range; allowed 2 ≤ value ≤ 1048576",
            "bad.yaml:6: time.end: 0 s is out of range; allowed 0 < value ≤ 1e+12 s",
            "bad.yaml:7: time.dt_safty: unknown key; did you mean 'time.dt_safety'?",
        ])
    }

    // MARK: Shipped decks

    func testEveryShippedDeckIsValid() throws {
        let root = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
        let inputs = root.appendingPathComponent("Inputs")
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(at: inputs, includingPropertiesForKeys: nil))
        var decks: [URL] = [], studies: [URL] = []
        let library = inputs.appendingPathComponent("interlayers.yaml").standardizedFileURL.path
        for case let url as URL in enumerator where url.pathExtension == "yaml" {
            // Inputs/interlayers.yaml is the interlayer library, not a deck (InterlayerLibraryTests).
            if url.standardizedFileURL.path == library { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            if text.contains("\nstudy:") || text.hasPrefix("study:") { studies.append(url) } else { decks.append(url) }
        }
        XCTAssertFalse(decks.isEmpty, "no decks found under \(inputs.path)")
        for url in decks.sorted(by: { $0.path < $1.path }) {
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertEqual(problems(text, file: url.lastPathComponent), [], url.path)
        }
        // Every shipped study, and the deck of every one of its cases, is valid.
        XCTAssertGreaterThanOrEqual(studies.count, 4, "the four studies of Inputs/studies")
        for url in studies {
            XCTAssertNoThrow(try StudyRun(study: StudyFile.load(path: url.path, interlayerNames: InterlayerLibrary.builtIn.map(\.key)), world: testWorld, sink: nil).checkDecks(), url.path)
        }
    }
}
