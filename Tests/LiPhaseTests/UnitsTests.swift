import XCTest
@testable import LiPhaseIO
import LiPhasePhysics

final class UnitsTests: XCTestCase {
    func si(_ q: Quantity, _ text: String) -> Double? { try? q.parse(text).get() }

    func testBareNumbersUseTheLiteratureUnit() {
        XCTAssertEqual(si(.length, "12"), 12e-6)
        XCTAssertEqual(si(.currentDensity, "0.5"), 5.0)            // 0.5 mA/cm² = 5 A/m²
        XCTAssertEqual(si(.areaResistance, "2"), 2e-4)             // 2 Ω·cm² = 2e-4 Ω·m²
        XCTAssertEqual(si(.conductivity, "1e-3"), 0.1)             // S/cm → S/m
        XCTAssertEqual(si(.pressure, "2"), 2e6)
        XCTAssertEqual(si(.temperature, "25"), 298.15)
    }

    func testUnitStringsConvertToSI() throws {
        XCTAssertEqual(si(.time, "2 h"), 7200)
        XCTAssertEqual(si(.time, "30 min"), 1800)
        XCTAssertEqual(si(.temperature, "330 K"), 330)
        XCTAssertEqual(si(.temperature, "60 °C"), 333.15)
        XCTAssertEqual(si(.length, "5 nm"), 5e-9)
        XCTAssertEqual(si(.length, "3 µm"), 3e-6)
        XCTAssertEqual(si(.length, "3 um"), 3e-6)
        XCTAssertEqual(si(.areaResistance, "400 Ω·cm²"), 400e-4)
        XCTAssertEqual(si(.areaResistance, "400 ohm*cm^2"), 400e-4)
        XCTAssertEqual(si(.currentDensity, "100 uA/cm2"), 1.0)
        XCTAssertEqual(si(.pressure, "10 bar"), 1e6)
        XCTAssertEqual(si(.voltage, "-450 mV"), -0.45)
        let ev = try XCTUnwrap(si(.activationEnergy, "0.55 eV"))
        XCTAssertEqual(ev / PhysicalConstants.boltzmann, 0.55 * 11604.518, accuracy: 1e-3 * 0.55 * 11604.518)
        let kj = try XCTUnwrap(si(.activationEnergy, "37 kJ/mol"))
        XCTAssertEqual(kj / PhysicalConstants.boltzmann, 37_000 / PhysicalConstants.gas, accuracy: 1e-6 * 4450)
    }

    func testExponentIsNotMistakenForAUnit() {
        XCTAssertEqual(si(.activationEnergy, "1eV"), 1.602176634e-19)
        XCTAssertEqual(si(.length, "1e2 um") ?? 0, 1e-4, accuracy: 1e-19)
    }

    func testFailuresAreClassified() {
        XCTAssertEqual(Quantity.time.parse("5 kg"), .failure(.unknownUnit("kg")))
        XCTAssertEqual(Quantity.time.parse("abc"), .failure(.notANumber))
        XCTAssertEqual(Quantity.time.parse("1e400"), .failure(.notFinite))
        XCTAssertEqual(Quantity.time.parse("nan"), .failure(.notANumber))
    }

    func testRoundTripThroughLiteratureUnits() {
        for quantity in Quantity.allCases {
            XCTAssertEqual(quantity.fromSI(quantity.toSI(3.25)), 3.25, accuracy: 1e-12, "\(quantity)")
        }
    }
}
