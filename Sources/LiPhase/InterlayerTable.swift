import Foundation
import LiPhaseIO
import LiPhaseMaterials

/// `liphase info interlayers`: every library entry with the model parameters its rules give
/// (docs/interlayers.md), at the deck defaults (E_a of i₀ 0.3 eV, 25 °C).
public enum InterlayerTable {
    public static let exchangeActivationEnergy = 0.3 * 1.602176634e-19

    public static func render(_ records: [InterlayerRecord] = InterlayerLibrary.builtIn, markdown: Bool) -> String {
        let header = ["name", "family", "e⁻ blocking", "alloying", "ASR (Ω·cm²)", "at (°C)", "R_ct 25 °C (Ω·cm²)", "R_IL,e (Ω·cm²)", "f₀", "χ", "source"]
        let rows = records.map { r -> [String] in
            let p = InterlayerRules.parameters(r, exchangeActivationEnergy: exchangeActivationEnergy, referenceTemperature: ElectrodepositionSettings.referenceTemperature)
            return [r.key, r.family, r.electronBlocking.rawValue, r.alloying ? "yes" : "no", String(format: "%g", r.resistanceAfter * 1e4),
                    r.temperature.map { String(format: "%g", $0 - 273.15) } ?? "(25)", String(format: "%.4g", p.chargeTransferResistance * 1e4),
                    String(format: "%g", p.electronicResistance * 1e4), String(format: "%g", p.initialContactFraction), String(format: "%g", p.supplyFactor), r.source]
        }
        if markdown {
            let line = { (cells: [String]) in "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
            return ([line(header), line(header.map { _ in "---" })] + rows.map(line)).joined(separator: "\n") + "\n"
        }
        // Plain text: every column but the source padded, the source last.
        let widths = (0..<header.count - 1).map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
        let pad = { (cells: [String]) in
            (0..<cells.count - 1).map { cells[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ") + "  " + (cells.last ?? "")
        }
        return "\(records.count) interlayers (Inputs/interlayers.yaml; rules in docs/interlayers.md). Use one with `interlayer.name: <name>`.\n"
            + ([pad(header)] + rows.map(pad)).joined(separator: "\n") + "\n"
    }
}
