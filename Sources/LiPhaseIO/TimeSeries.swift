import Foundation

/// The scalar time series, one CSV row per record, written by rank 0 and flushed every row so
/// that a killed run keeps everything it recorded.
public final class TimeSeriesWriter {
    public let path: String
    public let columns: [String]
    private let handle: FileHandle

    /// Opens the series. On restart, rows after `resumeStep` (left by the interrupted run) are
    /// dropped so the file continues exactly where the checkpoint does.
    public init(path: String, columns: [String], resumeStep: Int?) throws {
        self.path = path
        self.columns = columns
        let header = columns.joined(separator: ",")
        var kept = header + "\n"
        if let resumeStep, let existing = try? String(contentsOfFile: path, encoding: .utf8) {
            let lines = existing.split(separator: "\n", omittingEmptySubsequences: true)
            if lines.first.map(String.init) == header {
                let stepColumn = columns.firstIndex(of: "step") ?? 0
                for line in lines.dropFirst() {
                    let cells = line.split(separator: ",", omittingEmptySubsequences: false)
                    if cells.count > stepColumn, let step = Int(cells[stepColumn]), step <= resumeStep { kept += line + "\n" }
                }
            }
        }
        try AtomicFile.write(kept, to: path)
        guard let handle = FileHandle(forWritingAtPath: path) else { throw HDF5Error("cannot open \(path) for appending") }
        self.handle = handle
        handle.seekToEndOfFile()
    }

    deinit { try? handle.close() }

    public func append(_ values: [Double]) {
        precondition(values.count == columns.count, "one value per column")
        let row = values.map(Self.format).joined(separator: ",") + "\n"
        handle.write(Data(row.utf8))
        try? handle.synchronize()
    }

    /// Integers print without a decimal point; everything else round-trips exactly.
    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
