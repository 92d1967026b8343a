import Foundation
import LiPhaseGrid
import LiPhaseIO
import LiPhaseParallel

/// Everything besides the fields that a run needs to continue exactly where it stopped.
public struct RunProgress: Equatable, Sendable {
    public var step: Int
    public var time: Double
    /// Index of the next output time (output k is at k·every_time), kept as an integer so that
    /// output times never accumulate rounding.
    public var nextOutputIndex: Int
    public var outputHistory: [XDMFIndex.Entry]
    /// The model's own scalar state (see `SimulationModel.scalarState`).
    public var modelScalars: [String: Double] = [:]

    public init(step: Int, time: Double, nextOutputIndex: Int, outputHistory: [XDMFIndex.Entry]) {
        self.step = step
        self.time = time
        self.nextOutputIndex = nextOutputIndex
        self.outputHistory = outputHistory
    }
}

/// Checkpoints: the state fields as global arrays plus progress, deck text and provenance.
/// Global arrays (not per-rank pieces) make a checkpoint readable on any rank count.
public enum Checkpoint {
    public static func fileName(step: Int) -> String { String(format: "checkpoint_%08d.h5", step) }

    static func write(path: String, model: SimulationModel, progress: RunProgress, configuration: RunConfiguration) throws {
        let grid = model.grid
        let temporary = AtomicFile.temporaryPath(for: path)
        let file = try HDF5File.create(path: temporary, communicator: grid.communicator)
        try file.createGroup("/fields")
        try writeFields([], to: file, grid: grid, lengthUnit: "")
        for field in model.stateFields + model.warmStartFields {
            try file.writeBlock("/fields/\(field.name)", values: field.interiorValues(), global: grid.geometry.cells,
                                dimensions: grid.geometry.dimensions, box: grid.localBox, attributes: [("units", .text(field.units))])
        }
        try file.setAttribute("format", .text("liphase-checkpoint-1"))
        try file.setAttribute("liphase_version", .text(LiPhaseVersion.string))
        try file.setAttribute("model", .text(configuration.model.rawValue))
        try file.setAttribute("step", .integer(progress.step))
        try file.setAttribute("time", .double(progress.time))
        try file.setAttribute("next_output_index", .integer(progress.nextOutputIndex))
        try file.setAttribute("ranks", .integer(grid.communicator.size))
        try file.setAttribute("process_grid", .integers([grid.decomposition.processGrid.x, grid.decomposition.processGrid.y, grid.decomposition.processGrid.z]))
        try file.writeReplicated("/deck", text: configuration.deck.text)
        let scalars = model.scalarState.sorted { $0.key < $1.key }
        try file.setAttribute("model_scalar_names", .text(scalars.map(\.key).joined(separator: ",")))
        try file.writeReplicated("/model_scalars", values: scalars.map(\.value))
        try file.createGroup("/output_history")
        try file.writeReplicated("/output_history/steps", values: progress.outputHistory.map { Int64($0.step) })
        try file.writeReplicated("/output_history/times", values: progress.outputHistory.map(\.time))
        try file.close()
        try grid.communicator.onRoot { try AtomicFile.commit(temporary, to: path) }
    }

    /// Loads a checkpoint into `model`'s fields (on any rank count) and returns the progress.
    static func read(path: String, into model: SimulationModel, configuration: RunConfiguration) throws -> RunProgress {
        let grid = model.grid
        let file = try HDF5File.open(path: path, communicator: grid.communicator)
        defer { try? file.close() }
        let format = (try? file.attributeText("format")) ?? ""
        guard format == "liphase-checkpoint-1" else {
            throw HDF5Error("\(path) is not a LiPhase checkpoint (format attribute '\(format)', expected 'liphase-checkpoint-1')")
        }
        let storedModel = try file.attributeText("model")
        guard storedModel == configuration.model.rawValue else {
            throw HDF5Error("\(path) holds a '\(storedModel)' run but the deck runs '\(configuration.model.rawValue)'")
        }
        let cells = try file.attributeIntegers("cells")
        let expected = (0..<grid.geometry.dimensions).map { grid.geometry.cells[$0] }
        guard cells == expected else {
            throw HDF5Error("\(path) has a grid of \(cells) cells but the deck asks for \(expected)")
        }
        for field in model.stateFields {
            let values = try file.readBlock("/fields/\(field.name)", global: grid.geometry.cells,
                                            dimensions: grid.geometry.dimensions, box: grid.localBox)
            field.setInterior(values)
        }
        for field in model.warmStartFields {
            guard file.exists("/fields/\(field.name)") else { field.fill(0); continue }
            field.setInterior(try file.readBlock("/fields/\(field.name)", global: grid.geometry.cells,
                                                 dimensions: grid.geometry.dimensions, box: grid.localBox))
        }
        // An emergency checkpoint holds the failed state, and bit rot can put a NaN anywhere; no
        // run continues from either (one reduction, so every rank refuses together).
        let loaded = model.stateFields + model.warmStartFields
        let nonFinite = grid.communicator.sum(loaded.map { Int64($0.firstNonFinite() == nil ? 0 : 1) })
        if let bad = nonFinite.firstIndex(where: { $0 > 0 }) {
            throw HDF5Error("\(path): field '\(loaded[bad].name)' holds non-finite values in \(nonFinite[bad]) rank block(s); a corrupted file, or the emergency checkpoint of a failed run (restart from the checkpoint before it)")
        }
        let steps = try file.readReplicatedIntegers("/output_history/steps")
        let times = try file.readReplicatedDoubles("/output_history/times")
        guard steps.count == times.count else { throw HDF5Error("\(path): output history is inconsistent (corrupted file?)") }
        let history = zip(steps, times).map { XDMFIndex.Entry(step: Int($0), time: $1, file: FieldOutput.fileName(step: Int($0))) }
        let step = try file.attributeInteger("step")
        let time = try file.attributeDouble("time")
        let nextOutput = try file.attributeInteger("next_output_index")
        guard step >= 0, time.isFinite, nextOutput >= 0 else { throw HDF5Error("\(path): step or time is invalid (corrupted file?)") }
        var progress = RunProgress(step: step, time: time, nextOutputIndex: nextOutput, outputHistory: history)
        let names = try file.attributeText("model_scalar_names").split(separator: ",").map(String.init)
        let values = try file.readReplicatedDoubles("/model_scalars")
        guard names.count == values.count else { throw HDF5Error("\(path): model scalars are inconsistent (corrupted file?)") }
        // Models turn some scalars into integers (step, column): refuse what no run writes.
        if let bad = zip(names, values).first(where: { !$0.1.isFinite || abs($0.1) >= 0x1p53 }) {
            throw HDF5Error("\(path): model scalar '\(bad.0)' is \(bad.1) (corrupted file?)")
        }
        progress.modelScalars = Dictionary(zip(names, values), uniquingKeysWith: { first, _ in first })
        return progress
    }

    /// Removes all but the newest `keep` checkpoints in `directory` (rank 0 only).
    static func prune(directory: String, keep: Int) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        // Sort by step number, not by name: past 10⁸ steps the zero padding no longer sorts.
        let checkpoints = names.compactMap { name -> (step: Int, name: String)? in
            guard name.hasPrefix("checkpoint_"), name.hasSuffix(".h5"),
                  let step = Int(name.dropFirst("checkpoint_".count).dropLast(".h5".count)) else { return nil }
            return (step, name)
        }.sorted { $0.step < $1.step }.map(\.name)
        for name in checkpoints.dropLast(keep) {
            try? FileManager.default.removeItem(atPath: (directory as NSString).appendingPathComponent(name))
        }
    }
}
