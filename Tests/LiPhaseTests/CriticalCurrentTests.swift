import Foundation
import LiPhase
import LiPhaseIO
import XCTest

/// The CCD protocol (MODEL.md §8) and the parameter studies of `liphase sweep`.
final class CriticalCurrentTests: XCTestCase {
    private func records(_ count: Int, completed: Int, contacts: [Int: Double] = [:]) -> [RampStepRecord] {
        (0..<count).map { step in
            var record = RampStepRecord(step: step, currentDensity: 0.1 * Double(step + 1))
            record.stripCompleted = step < completed || step == completed
            record.plateCompleted = step < completed
            record.lowestStrippingContact = contacts[step] ?? 0.9
            return record
        }
    }

    func testBracketOnSyntheticFailure() throws {
        // Five steps; the fifth fails while plating after its strip completed; the third strip
        // took the contact below f_crit.
        let steps = records(5, completed: 4, contacts: [2: 0.4, 3: 0.3])
        let short = RampFailure(step: 4, mode: TerminalEvent.Kind.penetrationShort.rawValue, duringStripping: false, time: 9000, location: [30, 12], message: "")
        let result = CriticalCurrentBracket.evaluate(steps: steps, failure: short, criticalContact: 0.5)
        XCTAssertEqual(try XCTUnwrap(result.lastPassed), 0.4, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(result.firstFailed), 0.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(result.criticalStripping), 0.3, accuracy: 1e-12)

        // A failure in the first step leaves nothing passed.
        let early = RampFailure(step: 0, mode: TerminalEvent.Kind.voltageLimit.rawValue, duringStripping: true, time: 10, location: nil, message: "")
        let first = CriticalCurrentBracket.evaluate(steps: records(1, completed: 0), failure: early, criticalContact: 0.5)
        XCTAssertNil(first.lastPassed)
        XCTAssertEqual(try XCTUnwrap(first.firstFailed), 0.1, accuracy: 1e-12)
        XCTAssertNil(first.criticalStripping, "a voltage-limit stop is not a stripping-contact limit")

        // Contact loss while stripping is the critical stripping current when f stayed above f_crit before.
        let loss = RampFailure(step: 2, mode: TerminalEvent.Kind.contactLoss.rawValue, duringStripping: true, time: 10, location: nil, message: "")
        let stripping = CriticalCurrentBracket.evaluate(steps: records(3, completed: 2), failure: loss, criticalContact: 0.5)
        XCTAssertEqual(try XCTUnwrap(stripping.lastPassed), 0.2, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(stripping.criticalStripping), 0.3, accuracy: 1e-12)

        // No failure: the last completed step passed, an unfinished one does not count.
        let none = CriticalCurrentBracket.evaluate(steps: records(4, completed: 3), failure: nil, criticalContact: 0.5)
        XCTAssertEqual(try XCTUnwrap(none.lastPassed), 0.3, accuracy: 1e-12)
        XCTAssertNil(none.firstFailed)
    }

    func testRampScheduleLandsOnItsBoundaries() {
        let ramp = CurrentRamp(start: 1, increment: 1, maximum: 20, stripTime: 900, plateTime: 600, stripsFirst: true)
        // 0.1 to 2.0 mA/cm² in steps of 0.1: 20 steps despite 1.9/0.1 not being exact in binary.
        XCTAssertEqual(ramp.stepCount, 20)
        XCTAssertEqual(ramp.duration, 20 * 1500)
        XCTAssertEqual(ramp.currentDensity(at: 0), -1)
        XCTAssertEqual(ramp.currentDensity(at: 899), -1)
        XCTAssertEqual(ramp.currentDensity(at: 900), 1)
        XCTAssertEqual(ramp.currentDensity(at: 1500 * (1 - 1e-15)), -2, "a time an ulp below a boundary belongs to the next half-cycle")
        let stage = ramp.stage(at: 3 * 1500 + 1000)
        XCTAssertEqual(stage, CurrentRamp.Stage(step: 3, stripping: false, start: 3 * 1500 + 900, end: 4 * 1500))
        let platesFirst = CurrentRamp(start: 1, increment: 1, maximum: 3, stripTime: 900, plateTime: 600, stripsFirst: false)
        XCTAssertEqual(platesFirst.currentDensity(at: 100), 1)
        XCTAssertEqual(platesFirst.currentDensity(at: 700), -1)
        XCTAssertEqual(platesFirst.stage(at: 700).end, 1500)
    }

    // MARK: Study files

    private func writeStudy(_ text: String, base: String = CriticalCurrentTests.tinyDeck, name: String) throws -> String {
        let directory = scratchDirectory(name)
        try base.write(toFile: (directory as NSString).appendingPathComponent("base.yaml"), atomically: true, encoding: .utf8)
        let path = (directory as NSString).appendingPathComponent("study.yaml")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func problems(_ text: String, name: String) throws -> [DeckIssue] {
        let path = try writeStudy(text, name: name)
        do {
            _ = try StudyFile.load(path: path, interlayerNames: ["bare_clean", "bare_li2co3"])
            return []
        } catch let errors as DeckErrors {
            return errors.issues
        }
    }

    func testStudyParserCombinesVariations() throws {
        let path = try writeStudy("""
        study: grid
        base: base.yaml
        set: {temperature: 50}
        vary:
          interlayer.name: all
          contact.stack_pressure: {from: 0 MPa, to: 2 MPa, count: 3}
        """, name: "study-product")
        let study = try StudyFile.load(path: path, interlayerNames: ["bare_clean", "bare_li2co3"])
        XCTAssertEqual(study.cases.count, 6)
        XCTAssertEqual(study.cases[4].values.map(\.value), ["bare_li2co3", "1 MPa"])
        XCTAssertEqual(study.outputDirectory, "runs/studies/grid")
        let deck = try DeckParser.parse(text: try study.deckText(for: study.cases[5], outputDirectory: "out/case"), fileName: "case")
        let configuration = try RunConfiguration(deck: deck)
        XCTAssertEqual(configuration.temperature, 323.15, accuracy: 1e-9)
        XCTAssertEqual(configuration.outputDirectory, "out/case")
        XCTAssertEqual(try XCTUnwrap(configuration.electrodeposition).contact.stackPressure, 2e6, accuracy: 1e-6)

        let zipped = try writeStudy("""
        study: zipped
        base: base.yaml
        combine: zip
        vary:
          temperature: [25, 60]
          electrolyte.grain_boundary_electronic_conductivity: {from: 1e-8 S/cm, to: 1e-4 S/cm, count: 2, scale: log}
        """, name: "study-zip")
        let pairs = try StudyFile.load(path: zipped, interlayerNames: [])
        XCTAssertEqual(pairs.cases.map { $0.values.map(\.value) }, [["25", "1e-08 S/cm"], ["60", "0.0001 S/cm"]])

        // A list key (the resolution study's grid.cells) varies as whole lists.
        let refined = try StudyFile.load(path: try writeStudy("study: dx\nbase: base.yaml\nvary: {grid.cells: [[32, 16], [64, 32]]}\n", name: "study-list"), interlayerNames: [])
        XCTAssertEqual(refined.cases.map { $0.values.map(\.value) }, [["[32, 16]"], ["[64, 32]"]])
        let fine = try RunConfiguration(deck: try DeckParser.parse(text: try refined.deckText(for: refined.cases[1], outputDirectory: "out/fine"), fileName: "fine"))
        XCTAssertEqual([fine.cells.x, fine.cells.y], [64, 32])
        XCTAssertEqual(fine.spacing[0], 0.25e-6, accuracy: 1e-18)
        let tooDeep = try problems("study: deep\nbase: base.yaml\nvary: {grid.cells: [[[32, 16]]]}\n", name: "study-deep")
        XCTAssertTrue(tooDeep.contains { $0.path == "vary.grid.cells" && $0.message.contains("deeper nesting") }, "\(tooDeep)")
    }

    func testStudyParserNamesEveryProblem() throws {
        let issues = try problems("""
        study: bad
        base: base.yaml
        combin: zip
        vary:
          temperature: {from: 25 C, to: 100 K, count: 4}
          contact.stack_pressure: {from: 0, to: 5, count: 1}
          interlayer.name: every
        """, name: "study-bad")
        let text = issues.map(\.description).joined(separator: "\n")
        XCTAssertTrue(text.contains("combin") && text.contains("did you mean 'combine'"), text)
        XCTAssertTrue(text.contains("vary.temperature.to") && text.contains("unit 'K'"), text)
        XCTAssertTrue(text.contains("vary.contact.stack_pressure.count") && text.contains("2 to 10000"), text)
        XCTAssertTrue(text.contains("vary.interlayer.name") && text.contains("'every'"), text)

        let zip = try problems("study: z\nbase: base.yaml\ncombine: zip\nvary: {temperature: [25, 50], contact.stack_pressure: [0, 1, 2]}\n", name: "study-zip-bad")
        XCTAssertTrue(zip.contains { $0.path == "combine" && $0.message.contains("temperature: 2") && $0.message.contains("contact.stack_pressure: 3") }, "\(zip)")

        let missing = try problems("study: m\nbase: nowhere.yaml\nvary: {temperature: [25]}\n", name: "study-missing")
        XCTAssertTrue(missing.contains { $0.path == "base" && $0.message.contains("nowhere.yaml") }, "\(missing)")

        // A value every case parses but the deck rules refuse is reported with its case, before anything runs.
        let path = try writeStudy("study: r\nbase: base.yaml\nvary: {temperature: [25, 900]}\n", name: "study-range")
        let study = try StudyFile.load(path: path, interlayerNames: [])
        do {
            _ = try StudyRun(study: study, world: testWorld, sink: nil).checkDecks()
            XCTFail("a temperature of 900 °C must be refused")
        } catch let errors as DeckErrors {
            XCTAssertTrue(errors.issues.contains { $0.file.contains("case 1") && $0.path == "temperature" }, "\(errors)")
        }
    }

    // MARK: Sweeps

    /// Two current steps on 32 × 16 cells: seconds per case.
    static let tinyDeck = """
    model: electrodeposition
    grid: {cells: [32, 16], size: [16 um, 8 um]}
    cell: {anode_thickness: 4 um}
    protocol: {mode: ccd_ramp, start_current: 0.5 mA/cm2, current_step: 0.5 mA/cm2, max_current: 1 mA/cm2, strip_time: 2 min, plate_time: 2 min, first: strip}
    time: {end: 1 h}
    output: {directory: unused, every_time: 1 h}
    """

    func testSweepIsolatesAFailingCaseAndResumes() throws {
        let path = try writeStudy("""
        study: resume
        base: base.yaml
        vary:
          solver.max_newton_iterations: [50, 1, 40]
        """, name: "study-resume")
        var study = try StudyFile.load(path: path, interlayerNames: [])
        let output = ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("out")
        study = try StudyFile.parse(text: study.text + "\noutput: \(output)\n", path: path, interlayerNames: [])
        let sweep = try StudyRun(study: study, world: testWorld, sink: nil)
        let first = try sweep.run()
        XCTAssertEqual(first.ran, 3)
        XCTAssertEqual(first.failed, 1, "one Newton iteration cannot solve the first step")
        let results = try study.cases.map { item -> StudyCaseResult in
            let data = try Data(contentsOf: URL(fileURLWithPath: (sweep.caseDirectory(item) as NSString).appendingPathComponent("result.json")))
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(StudyCaseResult.self, from: data)
        }
        XCTAssertEqual(results.map(\.status), ["completed", "failed", "completed"])
        XCTAssertTrue(results[1].error?.contains("did not converge") ?? false, results[1].error ?? "")
        // The cases that ran are the same cell under the same ramp: the same bracket.
        XCTAssertEqual(results[0].criticalCurrent?.steps.count, 2)
        XCTAssertEqual(results[0].criticalCurrent?.lastPassed, results[2].criticalCurrent?.lastPassed)
        let csv = try String(contentsOfFile: sweep.summaryCSV, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 4)
        XCTAssertTrue(csv[2].contains("failed") && csv[2].contains("did not converge"), String(csv[2]))
        let summary = try String(contentsOfFile: sweep.summaryJSON, encoding: .utf8)
        XCTAssertTrue(summary.contains("\"liphase_version\"") && summary.contains("max_newton_iterations"), "the study and version are embedded")

        // As after a kill during case 3: its result is gone, the others stay and are not redone.
        let third = (sweep.caseDirectory(study.cases[2]) as NSString).appendingPathComponent("result.json")
        let kept = (sweep.caseDirectory(study.cases[0]) as NSString).appendingPathComponent("result.json")
        let before = try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as? Date
        try FileManager.default.removeItem(atPath: third)
        let second = try StudyRun(study: study, world: testWorld, sink: nil).run()
        XCTAssertEqual(second.ran, 1)
        XCTAssertEqual(second.skipped, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: third))
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: kept)[.modificationDate] as? Date, before)
        // Retrying the failed case is asked for explicitly.
        let retry = try StudyRun(study: study, world: testWorld, sink: nil)
        retry.retryFailed = true
        XCTAssertEqual(try retry.run().ran, 1)
    }
}
