import Foundation
import LiPhaseParallel

/// Median and range of repeated measurements: the machines are noisy, so every number the harness
/// reports is a median of several runs, with its spread.
struct Sample {
    let values: [Double]
    init(_ values: [Double]) { self.values = values.sorted() }
    var median: Double {
        let n = values.count
        return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2])
    }
    var low: Double { values.first ?? .nan }
    var high: Double { values.last ?? .nan }
}

/// One benchmark result: a JSON object on a line of its own, prefixed "RESULT ", printed by the
/// root rank. `Benchmarks/tables.py` turns these lines into the README's tables.
func report(_ world: Communicator, _ fields: [String: Any]) {
    guard world.isRoot else { return }
    var object = fields
    object["ranks"] = world.size
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), let text = String(data: data, encoding: .utf8) {
        print("RESULT " + text)
    }
}

/// Peak resident memory of this process, in bytes (Linux reports ru_maxrss in KiB).
func peakResidentBytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) * 1024
}

/// Resident memory now, in bytes, from /proc/self/statm (0 where it is not available).
func residentBytes() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let parts = text.split(separator: " ")
    guard parts.count > 1, let pages = Double(parts[1]) else { return 0 }
    return pages * Double(sysconf(Int32(_SC_PAGESIZE)))
}
