import Foundation
import LiPhaseIO
import LiPhasePhysics

/// Values derived from a deck with the physics laws; `liphase validate` prints them.
extension RunConfiguration {
    /// i₀ = RT/(F·R_ct), A/m².
    public var exchangeCurrentDensity: Double {
        ButlerVolmer.exchangeCurrentDensity(chargeTransferResistance: chargeTransferResistance, temperature: temperature)
    }

    /// Values derived from the deck, printed by `liphase validate` so a user sees what will run.
    public func derivedValues() -> [(name: String, value: String)] {
        var out: [(String, String)] = []
        out.append(("cells", (0..<dimensions).map { String(cells[$0]) }.joined(separator: " × ") + " = \(cells.product)"))
        out.append(("spacing", (0..<dimensions).map { String(format: "%.6g", spacing[$0]) }.joined(separator: ", ") + (model == .pfhub7a ? " (benchmark units)" : " m")))
        out.append(("temperature", String(format: "%.2f K", temperature)))
        out.append(("exchange current density i₀ = RT/(F·R_ct)", String(format: "%.4g mA/cm²", exchangeCurrentDensity / 10)))
        if let every = outputEveryTime { out.append(("field output", String(format: "every %g s of simulated time", every))) }
        if let steps = outputEverySteps { out.append(("field output (steps)", "every \(steps) steps")) }
        // Fields + a spare copy per stepped field, ghosts included, plus halo buffers: an estimate.
        let bytesPerCell = 8 * 3
        out.append(("memory estimate", String(format: "%.1f MiB", Double(cells.product * bytesPerCell) / 1_048_576)))
        return out
    }
}
