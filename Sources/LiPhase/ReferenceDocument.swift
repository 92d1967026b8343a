import LiPhaseIO

/// The input reference, generated from `DeckSchema`: `liphase schema` prints it and
/// docs/input-reference.md is a copy that a test keeps identical.
public enum ReferenceDocument {
    public static func markdown() -> String {
        var out = """
        # LiPhase input reference

        Generated from the schema in the code by `liphase schema`; do not edit by hand
        (`Scripts/gen-docs.sh` rewrites it, and a test fails when it is stale).

        Decks are YAML. A quantity is a bare number in the unit shown, or a string with a unit,
        e.g. `time.end: 2 h`, `temperature: 330 K`, `grid.size: [50 um, 20 um]`.
        Every problem in a deck is reported at once by `liphase validate DECK`, with its line.

        """
        for section in DeckSchema.sections {
            let keys = DeckSchema.keys.filter { key in
                let parts = key.path.split(separator: ".")
                return section.name.isEmpty ? parts.count == 1 : (parts.count > 1 && parts[0] == section.name)
            }
            guard !keys.isEmpty else { continue }
            out += "\n## \(section.name.isEmpty ? "Top level" : "`\(section.name)`")\n\n\(section.summary)\n\n"
            out += "| key | type | unit | default | allowed | meaning |\n|---|---|---|---|---|---|\n"
            for key in keys {
                let type: String
                switch key.kind {
                case .real: type = "number"
                case .integer: type = "integer"
                case .boolean: type = "boolean"
                case let .choice(options): type = options.map { "`\($0)`" }.joined(separator: " \\| ")
                case .text: type = "string"
                case let .realList(_, count): type = "list of \(count.lowerBound)–\(count.upperBound) numbers"
                case let .integerList(count): type = "list of \(count.lowerBound)–\(count.upperBound) integers"
                }
                let defaultText = key.required ? "required" : (key.defaultText.map { "`\($0)`" } ?? "—")
                let allowed = key.bounds?.text ?? "—"
                out += "| `\(key.path)` | \(type) | \(key.unit.isEmpty ? "—" : key.unit) | \(defaultText) | \(allowed) | \(key.summary) |\n"
            }
        }
        out += "\n## Units accepted in strings\n\n| quantity | bare-number unit | also accepted |\n|---|---|---|\n"
        for quantity in Quantity.allCases where quantity != .dimensionless {
            out += "| \(quantity.noun) | \(quantity.unit) | \(quantity.acceptedUnits.joined(separator: ", ")) |\n"
        }
        out += "\n## Exit codes of `liphase`\n\n| code | meaning |\n|---|---|\n"
        for code in LiPhaseExitCode.allCases { out += "| \(code.rawValue) | \(code.meaning) |\n" }
        return out
    }
}
