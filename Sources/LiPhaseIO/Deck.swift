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
    public init(issues: [DeckIssue]) { self.issues = issues }
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
    /// Problems with single values; `RunConfiguration` adds the cross-key ones and reports all.
    public let issues: [DeckIssue]
    /// Keys (and sections) whose value was rejected: checks that involve them are skipped.
    public let failedPaths: Set<String>

    public func failed(_ paths: String...) -> Bool { paths.contains { failedPaths.contains($0) } }

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
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DeckErrors(issues: [DeckIssue(file: name, line: nil, path: "", message: "no such file: \(path)")])
        }
        guard !isDirectory.boolValue else {
            throw DeckErrors(issues: [DeckIssue(file: name, line: nil, path: "", message: "\(path) is a directory; give the deck file (e.g. Inputs/quickstart.yaml)")])
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
            throw DeckErrors(issues: [yamlIssue(error, fileName: fileName, text: text)])
        } catch {
            throw DeckErrors(issues: [DeckIssue(file: fileName, line: nil, path: "", message: "YAML syntax error: \(error)")])
        }
        guard let root else {
            throw DeckErrors(issues: [DeckIssue(file: fileName, line: nil, path: "", message: "the deck is empty; it needs at least 'model', 'grid.cells' and 'time.end'")])
        }
        guard case .mapping = root else {
            throw DeckErrors(issues: [DeckIssue(file: fileName, line: root.mark?.line, path: "",
                                                message: "the deck must be a mapping of keys to values ('key: value' lines), starting with 'model:'")])
        }
        var walker = Walker(fileName: fileName)
        walker.walk(root, section: "")
        for spec in DeckSchema.keys where spec.required && walker.values[spec.path] == nil && !walker.isAccountedFor(spec.path) {
            walker.issues.append(DeckIssue(file: fileName, line: nil, path: spec.path, message: "required key is missing; expected \(spec.expectation)"))
        }
        return Deck(fileName: fileName, text: text, values: walker.values, lines: walker.lines,
                    issues: walker.issues, failedPaths: walker.failedPaths)
    }

    static func yamlIssue(_ error: YamlError, fileName: String, text: String) -> DeckIssue {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            if problem.contains("nesting level") {
                return DeckIssue(file: fileName, line: mark.line, path: "", message: "lists or sections are nested too deeply (LiPhase decks need only two levels)")
            }
            let opened = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return DeckIssue(file: fileName, line: mark.line, path: "", message: "YAML syntax error at column \(mark.column): \(problem)\(opened)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? ""
            let (section, lines) = duplicateLines(of: key, in: text, from: context.mark.line)
            let path = section.map { "\($0).\(key)" } ?? key
            let where_ = lines.count >= 2 ? " (lines \(listing(lines.map(String.init))))" : ""
            return DeckIssue(file: fileName, line: lines.last ?? context.mark.line, path: path,
                             message: "the key is given more than once\(where_); keep one (a duplicated key stops the check, so fix it first)")
        default:
            return DeckIssue(file: fileName, line: nil, path: "", message: "YAML error: \(error)")
        }
    }

    /// The section (if any) and the lines (1-based) of a duplicated key in the block mapping that
    /// starts at line `start`: lines at the mapping's indentation, up to where it ends.
    static func duplicateLines(of key: String, in text: String, from start: Int) -> (section: String?, lines: [Int]) {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func indentation(_ line: String) -> Int { line.prefix { $0 == " " }.count }
        func isContent(_ line: String) -> Bool {
            let body = line.drop { $0 == " " }
            return !body.isEmpty && !body.hasPrefix("#")
        }
        guard start >= 1, start <= all.count else { return (nil, []) }
        let level = indentation(all[start - 1])
        var lines: [Int] = []
        for index in (start - 1)..<all.count where isContent(all[index]) {
            let line = all[index]
            if indentation(line) < level { break }
            let body = line.drop { $0 == " " }
            if indentation(line) == level, body.hasPrefix(key), body.dropFirst(key.count).drop(while: { $0 == " " }).first == ":" {
                lines.append(index + 1)
            }
        }
        // The section is the nearest line above with less indentation ("grid:").
        var section: String? = nil
        if level > 0 {
            for index in stride(from: start - 2, through: 0, by: -1) where isContent(all[index]) && indentation(all[index]) < level {
                section = all[index].trimmingCharacters(in: .whitespaces).split(separator: ":").first.map(String.init)
                break
            }
        }
        return (section, lines)
    }

    /// "5", "5 and 6", "5, 6 and 7".
    static func listing(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }

    /// Parses one scalar against a key's type. `elementPath` names it in messages ("grid.cells[1]").
    static func parseScalar(_ raw: String, spec: KeySpec, elementPath: String) -> Result<DeckValue, DeckIssueText> {
        let text = raw.trimmingCharacters(in: .whitespaces)
        let isElement = elementPath != spec.path
        let expectation = isElement ? spec.elementExpectation : spec.expectation
        if text.isEmpty || text == "~" || text == "null" {
            return .failure(DeckIssueText("has no value; expected \(expectation)"))
        }
        switch spec.kind {
        case let .real(quantity), let .realList(quantity, _):
            switch quantity.parse(text) {
            case let .success(si):
                let literature = quantity.fromSI(si)
                if let bounds = spec.bounds, !bounds.contains(literature) {
                    let unit = quantity == .dimensionless ? "" : " \(quantity.unit)"
                    let shown = quantity.echo(text, literatureValue: literature)
                    return .failure(DeckIssueText("\(shown) is out of range; allowed \(bounds.text)\(unit)"))
                }
                return .success(.real(si))
            case .failure(.notANumber):
                return .failure(DeckIssueText("'\(text)' is not a number; expected \(expectation)"))
            case .failure(.unknownUnit(let unit)) where text.lowercased().hasPrefix("0x") || unit.lowercased().hasPrefix("x"):
                return .failure(DeckIssueText("'\(text)' is not a decimal number; expected \(expectation)"))
            case .failure(.notFinite):
                return .failure(DeckIssueText("'\(text)' is not a finite number; expected \(expectation)"))
            case .failure(.overflow):
                return .failure(DeckIssueText("'\(text)' is too large (it overflows when converted to SI); expected \(expectation)"))
            case let .failure(.unknownUnit(unit)):
                let allowed = quantity == .dimensionless ? "it takes a plain number" : "use \(quantity.acceptedUnits.joined(separator: ", "))"
                return .failure(DeckIssueText("unknown unit '\(unit)' in '\(text)' for \(quantity.article) \(quantity.noun); \(allowed)"))
            }
        case .integer, .integerList:
            // Whole numbers written with an exponent (1e6) are accepted; 2^53 keeps them exact.
            let decimal = text.allSatisfy { "0123456789+-.eE".contains($0) }
            guard decimal else { return .failure(DeckIssueText("'\(text)' is not a decimal integer; expected \(expectation)")) }
            let real = Double(text)
            let exponentForm = real.flatMap { $0 == $0.rounded() && abs($0) <= 9.0e15 ? Int($0) : nil }
            guard let value = Int(text) ?? exponentForm else {
                if let real, real == real.rounded(), real.isFinite {
                    let range = spec.bounds.map { "; allowed \($0.text)" } ?? ""
                    return .failure(DeckIssueText("\(text) is out of range\(range)"))
                }
                return .failure(DeckIssueText("'\(text)' is not a whole number; expected \(expectation)"))
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
                let noun = spec.path.split(separator: ".").last.map(String.init) ?? spec.path
                if let near = closest(to: text, among: options) {
                    return .failure(DeckIssueText("unknown \(noun) '\(text)'; did you mean '\(near)'?"))
                }
                return .failure(DeckIssueText("unknown \(noun) '\(text)'; expected \(spec.expectation)"))
            }
            return .success(.text(text))
        case .text:
            if text.contains("\0") { return .failure(DeckIssueText("must not contain a NUL character")) }
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
    var article: String { "aeiou".contains(noun.first ?? "x") ? "an" : "a" }

    /// The value as the user wrote it: a bare number gets the literature unit, and another
    /// unit gets the converted value, so it compares directly with the stated range.
    func echo(_ text: String, literatureValue: Double) -> String {
        if self == .dimensionless { return text }
        if Double(text) != nil { return "\(text) \(unit)" }
        return "\(text) (\(String(format: "%g", literatureValue)) \(unit))"
    }
}

/// Walks the YAML tree once, checking every key against the schema and collecting every issue.
private struct Walker {
    let fileName: String
    var values: [String: DeckValue] = [:]
    var lines: [String: Int] = [:]
    var issues: [DeckIssue] = []
    var failedPaths: Set<String> = []
    /// Required keys already explained by another message (written in the wrong section).
    var redirected: Set<String> = []

    init(fileName: String) { self.fileName = fileName }

    /// True when a missing key needs no message of its own: its section or its misplaced
    /// spelling was reported already.
    func isAccountedFor(_ path: String) -> Bool {
        if redirected.contains(path) || failedPaths.contains(path) { return true }
        let section = path.split(separator: ".").dropLast().joined(separator: ".")
        return !section.isEmpty && failedPaths.contains(section)
    }

    mutating func report(_ node: Node?, _ path: String, _ message: String) {
        issues.append(DeckIssue(file: fileName, line: node?.mark?.line, path: path, message: message))
        failedPaths.insert(path)
    }

    mutating func walk(_ node: Node, section: String) {
        guard case let .mapping(mapping) = node else {
            let inSection = DeckSchema.keys.filter { $0.path.hasPrefix(section + ".") }
            let example = (inSection.first { $0.required } ?? inSection.first).map { String($0.path.dropFirst(section.count + 1)) } ?? "key"
            var given = "a list"
            if case let .scalar(scalar) = node {
                let value = scalar.string.trimmingCharacters(in: .whitespaces)
                if value.isEmpty || value == "~" || value == "null" {
                    report(node, section, "the section is empty; write its keys on indented lines below it, e.g. '  \(example): ...'")
                    return
                }
                given = "'\(value)'"
            }
            report(node, section, "is a section; write its keys on indented lines below it (e.g. '  \(example): ...'), not \(given)")
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
            if key.trimmingCharacters(in: .whitespaces).isEmpty {
                report(keyNode, section, "a key has an empty name; allowed \(section.isEmpty ? "at the top level" : "in '\(section)'"): \(DeckSchema.children(of: section).joined(separator: ", "))")
                continue
            }
            if key.contains(".") {
                let known = DeckSchema.byPath[path] != nil ? path : DeckParser.closest(to: path, among: DeckSchema.keys.map(\.path))
                let hint: String
                if let known, case let knownParts = known.split(separator: ".").map(String.init), knownParts.count == 2 {
                    hint = (known == path ? "" : "did you mean '\(known)'? ") + "write '\(knownParts[1]):' on an indented line inside the '\(knownParts[0])' section"
                } else {
                    hint = "sections are written as indented blocks, not with dots"
                }
                report(keyNode, path, "dotted keys are not accepted; \(hint)")
                continue
            }
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

    mutating func unknownKeyMessage(key: String, section: String) -> String {
        let siblings = DeckSchema.children(of: section)
        if !section.isEmpty, DeckSchema.isSection(key) {
            return "'\(key)' is a top-level section; move it out of '\(section)'"
        }
        // The right name in the wrong section (checked first: an exact name beats a near one): "cells" at top level → "grid.cells".
        let elsewhere = DeckSchema.keys.map(\.path).filter { $0.split(separator: ".").last.map(String.init) == key }
        if let first = elsewhere.first {
            redirected.insert(first)
            let home = first.split(separator: ".").dropLast().joined(separator: ".")
            return home.isEmpty ? "belongs at the top level (\(first)), not inside '\(section)'" : "belongs in the '\(home)' section (\(first))"
        }
        if let near = DeckParser.closest(to: key, among: siblings) {
            let full = section.isEmpty ? near : "\(section).\(near)"
            // The typo explains the missing key; do not report that too.
            redirected.insert(full)
            return "unknown key; did you mean '\(full)'?"
        }
        let place = section.isEmpty ? "at the top level" : "in '\(section)'"
        return "unknown key; allowed \(place): \(siblings.joined(separator: ", "))"
    }

    mutating func parseValue(_ node: Node, spec: KeySpec, path: String) {
        switch spec.kind {
        case let .realList(_, count), let .integerList(count):
            guard case let .sequence(sequence) = node else {
                if case let .scalar(scalar) = node {
                    let value = scalar.string.trimmingCharacters(in: .whitespaces)
                    if value.isEmpty || value == "~" || value == "null" {
                        report(node, path, "has no value; expected \(spec.expectation), written [a, b] or [a, b, c]")
                        return
                    }
                    report(node, path, "got the single value '\(scalar.string)'; expected \(spec.expectation), written [a, b] or [a, b, c]")
                } else {
                    report(node, path, "got a mapping; expected \(spec.expectation), written [a, b] or [a, b, c]")
                }
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
                if case .sequence = node { report(node, path, "got a list; expected a single value: \(spec.expectation)") }
                else { report(node, path, "got a mapping; expected a single value: \(spec.expectation)") }
                return
            }
            switch DeckParser.parseScalar(scalar.string, spec: spec, elementPath: path) {
            case let .success(value): values[path] = value
            case let .failure(problem): report(node, path, problem.text)
            }
        }
    }
}
