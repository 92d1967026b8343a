import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import LiPhase
@testable import LiPhaseIO
import LiPhaseParallel

final class HDF5Tests: XCTestCase {
    func testRoundTripOfFieldsAttributesAndText() throws {
        let path = (scratchDirectory("hdf5") as NSString).appendingPathComponent("round.h5")
        let cells = Index3(5, 4, 3)
        let box = Box(lower: Index3(0, 0, 0), size: cells)
        let values = (0..<cells.product).map { Double($0) * 0.1 - 1.7 }
        let file = try HDF5File.create(path: path, communicator: testWorld)
        try file.writeBlock("phi", values: values, global: cells, dimensions: 3, box: box, attributes: [("units", .text("V"))])
        try file.setAttribute("spacing", .doubles([1e-6, 2e-6, 3e-6]))
        try file.setAttribute("step", .integer(42))
        try file.setAttribute("title", .text("Li | LLZO, 25 °C"))
        try file.createGroup("/meta")
        try file.writeReplicated("/meta/deck", text: "model: pfhub_7a\n# ünïcode ✓\n")
        try file.writeReplicated("/meta/steps", values: [Int64(3), -7, 1 << 40])
        try file.close()

        let read = try HDF5File.open(path: path, communicator: testWorld)
        XCTAssertEqual(try read.readBlock("phi", global: cells, dimensions: 3, box: box), values)
        XCTAssertEqual(try read.datasetShape("phi"), [3, 4, 5])
        XCTAssertEqual(try read.attributeText("units", on: "phi"), "V")
        XCTAssertEqual(try read.attributeDoubles("spacing"), [1e-6, 2e-6, 3e-6])
        XCTAssertEqual(try read.attributeInteger("step"), 42)
        XCTAssertEqual(try read.attributeText("title"), "Li | LLZO, 25 °C")
        XCTAssertEqual(try read.readReplicatedText("/meta/deck"), "model: pfhub_7a\n# ünïcode ✓\n")
        XCTAssertEqual(try read.readReplicatedIntegers("/meta/steps"), [3, -7, 1 << 40])
        // A sub-block reads the matching part of the global array.
        let part = try read.readBlock("phi", global: cells, dimensions: 3, box: Box(lower: Index3(1, 2, 1), size: Index3(3, 2, 2)))
        XCTAssertEqual(part.first, values[1 + 5 * 2 + 20 * 1])
        XCTAssertEqual(part.last, values[3 + 5 * 3 + 20 * 2])
        try read.close()
    }

    func testWrongShapeMissingDatasetAndNonHDF5FilesGiveClearErrors() throws {
        let directory = scratchDirectory("hdf5-errors")
        let path = (directory as NSString).appendingPathComponent("shape.h5")
        let file = try HDF5File.create(path: path, communicator: testWorld)
        try file.writeBlock("eta", values: [1, 2, 3, 4, 5, 6], global: Index3(3, 2, 1), dimensions: 2, box: Box(lower: Index3(0, 0, 0), size: Index3(3, 2, 1)))
        try file.close()
        let read = try HDF5File.open(path: path, communicator: testWorld)
        XCTAssertThrowsError(try read.readBlock("eta", global: Index3(4, 2, 1), dimensions: 2, box: Box(lower: Index3(0, 0, 0), size: Index3(4, 2, 1)))) {
            XCTAssertEqual("\($0)", "dataset eta in \(path) has shape [2, 3] but the grid needs [2, 4] ([z,] y, x)")
        }
        XCTAssertThrowsError(try read.readBlock("xi", global: Index3(3, 2, 1), dimensions: 2, box: Box(lower: Index3(0, 0, 0), size: Index3(3, 2, 1)))) {
            XCTAssertEqual("\($0)", "\(path) has no dataset xi")
        }
        try read.close()

        let text = (directory as NSString).appendingPathComponent("text.h5")
        try "not hdf5".write(toFile: text, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try HDF5File.open(path: text, communicator: testWorld)) {
            XCTAssertEqual("\($0)", "\(text) is not an HDF5 file (or it is truncated or corrupted)")
        }
        // Truncating a real file must also give an error, not a crash.
        let truncated = (directory as NSString).appendingPathComponent("truncated.h5")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: truncated))
        XCTAssertThrowsError(try HDF5File.open(path: truncated, communicator: testWorld).readBlock(
            "eta", global: Index3(3, 2, 1), dimensions: 2, box: Box(lower: Index3(0, 0, 0), size: Index3(3, 2, 1))))
        XCTAssertThrowsError(try HDF5File.open(path: (directory as NSString).appendingPathComponent("absent.h5"), communicator: testWorld))
    }
}

/// Collects every HDF DataItem of an XDMF document, with its Dimensions, and the Time values.
private final class XDMFCollector: NSObject, XMLParserDelegate {
    var items: [(dimensions: String, reference: String)] = []
    var times: [Double] = []
    var topologies: [String] = []
    private var inHDFItem = false, currentDimensions = "", text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if name == "DataItem", attributes["Format"] == "HDF" { inHDFItem = true; currentDimensions = attributes["Dimensions"] ?? ""; text = "" }
        if name == "Time", let value = attributes["Value"].flatMap(Double.init) { times.append(value) }
        if name == "Topology" { topologies.append(attributes["Dimensions"] ?? "") }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { if inHDFItem { text += string } }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "DataItem", inHDFItem { items.append((currentDimensions, text.trimmingCharacters(in: .whitespacesAndNewlines))); inHDFItem = false }
    }
}

final class RunOutputTests: XCTestCase {
    func configuration(_ directory: String, extra: String = "") throws -> RunConfiguration {
        try RunConfiguration(deck: DeckParser.parse(text: """
        model: pfhub_7a
        grid:
          cells: [32, 16]
        time:
          end: 1
        output:
          directory: \(directory)
          every_time: 0.25
          timeseries_every_steps: 5
        \(extra)
        """, fileName: "run.yaml"))
    }

    func testXDMFIsValidAndEveryReferencedDatasetExists() throws {
        let directory = scratchDirectory("xdmf")
        let simulation = try Simulation(configuration: configuration(directory), world: testWorld)
        _ = try simulation.run()
        let xdmf = (directory as NSString).appendingPathComponent("fields.xdmf")
        let parser = try XCTUnwrap(XMLParser(contentsOf: URL(fileURLWithPath: xdmf)))
        let collector = XDMFCollector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), "fields.xdmf is not well-formed XML: \(String(describing: parser.parserError))")
        XCTAssertEqual(collector.times, [0, 0.25, 0.5, 0.75, 1.0])
        // A 2-D grid is a one-cell-thick 3-D slab so ParaView keeps x and y in place.
        XCTAssertEqual(Set(collector.topologies), ["2 17 33"], "points = cells + 1, slowest axis first")
        XCTAssertEqual(collector.items.count, 5)
        for item in collector.items {
            let parts = item.reference.split(separator: ":", maxSplits: 1).map(String.init)
            XCTAssertEqual(parts.count, 2, item.reference)
            let file = try HDF5File.open(path: (directory as NSString).appendingPathComponent(parts[0]), communicator: testWorld)
            let shape = try file.datasetShape(parts[1])
            XCTAssertEqual(([1] + shape).map(String.init).joined(separator: " "), item.dimensions)
            XCTAssertEqual(try file.attributeText("units", on: parts[1]), "1")
            XCTAssertEqual(try file.attributeDouble("time"), collector.times[collector.items.firstIndex { $0.reference == item.reference } ?? 0])
            try file.close()
        }
        // No temporary file is left behind by the atomic writes.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [])
    }

    func testTimeSeriesResumesAtTheCheckpointStep() throws {
        let directory = scratchDirectory("series")
        let path = (directory as NSString).appendingPathComponent("ts.csv")
        let first = try TimeSeriesWriter(path: path, columns: ["step", "time", "x"], resumeStep: nil)
        for step in 0..<10 { first.append([Double(step), Double(step) * 0.5, 1.25]) }
        let resumed = try TimeSeriesWriter(path: path, columns: ["step", "time", "x"], resumeStep: 4)
        resumed.append([5, 2.5, 7])
        let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(rows.first, "step,time,x")
        XCTAssertEqual(rows.dropFirst().map { Int($0.split(separator: ",")[0]) }, [0, 1, 2, 3, 4, 5])
        XCTAssertEqual(rows.last, "5,2.5,7")
    }

    /// Runs the test deck with `checkpoint` settings; returns the run and its checkpoint files.
    func runWithCheckpoints(_ name: String, _ checkpoint: String) throws -> (RunConfiguration, Simulation, [String]) {
        let config = try configuration(scratchDirectory(name), extra: "checkpoint:\n" + checkpoint)
        let simulation = try Simulation(configuration: config, world: testWorld)
        _ = try simulation.run()
        return (config, simulation, try FileManager.default.contentsOfDirectory(atPath: simulation.checkpointDirectory).sorted())
    }

    func testCheckpointsAreRotatedAndHoldTheDeck() throws {
        let (config, simulation, names) = try runWithCheckpoints("rotate", "  every_steps: 2\n  keep: 2")
        // 8 steps to t = 1: checkpoints at steps 2, 4, 6 and the final 8; the newest two remain.
        XCTAssertEqual(simulation.progress.step, 8)
        XCTAssertEqual(names, ["checkpoint_00000006.h5", "checkpoint_00000008.h5"])
        let newest = try HDF5File.open(path: try XCTUnwrap(simulation.lastCheckpointPath), communicator: testWorld)
        XCTAssertEqual(try newest.readReplicatedText("/deck"), config.deck.text)
        XCTAssertEqual(try newest.attributeInteger("step"), simulation.progress.step)
        XCTAssertEqual(try newest.attributeText("liphase_version"), LiPhaseVersion.string)
        XCTAssertEqual(try newest.attributeInteger("ranks"), testWorld.size)
        XCTAssertEqual(try newest.attributeIntegers("process_grid"), [1, 1, 1])
        XCTAssertEqual(try newest.attributeText("format"), "liphase-checkpoint-1")
        try newest.close()
    }

    /// checkpoint.every_wall_time alone takes checkpoints (here: a cadence shorter than any step,
    /// so one after every step), and keep still rotates them.
    func testWallTimeCadenceTakesCheckpoints() throws {
        let (_, simulation, names) = try runWithCheckpoints("rotate-wall", "  every_wall_time: 1e-6 s\n  keep: 3")
        XCTAssertEqual(simulation.progress.step, 8)
        XCTAssertEqual(names, ["checkpoint_00000006.h5", "checkpoint_00000007.h5", "checkpoint_00000008.h5"])
    }

    /// A model scalar that no run writes (NaN, here in the Li inventory) is refused with its
    /// name: models turn scalars such as the step into integers, which a NaN would trap.
    func testRestartRefusesANonFiniteModelScalar() throws {
        let directory = scratchDirectory("bad-scalar")
        let deck = "model: electrodeposition\ngrid: {cells: [24, 4], size: [12 um, 2 um]}\ntime: {end: 10 s, max_steps: 2}\ncheckpoint: {every_steps: 1}\noutput: {directory: \(directory)}\n"
        let configuration = try RunConfiguration(deck: DeckParser.parse(text: deck, fileName: "scalar.yaml"))
        let simulation = try Simulation(configuration: configuration, world: testWorld)
        _ = try simulation.run()
        let checkpoint = try XCTUnwrap(simulation.lastCheckpointPath)
        let inventory = try XCTUnwrap(simulation.model.scalarState["initial_inventory"])
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: checkpoint)))
        let pattern = withUnsafeBytes(of: inventory.bitPattern.littleEndian, Array.init)
        let hits = (0...(bytes.count - 8)).filter { Array(bytes[$0..<($0 + 8)]) == pattern }
        XCTAssertEqual(hits.count, 1, "the inventory's bits should occur once, in /model_scalars")
        let nan = withUnsafeBytes(of: Double.nan.bitPattern.littleEndian, Array.init)
        for hit in hits { bytes.replaceSubrange(hit..<(hit + 8), with: nan) }
        let corrupted = directory + "/corrupted.h5"
        try Data(bytes).write(to: URL(fileURLWithPath: corrupted))
        XCTAssertThrowsError(try Simulation(configuration: configuration, world: testWorld, restartPath: corrupted)) {
            XCTAssertTrue("\($0)".contains("model scalar 'initial_inventory' is nan (corrupted file?)"), "\($0)")
        }
    }

    /// A checkpoint whose fields hold a NaN (an emergency checkpoint, or a flipped bit) is refused
    /// with the field's name: continuing would trap where the model turns values into integers.
    func testRestartRefusesANonFiniteField() throws {
        let directory = scratchDirectory("bad-field")
        let deck = "model: electrodeposition\ngrid: {cells: [24, 4], size: [12 um, 2 um]}\ntime: {end: 10 s, max_steps: 2}\noutput: {directory: \(directory)}\n"
        let configuration = try RunConfiguration(deck: DeckParser.parse(text: deck, fileName: "field.yaml"))
        let simulation = try Simulation(configuration: configuration, world: testWorld)
        _ = try simulation.run()
        let model = try XCTUnwrap(simulation.model as? ElectrodepositionModel)
        model.state.void[5, 1, 0] = .nan
        let path = directory + "/nan-field.h5"
        try Checkpoint.write(path: path, model: model, progress: simulation.progress, configuration: configuration)
        XCTAssertThrowsError(try Simulation(configuration: configuration, world: testWorld, restartPath: path)) {
            XCTAssertTrue("\($0)".contains("field 'void' holds non-finite values"), "\($0)")
        }
    }

    func testRestartRefusesACheckpointOfAnotherGrid() throws {
        let directory = scratchDirectory("regrid")
        let simulation = try Simulation(configuration: configuration(directory), world: testWorld)
        _ = try simulation.run()
        let other = try RunConfiguration(deck: DeckParser.parse(text: "model: pfhub_7a\ngrid:\n  cells: [64, 32]\ntime:\n  end: 2\noutput:\n  directory: \(directory)/b\n", fileName: "b.yaml"))
        let checkpoint = try XCTUnwrap(simulation.lastCheckpointPath)
        XCTAssertThrowsError(try Simulation(configuration: other, world: testWorld, restartPath: checkpoint)) {
            XCTAssertEqual("\($0)", "cannot restart from \(checkpoint): \(checkpoint) has a grid of [32, 16] cells but the deck asks for [64, 32]")
        }
    }
}

final class ReferenceDocumentTests: XCTestCase {
    /// docs/input-reference.md must be exactly what `liphase schema` prints.
    func testInputReferenceIsCurrent() throws {
        let path = (packageRoot as NSString).appendingPathComponent("docs/input-reference.md")
        let onDisk = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(onDisk, ReferenceDocument.markdown(), "docs/input-reference.md is stale: run Scripts/gen-docs.sh")
    }

    func testEverySchemaKeyAndUnitIsDocumented() {
        let document = ReferenceDocument.markdown()
        for key in DeckSchema.keys { XCTAssertTrue(document.contains("`\(key.path)`"), key.path) }
        for code in LiPhaseExitCode.allCases { XCTAssertTrue(document.contains("| \(code.rawValue) |")) }
    }

    func testEveryDefaultIsValidForItsKey() throws {
        for key in DeckSchema.keys {
            guard let text = key.defaultText else { continue }
            XCTAssertNoThrow(try DeckParser.parseScalar(text, spec: key, elementPath: key.path).get(), key.path)
        }
    }
}

final class FailureDetectionTests: XCTestCase {
    func testANaNAnywhereStopsTheRunAndNamesTheCell() throws {
        let directory = scratchDirectory("nan")
        let deck = "model: pfhub_7a\ngrid:\n  cells: [32, 16]\ntime:\n  end: 1\noutput:\n  directory: \(directory)\n"
        let simulation = try Simulation(configuration: RunConfiguration(deck: DeckParser.parse(text: deck, fileName: "nan.yaml")), world: testWorld)
        simulation.model.stateFields[0][20, 3, 0] = .nan
        XCTAssertThrowsError(try simulation.model.advance(time: 0, dt: 1e-3)) { error in
            XCTAssertTrue(error is NumericalFailure)
            // The NaN spreads to its neighbours in one step; the first one written is reported.
            XCTAssertTrue("\(error)".contains("η became NaN or infinite at t = 0.001 at global cell (20, 2) (x, y = "), "\(error)")
        }
    }

    /// Each numerical failure met inside `Simulation.run` (a NaN, Δt below time.min_dt, a potential
    /// solve that does not converge) names its cause, maps to exit code 3, and leaves the failing
    /// state in an emergency checkpoint that `--restart latest` never picks.
    func testNumericalFailuresLeaveAnEmergencyCheckpoint() throws {
        let failures: [(name: String, deck: String, inject: ((Simulation) -> Void)?, expected: String)] = [
            ("nan", "model: pfhub_7a\ngrid: {cells: [32, 16]}\ntime: {end: 1}\n", { $0.model.stateFields[0][20, 3, 0] = .nan }, "η became NaN or infinite"),
            ("dt-floor", "model: pfhub_7a\ngrid: {cells: [128, 64]}\ntime: {end: 1, min_dt: 0.1}\n", nil, "fell below time.min_dt"),
            ("newton", "model: electrodeposition\ngrid: {cells: [24, 4], size: [12 um, 2 um]}\nsolver: {max_newton_iterations: 1}\ntime: {end: 10 s}\n", nil, "did not converge"),
        ]
        for failure in failures {
            let directory = scratchDirectory("emergency-" + failure.name)
            let configuration = try RunConfiguration(deck: DeckParser.parse(text: failure.deck + "output: {directory: \(directory)}\n", fileName: failure.name + ".yaml"))
            let simulation = try Simulation(configuration: configuration, world: testWorld)
            failure.inject?(simulation)
            XCTAssertThrowsError(try simulation.run(), failure.name) { error in
                XCTAssertEqual(LiPhaseExitCode(for: error), .numericalFailure, "\(failure.name): \(error)")
                XCTAssertTrue("\(error)".contains(failure.expected), "\(failure.name): \(error)")
            }
            let dump = try XCTUnwrap(simulation.emergencyCheckpointPath, failure.name)
            XCTAssertEqual((dump as NSString).lastPathComponent, String(format: "emergency_%08d.h5", simulation.progress.step), failure.name)
            XCTAssertTrue(FileManager.default.fileExists(atPath: dump), failure.name)
            XCTAssertNil(Simulation.latestCheckpoint(outputDirectory: directory), "\(failure.name): an emergency state is not a restart point")
        }
    }

    /// An output directory that cannot be created is refused before any compute, as an output
    /// failure (exit code 4). A path under a regular file fails even for root, unlike chmod.
    func testUnwritableOutputDirectoryIsRefusedUpFront() throws {
        let directory = scratchDirectory("unwritable")
        let blocker = directory + "/a-file"
        try "not a directory".write(toFile: blocker, atomically: true, encoding: .utf8)
        let configuration = try RunConfiguration(deck: DeckParser.parse(text: "model: pfhub_7a\ngrid: {cells: [32, 16]}\ntime: {end: 1}\noutput: {directory: \(blocker)/run}\n", fileName: "out.yaml"))
        XCTAssertThrowsError(try Simulation(configuration: configuration, world: testWorld)) { error in
            XCTAssertEqual(LiPhaseExitCode(for: error), .ioFailure)
            XCTAssertTrue("\(error)".contains("cannot create output directory \(blocker)/run"), "\(error)")
        }
    }

    func testErrorsMapToTheDocumentedExitCodes() {
        XCTAssertEqual(LiPhaseExitCode(for: NumericalFailure("x")), .numericalFailure)
        XCTAssertEqual(LiPhaseExitCode(for: DeckErrors(issues: [])), .invalidInput)
        XCTAssertEqual(LiPhaseExitCode(for: RestartError(message: "x")), .invalidInput)
        XCTAssertEqual(LiPhaseExitCode(for: PreflightError(message: "x")), .invalidInput)
        XCTAssertEqual(LiPhaseExitCode(for: HDF5Error("x")), .ioFailure)
        XCTAssertEqual(LiPhaseExitCode(for: CocoaError(.fileNoSuchFile)), .internalError)
    }

    func testCheckpointPruningOrdersByStepBeyondTheZeroPadding() throws {
        let directory = scratchDirectory("prune")
        for name in ["checkpoint_99999999.h5", "checkpoint_100000000.h5", "checkpoint_00000010.h5", "notes.txt"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: (directory as NSString).appendingPathComponent(name), contents: Data()))
        }
        Checkpoint.prune(directory: directory, keep: 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory).sorted(), ["checkpoint_100000000.h5", "notes.txt"])
    }
}

final class SchedulerTests: XCTestCase {
    func testDurationsParseAsSchedulersWriteThem() {
        XCTAssertEqual(parseDuration("23:50:00"), 85_800)
        XCTAssertEqual(parseDuration("05:30"), 330)
        XCTAssertEqual(parseDuration("90"), 90)
        XCTAssertEqual(parseDuration("1.5"), 1.5)
        for bad in ["", "3x", "1:2:3:4", "-5", "1::2", "nan", "inf", ":"] { XCTAssertNil(parseDuration(bad), bad) }
    }

    /// A wall-time limit shorter than one step stops the run at the first step boundary, with a
    /// checkpoint of that state.
    func testWallTimeLimitStopsWithACheckpoint() throws {
        let directory = scratchDirectory("walltime")
        let deck = "model: pfhub_7a\ngrid:\n  cells: [64, 32]\ntime:\n  end: 8\noutput:\n  directory: \(directory)\n"
        let simulation = try Simulation(configuration: RunConfiguration(deck: DeckParser.parse(text: deck, fileName: "w.yaml")), world: testWorld)
        simulation.wallTimeLimit = 1e-6
        guard case let .stoppedEarly(step, _, reason) = try simulation.run() else { return XCTFail("not stopped") }
        XCTAssertEqual(step, 0)
        XCTAssertEqual(reason, "the wall-time limit (0 s)")
        XCTAssertEqual(simulation.lastCheckpointPath.map { ($0 as NSString).lastPathComponent }, "checkpoint_00000000.h5")
    }
}

extension SchedulerTests {
    /// Pre-flight: 10⁵ field outputs of a 4096×2048 grid ((100001 + 4) × 8.39e6 cells × 8 bytes ≈ 6.25e3 GiB) cannot fit on this disk; the run
    /// is refused before any field is allocated, with the numbers in the message.
    func testOutputThatCannotFitOnDiskIsRefusedUpFront() throws {
        let directory = scratchDirectory("disk")
        let deck = "model: pfhub_7a\ngrid:\n  cells: [4096, 2048]\ntime:\n  end: 8\noutput:\n  directory: \(directory)\n  every_time: 8e-5\n"
        XCTAssertThrowsError(try Simulation(configuration: RunConfiguration(deck: DeckParser.parse(text: deck, fileName: "d.yaml")), world: testWorld)) { error in
            XCTAssertTrue(error is PreflightError, "\(error)")
            XCTAssertTrue("\(error)".hasPrefix("the run would write about 6.25e+03 GiB (100001 field outputs and 3 checkpoints)"), "\(error)")
        }
    }

    func testLatestCheckpointIsTheHighestStep() throws {
        let directory = scratchDirectory("latest")
        XCTAssertNil(Simulation.latestCheckpoint(outputDirectory: directory))
        try FileManager.default.createDirectory(atPath: directory + "/checkpoints", withIntermediateDirectories: true)
        for name in ["checkpoint_00000900.h5", "checkpoint_100000000.h5", "checkpoint_00000010.h5", "emergency_99999999.h5"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/checkpoints/" + name, contents: Data()))
        }
        XCTAssertEqual(Simulation.latestCheckpoint(outputDirectory: directory), directory + "/checkpoints/checkpoint_100000000.h5")
    }
}

extension SchedulerTests {
    /// Restarting from an older checkpoint moves later checkpoints aside (never deletes them), so
    /// `--restart latest` and the rotation follow the new timeline.
    func testRestartFromAnOlderCheckpointSetsLaterOnesAside() throws {
        let directory = scratchDirectory("rollback")
        func configuration(_ steps: Int) throws -> RunConfiguration {
            try RunConfiguration(deck: DeckParser.parse(text: "model: pfhub_7a\ngrid:\n  cells: [32, 16]\ntime:\n  end: 8\n  max_steps: \(steps)\noutput:\n  directory: \(directory)\ncheckpoint:\n  every_steps: 10\n  keep: 10\n", fileName: "r.yaml"))
        }
        _ = try Simulation(configuration: configuration(40), world: testWorld).run()
        let older = directory + "/checkpoints/checkpoint_00000020.h5"
        let resumed = try Simulation(configuration: configuration(30), world: testWorld, restartPath: older)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory + "/checkpoints").sorted()
        XCTAssertEqual(names, ["checkpoint_00000010.h5", "checkpoint_00000020.h5", "superseded_after_step_00000020"])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory + "/checkpoints/superseded_after_step_00000020").sorted(),
                       ["checkpoint_00000030.h5", "checkpoint_00000040.h5"])
        _ = try resumed.run()
        XCTAssertEqual(Simulation.latestCheckpoint(outputDirectory: directory), directory + "/checkpoints/checkpoint_00000030.h5")
    }

    /// Restarting a finished run does nothing and writes nothing.
    func testRestartOfAFinishedRunIsANoOp() throws {
        let directory = scratchDirectory("finished")
        let text = "model: pfhub_7a\ngrid:\n  cells: [32, 16]\ntime:\n  end: 1\noutput:\n  directory: \(directory)\n"
        let configuration = try RunConfiguration(deck: DeckParser.parse(text: text, fileName: "f.yaml"))
        let first = try Simulation(configuration: configuration, world: testWorld)
        _ = try first.run()
        let series = try String(contentsOfFile: directory + "/timeseries.csv", encoding: .utf8)
        let again = try Simulation(configuration: configuration, world: testWorld, restartPath: first.lastCheckpointPath)
        XCTAssertEqual(try again.run(), .finished(step: first.progress.step, time: first.progress.time))
        XCTAssertEqual(try String(contentsOfFile: directory + "/timeseries.csv", encoding: .utf8), series)
    }
}
