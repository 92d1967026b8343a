import Foundation
import LiPhaseIO
import LiPhasePhysics

/// Values derived from a deck with the physics laws; `liphase validate` prints them.
extension RunConfiguration {
    /// Values derived from the deck, printed by `liphase validate` so a user sees what will run.
    public func derivedValues() -> [(name: String, value: String)] {
        var out: [(String, String)] = []
        out.append(("cells", (0..<dimensions).map { String(cells[$0]) }.joined(separator: " × ") + " = \(cells.product)"))
        out.append(("spacing", (0..<dimensions).map { String(format: "%.6g", model == .pfhub7a ? spacing[$0] : spacing[$0] * 1e6) }.joined(separator: ", ")
                    + (model == .pfhub7a ? " (benchmark units)" : " µm")))
        out.append(("temperature", String(format: "%.2f K", temperature)))
        if let p = electrodepositionParameters {
            out.append(("σ_g(T), ionic", String(format: "%.4g S/cm", p.ionicConductivity / 100)))
            out.append(("σ_e(T), electrolyte", String(format: "%.4g S/cm", p.electronicConductivity / 100)))
            out.append(("σ_Li (capped)", String(format: "%.4g S/cm", p.lithiumConductivity / 100)))
            out.append(("exchange current density i₀(T)", String(format: "%.4g mA/cm²", p.kinetics.exchangeCurrentDensity / 10)))
            out.append(("penetration threshold η_pen", String(format: "%.1f mV", p.penetrationThreshold * 1e3)))
            out.append(("interface width ℓ", String(format: "%.4g µm", p.phaseField.width * 1e6)))
            out.append(("gradient coefficient κ = 3γℓ/2", String(format: "%.4g J/m", p.phaseField.gradientCoefficient)))
            out.append(("barrier W = 12γ/ℓ", String(format: "%.4g J/m³", p.phaseField.barrierHeight)))
            out.append(("nominal front speed", String(format: "%.4g µm/h", p.nominalSpeed * 3.6e9)))
            out.append(("relaxation mobility L", String(format: "%.4g m³/(J·s)", p.mobility)))
            out.append(("stable relaxation step", String(format: "%.4g s", p.relaxationStableStep(dimensions: dimensions))))
            out.append(("series resistance beyond the domain", String(format: "%.4g Ω·cm²", p.seriesResistance * 1e4)))
        }
        if let every = outputEveryTime { out.append(("field output", String(format: "every %g s of simulated time", every))) }
        if let steps = outputEverySteps { out.append(("field output (steps)", "every \(steps) steps")) }
        // The same estimate the memory pre-flight uses.
        let bytesPerCell = 8 * Simulation.fieldsPerCell(model)
        out.append(("memory estimate", String(format: "%.1f MiB", Double(cells.product * bytesPerCell) / 1_048_576)))
        return out
    }
}
