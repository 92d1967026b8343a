import Foundation
import LiPhaseMaterials
import Yams

/// The interlayer library (Inputs/interlayers.yaml, carried in the binary; docs/interlayers.md).
public enum InterlayerLibrary {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// The library built into the binary.
    public static let builtIn: [InterlayerRecord] = (try? parse(InterlayerLibraryText.yaml, origin: "built-in library")) ?? []

    /// The records of a library file, with errors that name the entry and the field.
    public static func load(path: String) throws -> [InterlayerRecord] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw LoadError(description: "cannot read the interlayer library '\(path)'")
        }
        return try parse(text, origin: path)
    }

    public static func parse(_ text: String, origin: String) throws -> [InterlayerRecord] {
        let root: Any?
        do { root = try Yams.load(yaml: text) } catch { throw LoadError(description: "\(origin): not valid YAML (\(error))") }
        guard let top = root as? [String: Any], let list = top["interlayers"] as? [Any] else {
            throw LoadError(description: "\(origin): expected a top-level 'interlayers:' list")
        }
        var records: [InterlayerRecord] = [], seen = Set<String>()
        for (position, item) in list.enumerated() {
            guard let entry = item as? [String: Any] else { throw LoadError(description: "\(origin): entry \(position + 1) is not a mapping") }
            let name = (entry["key"] as? String) ?? "entry \(position + 1)"
            func fail(_ message: String) -> LoadError { LoadError(description: "\(origin): interlayer '\(name)': \(message)") }
            func number(_ field: String) throws -> Double? {
                guard let raw = entry[field] else { return nil }
                if let v = raw as? Double, v.isFinite { return v }
                if let v = raw as? Int { return Double(v) }
                throw fail("\(field) must be a finite number")
            }
            guard let key = entry["key"] as? String, !key.isEmpty else { throw fail("has no key") }
            guard seen.insert(key).inserted else { throw fail("the key appears twice") }
            // YAML reads bare yes/no as booleans.
            let rawBlocking = entry["electron_blocking"]
            let blockingText = (rawBlocking as? String) ?? (rawBlocking as? Bool).map { $0 ? "yes" : "no" }
            guard let blockingText, let blocking = InterlayerRecord.ElectronBlocking(rawValue: blockingText) else {
                throw fail("electron_blocking must be one of yes, no, unknown")
            }
            guard let after = try number("asr_after_ohm_cm2"), after > 0 else { throw fail("asr_after_ohm_cm2 must be a positive number (Ω·cm²)") }
            let before = try number("asr_before_ohm_cm2")
            let thickness = try number("thickness_nm")
            let celsius = try number("temperature_C")
            if let celsius, !(celsius > -73.15 && celsius < 326.85) { throw fail("temperature_C \(celsius) is outside −73.15 to 326.85 °C") }
            if let thickness, thickness <= 0 { throw fail("thickness_nm must be positive") }
            records.append(InterlayerRecord(key: key, label: entry["label"] as? String ?? key, family: entry["family"] as? String ?? "unknown",
                                            electronBlocking: blocking, alloying: entry["alloying"] as? Bool ?? false,
                                            resistanceBefore: before.map { $0 * 1e-4 }, resistanceAfter: after * 1e-4,
                                            thickness: thickness.map { $0 * 1e-9 }, temperature: celsius.map { $0 + 273.15 },
                                            source: entry["source"] as? String ?? ""))
        }
        return records
    }
}
