import Foundation
import Yams

/// A parameter study (`liphase sweep`): a base deck plus variations of its keys, combined as a
/// Cartesian product or zipped. Each case is the base deck with the case's values substituted,
/// so every deck rule (units, ranges, cross-key checks) applies to every case.
///
///     study: interlayers-25C
///     base: ../ccd/base.yaml          # relative to the study file
///     command: ccd                    # ccd (default) or run
///     ranks_per_case: 1
///     combine: product                # product (default) or zip
///     set: {temperature: 25}          # applied to every case
///     vary:
///       interlayer.name: all          # every library entry ('bare': the deck's own contact)
///       contact.stack_pressure: {from: 0 MPa, to: 5 MPa, count: 6}
///       electrolyte.grain_boundary_electronic_conductivity: {from: 1e-8, to: 1e-4, count: 5, scale: log}
public struct StudyFile: Sendable {
    public enum Command: String, Sendable { case ccd, run }
    public enum Combination: String, Sendable { case product, zip }

    public struct Variation: Sendable, Equatable {
        public var path: String
        /// The values as deck text (units kept), in order.
        public var values: [String]
    }

    public struct Case: Sendable, Equatable {
        public var index: Int
        /// (path, value text) in the order of `vary`.
        public var values: [(path: String, value: String)]
        public var label: String {
            values.map { "\($0.path)=\($0.value)" }.joined(separator: ", ")
        }
        /// A directory name: the index and a filesystem-safe label.
        public var directoryName: String {
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+.")
            let short = values.map { ($0.path.split(separator: ".").last.map(String.init) ?? $0.path) + "=" + $0.value }.joined(separator: "_")
            let safe = String(short.map { allowed.contains($0) ? $0 : ($0 == "=" ? "-" : "_") }.prefix(80))
            return String(format: "case-%04d", index) + (safe.isEmpty ? "" : "_" + safe)
        }
        public static func == (a: Case, b: Case) -> Bool {
            a.index == b.index && a.values.map(\.path) == b.values.map(\.path) && a.values.map(\.value) == b.values.map(\.value)
        }
    }

    public let path: String
    public let text: String
    public let name: String
    public let description: String?
    public let basePath: String
    public let baseText: String
    public let command: Command
    public let outputDirectory: String
    public let ranksPerCase: Int
    public let combination: Combination
    public let fixed: [(path: String, value: String)]
    public let variations: [Variation]
    public let cases: [Case]

    /// More cases than this is a typo in a range, not a study.
    public static let maximumCases = 100_000
    static let topKeys = ["study", "description", "base", "command", "output", "ranks_per_case", "combine", "set", "vary"]

    public static func load(path: String, interlayerNames: [String]) throws -> StudyFile {
        let name = (path as NSString).lastPathComponent
        func fail(_ message: String, key: String = "", line: Int? = nil) -> DeckErrors {
            DeckErrors(issues: [DeckIssue(file: name, line: line, path: key, message: message)])
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("no such file: \(path)") }
        guard data.count <= DeckParser.maximumBytes else { throw fail("the study file is \(data.count) bytes; at most \(DeckParser.maximumBytes) are allowed") }
        guard let text = String(data: data, encoding: .utf8) else { throw fail("the study file is not valid UTF-8 text") }
        return try parse(text: text, path: path, interlayerNames: interlayerNames)
    }

    public static func parse(text: String, path: String, interlayerNames: [String]) throws -> StudyFile {
        let file = (path as NSString).lastPathComponent
        var issues: [DeckIssue] = []
        func issue(_ key: String, _ node: Node?, _ message: String) { issues.append(DeckIssue(file: file, line: node?.mark?.line, path: key, message: message)) }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw DeckErrors(issues: [DeckIssue(file: file, line: nil, path: "", message: "not valid YAML: \(error)")])
        }
        guard let root, case let .mapping(top) = root else {
            throw DeckErrors(issues: [DeckIssue(file: file, line: nil, path: "", message: "a study file is a mapping with at least 'study', 'base' and 'vary'")])
        }
        for (key, node) in top {
            let word = key.string ?? ""
            if !topKeys.contains(word) {
                let hint = DeckParser.closest(to: word, among: topKeys).map { "; did you mean '\($0)'?" } ?? ""
                issue(word, node, "is not a study key\(hint) (allowed: \(topKeys.joined(separator: ", ")))")
            }
        }
        func scalar(_ key: String) -> String? {
            guard let node = top[key] else { return nil }
            guard let value = node.scalar?.string else { issue(key, node, "must be a single value"); return nil }
            return value
        }
        let studyName = scalar("study") ?? ""
        if top["study"] == nil { issue("study", nil, "required key is missing; give the study a name (used for the output directory)") }
        let base = scalar("base") ?? ""
        if top["base"] == nil { issue("base", nil, "required key is missing; give the base deck's path (relative to the study file)") }
        let directory = (path as NSString).deletingLastPathComponent
        let basePath = base.hasPrefix("/") || directory.isEmpty ? base : (directory as NSString).appendingPathComponent(base)
        var baseText = ""
        if !base.isEmpty {
            if let data = FileManager.default.contents(atPath: basePath), let decoded = String(data: data, encoding: .utf8) { baseText = decoded }
            else { issue("base", top["base"], "cannot read the base deck '\(base)' (looked for \(basePath))") }
        }
        var command = Command.ccd
        if let text = scalar("command") {
            if let parsed = Command(rawValue: text) { command = parsed } else { issue("command", top["command"], "'\(text)' is not a command; allowed: ccd, run") }
        }
        var ranks = 1
        if let text = scalar("ranks_per_case") {
            if let value = Int(text), (1...1_000_000).contains(value) { ranks = value } else { issue("ranks_per_case", top["ranks_per_case"], "'\(text)' is not a rank count; allowed: an integer 1 to 1000000") }
        }
        var combination = Combination.product
        if let text = scalar("combine") {
            if let parsed = Combination(rawValue: text) { combination = parsed } else { issue("combine", top["combine"], "'\(text)' is not a combination; allowed: product, zip") }
        }
        let output = scalar("output") ?? ("runs/studies/" + (studyName.isEmpty ? "study" : studyName))

        var fixed: [(String, String)] = []
        if let node = top["set"] {
            if case let .mapping(settings) = node {
                for (key, value) in settings {
                    let keyText = key.string ?? ""
                    if let text = value.scalar?.string { fixed.append((keyText, text)) } else { issue("set.\(keyText)", value, "must be a single value") }
                }
            } else { issue("set", node, "must be a mapping of deck keys to values") }
        }

        var variations: [Variation] = []
        if let node = top["vary"], case let .mapping(vary) = node {
            for (key, value) in vary {
                let keyText = key.string ?? ""
                let where_ = "vary.\(keyText)"
                switch value {
                case let .sequence(items):
                    // A value is a scalar or, for list keys such as grid.cells, a flat list of scalars.
                    let values = items.compactMap { item -> String? in
                        if let text = item.scalar?.string { return text }
                        guard case let .sequence(inner) = item, !inner.isEmpty else { return nil }
                        let parts = inner.compactMap { $0.scalar?.string }
                        return parts.count == inner.count ? "[" + parts.joined(separator: ", ") + "]" : nil
                    }
                    if values.count != items.count || values.isEmpty { issue(where_, value, "must list values: single values (e.g. [0 MPa, 1 MPa]) or flat lists (e.g. [[96, 48], [192, 96]]); deeper nesting and mappings are not allowed") }
                    else { variations.append(Variation(path: keyText, values: values)) }
                case let .scalar(text):
                    if text.string == "all" && keyText == "interlayer.name" {
                        variations.append(Variation(path: keyText, values: interlayerNames))
                    } else {
                        issue(where_, value, "'\(text.string)' is not a variation; give a list, a range {from, to, count[, scale: log]}, or 'all' (interlayer.name only)")
                    }
                case let .mapping(range):
                    if let values = rangeValues(range, key: where_, node: value, issue: issue) { variations.append(Variation(path: keyText, values: values)) }
                default:
                    issue(where_, value, "is not a variation")
                }
            }
        } else {
            issue("vary", top["vary"], top["vary"] == nil ? "required key is missing; give the varied deck keys" : "must be a mapping of deck keys to lists or ranges")
        }
        for variation in variations where fixed.contains(where: { $0.0 == variation.path }) {
            issue("set.\(variation.path)", top["set"], "is also varied; give it in 'set' or in 'vary', not both")
        }

        var cases: [Case] = []
        if issues.isEmpty {
            switch combination {
            case .zip:
                let counts = Set(variations.map { $0.values.count })
                if counts.count > 1 {
                    issue("combine", top["combine"], "zip needs lists of one length; they have " + variations.map { "\($0.path): \($0.values.count)" }.joined(separator: ", "))
                } else {
                    let count = counts.first ?? 0
                    cases = (0..<count).map { i in Case(index: i, values: variations.map { ($0.path, $0.values[i]) }) }
                }
            case .product:
                let total = variations.reduce(1.0) { $0 * Double($1.values.count) }
                if total > Double(maximumCases) {
                    issue("vary", top["vary"], String(format: "the product has %.3g cases; at most %d are allowed", total, maximumCases))
                } else {
                    var combos: [[(String, String)]] = [[]]
                    for variation in variations {
                        combos = combos.flatMap { prefix in variation.values.map { prefix + [(variation.path, $0)] } }
                    }
                    cases = combos.enumerated().map { Case(index: $0.offset, values: $0.element.map { (path: $0.0, value: $0.1) }) }
                }
            }
        }
        if !issues.isEmpty { throw DeckErrors(issues: issues) }
        return StudyFile(path: path, text: text, name: studyName, description: scalar("description"), basePath: basePath, baseText: baseText, command: command,
                         outputDirectory: output, ranksPerCase: ranks, combination: combination, fixed: fixed.map { (path: $0.0, value: $0.1) },
                         variations: variations, cases: cases)
    }

    /// {from, to, count[, scale: linear|log]} → values as text, in the unit of `from`.
    static func rangeValues(_ range: Node.Mapping, key: String, node: Node, issue: (String, Node?, String) -> Void) -> [String]? {
        for (name, _) in range where !["from", "to", "count", "scale"].contains(name.string ?? "") {
            issue("\(key).\(name.string ?? "")", node, "is not a range key (allowed: from, to, count, scale)")
            return nil
        }
        guard let fromText = range["from"]?.string, let toText = range["to"]?.string, let countText = range["count"]?.string else {
            issue(key, node, "a range needs from, to and count (e.g. {from: 0 MPa, to: 5 MPa, count: 6})")
            return nil
        }
        func split(_ text: String) -> (Double, String)? {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            let number = trimmed.prefix { "0123456789.eE+-".contains($0) }
            guard let value = Double(number), value.isFinite else { return nil }
            return (value, trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces))
        }
        guard let (from, unit) = split(fromText) else { issue("\(key).from", node, "'\(fromText)' is not a number with an optional unit"); return nil }
        guard let (to, toUnit) = split(toText) else { issue("\(key).to", node, "'\(toText)' is not a number with an optional unit"); return nil }
        guard toUnit == unit else { issue("\(key).to", node, "'\(toText)' has unit '\(toUnit)' but from has '\(unit)'; give both in one unit"); return nil }
        guard let count = Int(countText), (2...10_000).contains(count) else { issue("\(key).count", node, "'\(countText)' is not a count; allowed: an integer 2 to 10000"); return nil }
        let scale = range["scale"]?.string ?? "linear"
        guard scale == "linear" || scale == "log" else { issue("\(key).scale", node, "'\(scale)' is not a scale; allowed: linear, log"); return nil }
        if scale == "log" && (from <= 0 || to <= 0) { issue(key, node, "a log range needs from and to above 0 (they are \(from) and \(to))"); return nil }
        return (0..<count).map { i in
            let s = Double(i) / Double(count - 1)
            let value = scale == "log" ? exp(log(from) + s * (log(to) - log(from))) : from + s * (to - from)
            let number = String(format: "%.6g", value)
            return unit.isEmpty ? number : "\(number) \(unit)"
        }
    }

    /// The deck text of a case: the base with `set` and the case's values substituted.
    public func deckText(for study: Case, outputDirectory: String) throws -> String {
        guard let root = try Yams.compose(yaml: baseText), case .mapping = root else {
            throw DeckErrors(issues: [DeckIssue(file: (basePath as NSString).lastPathComponent, line: nil, path: "", message: "the base deck is not a mapping")])
        }
        var node = root
        var overrides = fixed + study.values
        // 'bare' is the plain contact: no interlayer.name at all.
        let bare = overrides.contains { $0.path == "interlayer.name" && $0.value == "bare" }
        overrides.removeAll { $0.path == "interlayer.name" && $0.value == "bare" }
        overrides.append((path: "output.directory", value: outputDirectory))
        if bare { node = Self.removing(node, path: ["interlayer", "name"]) }
        for (path, value) in overrides { node = Self.setting(node, path: path.split(separator: ".").map(String.init), value: value) }
        return try Yams.serialize(node: node)
    }

    static func setting(_ node: Node, path: [String], value: String) -> Node {
        guard let key = path.first else { return Node(value) }
        var mapping: Node.Mapping
        if case let .mapping(existing) = node { mapping = existing } else { mapping = Node.Mapping([]) }
        let child = mapping[key] ?? Node.mapping(Node.Mapping([]))
        mapping[key] = path.count == 1 ? Self.valueNode(value) : setting(child, path: Array(path.dropFirst()), value: value)
        return .mapping(mapping)
    }

    /// A list value ("[96, 48]", made by the parser from a flat list) goes back in as a list, so
    /// the deck reader sees the same structure a hand-written deck has.
    static func valueNode(_ value: String) -> Node {
        guard value.hasPrefix("["), value.hasSuffix("]") else { return Node(value) }
        let parts = value.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return .sequence(Node.Sequence(parts.map { Node($0) }, Tag(.seq), .flow))
    }

    static func removing(_ node: Node, path: [String]) -> Node {
        guard let key = path.first, case var .mapping(mapping) = node else { return node }
        if path.count == 1 { mapping[key] = nil } else if let child = mapping[key] { mapping[key] = removing(child, path: Array(path.dropFirst())) }
        return .mapping(mapping)
    }
}
