import Foundation
import Yams

/// One problem found in a deck: where it is and what is wrong, in words a user can act on.
public struct DeckIssue: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int?
    public let path: String
    public let message: String

    public init(file: String, line: Int?, path: String, message: String) {
        self.file = file
        self.line = line
        self.path = path
        self.message = message
    }

    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return path.isEmpty ? "\(location): \(message)" : "\(location): \(path): \(message)"
    }
}

/// Every problem of a deck at once, so a user fixes them in one pass.
public struct DeckErrors: Error, Sendable, CustomStringConvertible {
    public let issues: [DeckIssue]
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

/// A value after parsing; reals are in SI.
public enum DeckValue: Equatable, Sendable {
    case real(Double)
    case integer(Int)
    case boolean(Bool)
    case text(String)
    case reals([Double])
    case integers([Int])
}

/// A parsed, schema-checked deck: the values it set, where it set them, and its full text
/// (kept in checkpoints so a restart knows exactly what was run).
public struct Deck: Sendable {
    public let fileName: String
    public let text: String
    public let values: [String: DeckValue]
    public let lines: [String: Int]
    public let warnings: [DeckIssue]

    public func isSet(_ path: String) -> Bool { values[path] != nil }
    public func line(_ path: String) -> Int? { lines[path] }

    /// The value the deck gave, else the schema default, else nil.
    public func value(_ path: String) -> DeckValue? {
        if let v = values[path] { return v }
        guard let spec = DeckSchema.byPath[path], let text = spec.defaultText else { return nil }
        return try? DeckParser.parseScalar(text, spec: spec, elementPath: path).get()
    }

    public func real(_ path: String) -> Double? { if case let .real(v)? = value(path) { return v }; return nil }
    public func integer(_ path: String) -> Int? { if case let .integer(v)? = value(path) { return v }; return nil }
    public func text(_ path: String) -> String? { if case let .text(v)? = value(path) { return v }; return nil }
    public func reals(_ path: String) -> [Double]? { if case let .reals(v)? = value(path) { return v }; return nil }
    public func integers(_ path: String) -> [Int]? { if case let .integers(v)? = value(path) { return v }; return nil }
    public func boolean(_ path: String) -> Bool? { if case let .boolean(v)? = value(path) { return v }; return nil }

    public func issue(_ path: String, _ message: String) -> DeckIssue {
        DeckIssue(file: fileName, line: lines[path], path: path, message: message)
    }
}

public enum DeckParser {
    /// Decks larger than this are refused before parsing: no real deck comes near it.
    public static let maximumBytes = 1 << 20

    public static func load(path: String) throws -> Deck {
        let url = URL(fileURLWithPath: path)
        let name = url.lastPathComponent
        guard FileManager.default.fileExists(atPath: path) else {
            throw DeckErrors(issues: [DeckIssue(file: name, line: nil, path: "", message: "no such file: \(path)")])
        }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DeckErrors(issues: [DeckIssue(file: name, line: nil, path: "", message: "cannot read \(path): \(error.localizedDescription)")])
        }
        guard data.count <= maximumBytes else {
            throw DeckErrors(issues: [DeckIssue(file: name, line: nil, path: "", message: "the deck is \(data.count) bytes; decks are limited to \(maximumBytes) bytes")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DeckErrors(issues: [DeckIssue(file: name, line: nil, path: "", message: "the deck is not valid UTF-8 text")])
        }
        return try parse(text: text, fileName: name)
    }

    public static func parse(text: String, fileName: String) throws -> Deck {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw DeckErrors(issues: [yamlIssue(error, fileName: fileName)])
        } catch {
            throw DeckErrors(issues: [DeckIssue(file: fileName, line: nil, path: "", message: "YAML syntax error: \(error)")])
        }
        guard let root else {
            throw DeckErrors(issues: [DeckIssue(file: fileName, line: nil, path: "", message: "the deck is empty; it needs at least 'model', 'grid.cells' and 'time.end'")])
        }
        var walker = Walker(fileName: fileName)
        walker.walk(root, section: "")
        for spec in DeckSchema.keys where spec.required && walker.values[spec.path] == nil && !walker.failedPaths.contains(spec.path) {
            walker.issues.append(DeckIssue(file: fileName, line: nil, path: spec.path, message: "required key is missing; expected \(spec.expectation)"))
        }
        if !walker.issues.isEmpty { throw DeckErrors(issues: walker.issues) }
        return Deck(fileName: fileName, text: text, values: walker.values, lines: walker.lines, warnings: [])
    }

    static func yamlIssue(_ error: YamlError, fileName: String) -> DeckIssue {
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return DeckIssue(file: fileName, line: mark.line, path: "", message: "YAML syntax error at column \(mark.column): \(problem)")
        case let .duplicatedKeysInMapping(duplicates, _):
            return DeckIssue(file: fileName, line: nil, path: "", message: "duplicate keys: \(duplicates.joined(separator: ", "))")
        default:
            return DeckIssue(file: fileName, line: nil, path: "", message: "YAML error: \(error)")
        }
    }

    /// Parses one scalar against a key's type. `elementPath` names it in messages ("grid.cells[1]").
    static func parseScalar(_ raw: String, spec: KeySpec, elementPath: String) -> Result<DeckValue, DeckIssueText> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text == "~" || text == "null" {
            return .failure(DeckIssueText("has no value; expected \(spec.expectation)"))
        }
        switch spec.kind {
        case let .real(quantity), let .realList(quantity, _):
            switch quantity.parse(text) {
            case let .success(si):
                let literature = quantity.fromSI(si)
                if let bounds = spec.bounds, !bounds.contains(literature) {
                    let unit = quantity == .dimensionless ? "" : " \(quantity.unit)"
                    let shown = quantity.normalisedEcho(text)
                    return .failure(DeckIssueText("\(shown) is out of range; allowed \(bounds.text)\(unit)"))
                }
                return .success(.real(si))
            case .failure(.notANumber):
                return .failure(DeckIssueText("'\(text)' is not a number; expected \(spec.expectation)"))
            case .failure(.notFinite):
                return .failure(DeckIssueText("'\(text)' is not a finite number; expected \(spec.expectation)"))
            case let .failure(.unknownUnit(unit)):
                let allowed = quantity == .dimensionless ? "it takes a plain number" : "use \(quantity.acceptedUnits.joined(separator: ", "))"
                return .failure(DeckIssueText("unknown unit '\(unit)' in '\(text)' for a \(quantity.noun); \(allowed)"))
            }
        case .integer, .integerList:
            guard let value = Int(text) else {
                let isNumber = Double(text) != nil
                return .failure(DeckIssueText(isNumber ? "'\(text)' is not an integer (or is too large); expected \(spec.expectation)" : "'\(text)' is not an integer; expected \(spec.expectation)"))
            }
            if let bounds = spec.bounds, !bounds.contains(Double(value)) {
                return .failure(DeckIssueText("\(value) is out of range; allowed \(bounds.text)"))
            }
            return .success(.integer(value))
        case .boolean:
            switch text.lowercased() {
            case "true": return .success(.boolean(true))
            case "false": return .success(.boolean(false))
            default: return .failure(DeckIssueText("'\(text)' is not true or false"))
            }
        case let .choice(options):
            guard options.contains(text) else {
                let hint = closest(to: text, among: options).map { "; did you mean '\($0)'?" } ?? ""
                return .failure(DeckIssueText("'\(text)' is not \(spec.expectation)\(hint)"))
            }
            return .success(.text(text))
        case .text:
            return .success(.text(text))
        }
    }

    /// The nearest candidate by edit distance, if it is close enough to be a plausible typo.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, word.count / 3) ? best.0 : nil
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}

struct DeckIssueText: Error {
    let text: String
    init(_ text: String) { self.text = text }
}

extension Quantity {
    /// The value as the user wrote it, with the literature unit added to a bare number.
    func normalisedEcho(_ text: String) -> String {
        if Double(text) != nil, self != .dimensionless { return "\(text) \(unit)" }
        return text
    }
}

/// Walks the YAML tree once, checking every key against the schema and collecting every issue.
private struct Walker {
    let fileName: String
    var values: [String: DeckValue] = [:]
    var lines: [String: Int] = [:]
    var issues: [DeckIssue] = []
    var failedPaths: Set<String> = []

    init(fileName: String) { self.fileName = fileName }

    mutating func report(_ node: Node?, _ path: String, _ message: String) {
        issues.append(DeckIssue(file: fileName, line: node?.mark?.line, path: path, message: message))
        failedPaths.insert(path)
    }

    mutating func walk(_ node: Node, section: String) {
        guard case let .mapping(mapping) = node else {
            report(node, section, section.isEmpty ? "the deck must be a mapping of keys to values (key: value lines)" : "'\(section)' is a section; it must hold 'key: value' lines, not a single value")
            return
        }
        var seen = Set<String>()
        for (keyNode, valueNode) in mapping {
            guard case let .scalar(keyScalar) = keyNode else {
                report(keyNode, section, "keys must be plain names")
                continue
            }
            let key = keyScalar.string
            let path = section.isEmpty ? key : "\(section).\(key)"
            if !seen.insert(key).inserted {
                report(keyNode, path, "the key appears twice; keep one")
                continue
            }
            lines[path] = keyNode.mark?.line
            if DeckSchema.isSection(path) {
                walk(valueNode, section: path)
            } else if let spec = DeckSchema.byPath[path] {
                parseValue(valueNode, spec: spec, path: path)
            } else {
                report(keyNode, path, unknownKeyMessage(key: key, section: section))
            }
        }
    }

    func unknownKeyMessage(key: String, section: String) -> String {
        let siblings = DeckSchema.children(of: section)
        if let near = DeckParser.closest(to: key, among: siblings) {
            let full = section.isEmpty ? near : "\(section).\(near)"
            return "unknown key; did you mean '\(full)'?"
        }
        // The right name in the wrong section: "cells" at top level → "grid.cells".
        let elsewhere = DeckSchema.keys.map(\.path).filter { $0.split(separator: ".").last.map(String.init) == key }
        if let first = elsewhere.first { return "unknown key here; did you mean '\(first)'?" }
        let place = section.isEmpty ? "at the top level" : "in '\(section)'"
        return "unknown key; allowed \(place): \(siblings.joined(separator: ", "))"
    }

    mutating func parseValue(_ node: Node, spec: KeySpec, path: String) {
        switch spec.kind {
        case let .realList(_, count), let .integerList(count):
            guard case let .sequence(sequence) = node else {
                report(node, path, "expected \(spec.expectation), written [a, b, ...]")
                return
            }
            let elements = Array(sequence)
            guard count.contains(elements.count) else {
                report(node, path, "has \(elements.count) entries; expected \(spec.expectation)")
                return
            }
            var reals: [Double] = [], integers: [Int] = []
            var ok = true
            for (index, element) in elements.enumerated() {
                let elementPath = "\(path)[\(index)]"
                guard case let .scalar(scalar) = element else {
                    report(element, elementPath, "expected a single value, not a nested list or mapping")
                    ok = false
                    continue
                }
                switch DeckParser.parseScalar(scalar.string, spec: spec, elementPath: elementPath) {
                case let .success(.real(v)): reals.append(v)
                case let .success(.integer(v)): integers.append(v)
                case .success: break
                case let .failure(problem): report(element, elementPath, problem.text); ok = false
                }
            }
            guard ok else { failedPaths.insert(path); return }
            if case .realList = spec.kind { values[path] = .reals(reals) } else { values[path] = .integers(integers) }
        default:
            guard case let .scalar(scalar) = node else {
                report(node, path, "expected \(spec.expectation), not a list or mapping")
                return
            }
            switch DeckParser.parseScalar(scalar.string, spec: spec, elementPath: path) {
            case let .success(value): values[path] = value
            case let .failure(problem): report(node, path, problem.text)
            }
        }
    }
}
