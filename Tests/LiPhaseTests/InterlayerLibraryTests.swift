import Foundation
import XCTest
@testable import LiPhase
@testable import LiPhaseIO
import LiPhaseMaterials
import LiPhasePhysics

/// The interlayer library (docs/interlayers.md) against its literature table, its rules, and
/// the supply law of MODEL.md §6.
final class InterlayerLibraryTests: XCTestCase {
    func csvRows() throws -> [[String: String]] {
        let text = try String(contentsOfFile: packageRoot + "/Inputs/literature/interlayers.csv", encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try XCTUnwrap(lines.first)
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    /// Every row of the CSV is an entry with the same literature values and its source.
    func testLibraryHoldsEveryRowOfTheLiteratureTable() throws {
        let rows = try csvRows(), library = InterlayerLibrary.builtIn
        XCTAssertEqual(library.count, rows.count)
        XCTAssertEqual(rows.count, 57)
        for row in rows {
            let key = try XCTUnwrap(row["key"])
            let entry = try XCTUnwrap(library.first { $0.key == key }, key)
            XCTAssertEqual(entry.resistanceAfter, try XCTUnwrap(Double(row["asr_after_ohm_cm2"] ?? "")) * 1e-4, accuracy: 1e-15, key)
            XCTAssertEqual(entry.resistanceBefore, Double(row["asr_before_ohm_cm2"] ?? "").map { $0 * 1e-4 }, key)
            XCTAssertEqual(entry.temperature, Double(row["temperature_C"] ?? "").map { $0 + 273.15 }, key)
            XCTAssertEqual(entry.family, row["family"], key)
            XCTAssertEqual(entry.electronBlocking.rawValue, row["electron_blocking"], key)
            XCTAssertEqual(entry.alloying, row["alloying"] == "yes", key)
            XCTAssertEqual(entry.source, row["source"], key)
            XCTAssertFalse(entry.source.isEmpty, key)
        }
        // The binary carries exactly Inputs/interlayers.yaml.
        let file = try String(contentsOfFile: packageRoot + "/Inputs/interlayers.yaml", encoding: .utf8)
        XCTAssertEqual(InterlayerLibraryText.yaml.trimmingCharacters(in: .whitespacesAndNewlines), file.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(try InterlayerLibrary.load(path: packageRoot + "/Inputs/interlayers.yaml"), library)
    }

    /// `liphase validate` accepts every name, with the rules' parameters; a misspelt name is an
    /// error that suggests the nearest entry.
    func testEveryInterlayerNameValidates() throws {
        for entry in InterlayerLibrary.builtIn {
            let deck = "model: electrodeposition\ngrid: {cells: [40, 8], size: [20 um, 4 um]}\ntime: {end: 1 s}\ninterlayer: {name: \(entry.key)}\n"
            let configuration = try RunConfiguration(deck: DeckParser.parse(text: deck, fileName: "\(entry.key).yaml"))
            let settings = try XCTUnwrap(configuration.electrodeposition)
            XCTAssertEqual(settings.interlayer.record, entry)
            XCTAssertEqual(settings.interlayer.parameters, InterlayerRules.parameters(entry, exchangeActivationEnergy: settings.exchangeActivationEnergy,
                                                                                     referenceTemperature: ElectrodepositionSettings.referenceTemperature))
        }
        let misspelt = "model: electrodeposition\ngrid: {cells: [40, 8], size: [20 um, 4 um]}\ntime: {end: 1 s}\ninterlayer: {name: ald_al2o3_han2071}\n"
        XCTAssertThrowsError(try RunConfiguration(deck: DeckParser.parse(text: misspelt, fileName: "bad.yaml"))) { error in
            XCTAssertTrue("\(error)".contains("interlayer.name") && "\(error)".contains("did you mean 'ald_al2o3_han2017'"), "\(error)")
        }
        XCTAssertTrue(InterlayerTable.render(markdown: true).split(separator: "\n").count == 59)
    }

    /// The rules: a contaminated contact touches half the area and carries the measured ASR on it;
    /// an ASR measured at 60 °C is given back by the model's linear resistance RT/(F·i₀(T)) at 60 °C.
    func testRulesGiveBackTheMeasuredResistance() throws {
        let activation = 0.3 * 1.602176634e-19, reference = 298.15
        let carbonate = InterlayerRecord(key: "c", label: "", family: "contaminated", electronBlocking: .unknown, alloying: false, resistanceBefore: nil,
                                         resistanceAfter: 400e-4, thickness: nil, temperature: nil, source: "")
        let p = InterlayerRules.parameters(carbonate, exchangeActivationEnergy: activation, referenceTemperature: reference)
        XCTAssertEqual(p.initialContactFraction, 0.5)
        XCTAssertEqual(p.chargeTransferResistance / p.initialContactFraction, 400e-4, accuracy: 1e-15)
        XCTAssertEqual(p.supplyFactor, 1)
        var hot = carbonate
        hot.family = "conversion"
        hot.temperature = 333.15
        hot.alloying = true
        hot.electronBlocking = .yes
        let q = InterlayerRules.parameters(hot, exchangeActivationEnergy: activation, referenceTemperature: reference)
        let exchange = arrhenius(ButlerVolmer.exchangeCurrentDensity(chargeTransferResistance: q.chargeTransferResistance, temperature: reference),
                                 activationEnergy: activation, temperature: 333.15)
        XCTAssertEqual(PhysicalConstants.gas * 333.15 / (PhysicalConstants.faraday * exchange), 400e-4, accuracy: 1e-12)
        XCTAssertGreaterThan(q.chargeTransferResistance, 400e-4)
        XCTAssertEqual(q.supplyFactor, 4)
        XCTAssertEqual(q.electronicResistance, 1e2)
    }

    /// v_sup = χv_d + B(P/f)^n: no pressure, no creep; the load on half the contact is twice the
    /// stack pressure; J = v_sup·F/Ω.
    func testSupplyLaw() {
        let law = SupplyLaw(diffusive: 1e-10, creepCoefficient: 2e-12, creepExponent: 6.56, stackPressure: 1e6)
        XCTAssertEqual(SupplyLaw(diffusive: 1e-10, creepCoefficient: 2e-12, creepExponent: 6.56, stackPressure: 0).velocity(contactFraction: 0.3), 1e-10)
        XCTAssertEqual(law.velocity(contactFraction: 1), 1.02e-10, accuracy: 1e-22)
        var doubled = law
        doubled.stackPressure = 2e6
        XCTAssertEqual(law.velocity(contactFraction: 0.5), doubled.velocity(contactFraction: 1), accuracy: 1e-22)
        XCTAssertEqual(law.velocity(contactFraction: 0.5), 1e-10 + 2e-12 * pow(2, 6.56), accuracy: 1e-22)
        XCTAssertEqual(law.sustainableCurrentDensity(molarVolume: 12.97e-6), 1.02e-10 * PhysicalConstants.faraday / 12.97e-6, accuracy: 1e-12)
    }
}
