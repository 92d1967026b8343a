import Foundation
import XCTest
@testable import LiPhase
import LiPhaseGrid
import LiPhaseIO
import LiPhasePhysics

/// Contact loss during stripping (MODEL.md §6): supply-limited resupply opens voids, voids carry
/// no current, stack pressure restores supply through creep (Kasemchainan et al. Nat. Mater.
/// 2019; Wang, Choudhury & Sakamoto, Joule 2019).
final class ContactLossTests: XCTestCase {
    static let molarVolume = 12.97e-6

    /// A planar contact stripped for `duration`: 12 µm × 0.5 µm at Δx = 0.25 µm (ℓ = 1 µm), 3 µm of
    /// Li and a 20 µm reservoir, clean Li/LLZO kinetics.
    func run(current: Double, duration: String = "1 h", maximumStep: String = "60 s", pressure: Double = 0, temperature: Double = 25, reservoir: String = "20 um",
             protocol: String? = nil, contact: String = "", extra: String = "", name: String = #function) throws -> (Simulation, RunOutcome) {
        let deck = """
        model: electrodeposition
        temperature: \(temperature)
        grid: {cells: [48, 2], size: [12 um, 0.5 um]}
        time: {end: \(duration), max_dt: \(maximumStep)}
        output: {directory: \(scratchDirectory("contact-\(name)")), every_time: 10 h, timeseries_every_steps: 5}
        cell: {anode_thickness: 3 um, reservoir_thickness: \(reservoir)}
        contact: {stack_pressure: \(pressure)\(contact)}
        protocol: \(`protocol` ?? "{current_density: \(current)}")
        \(extra)
        """
        let simulation = try Simulation(configuration: RunConfiguration(deck: DeckParser.parse(text: deck, fileName: "contact.yaml")), world: testWorld)
        let outcome = try simulation.run()
        return (simulation, outcome)
    }

    /// J at which v_sup(f = 1) just covers uniform stripping, mA/cm².
    func sustainable(pressure: Double, temperature: Double = 25) -> Double {
        let t = temperature + 273.15
        let law = SupplyLaw(diffusive: arrhenius(ContactDefaults.diffusiveSupply, activationEnergy: 0.55 * 1.602176634e-19, temperature: t),
                            creepCoefficient: arrhenius(ContactDefaults.creepCoefficient, activationEnergy: 37e3 / 6.02214076e23, temperature: t),
                            creepExponent: 6.56, stackPressure: pressure * 1e6)
        return law.sustainableCurrentDensity(molarVolume: Self.molarVolume) / 10
    }

    /// Over a 1 h strip at 0 MPa the contact stays within 1 % of f₀ = 1 at 0.9 × the sustainable
    /// current and falls by more than 10 % at 1.5 ×.
    func testContactHoldsBelowAndFallsAboveTheCriticalStrippingCurrent() throws {
        let critical = sustainable(pressure: 0)
        let below = try run(current: -0.9 * critical)
        let above = try run(current: -1.5 * critical)
        let fBelow = try diagnostic(below.0, "contact_fraction"), fAbove = try diagnostic(above.0, "contact_fraction")
        print("contact after 1 h at 0.9 × CSC: \(fBelow); at 1.5 ×: \(fAbove)")
        XCTAssertEqual(fBelow, 1, accuracy: 0.01)
        XCTAssertLessThan(fAbove, 0.9)
        XCTAssertGreaterThan(try diagnostic(above.0, "void_um"), 0)
    }

    /// The critical stripping current found by bisection on the run itself (the largest J whose
    /// 1 h strip keeps f within 1 % of 1, to 0.3 %) rises strictly with pressure (0, 1, 2, 4 MPa)
    /// at 25 °C and with temperature (0, 25, 50 °C) at 0 MPa, and sits within −3 to +10 % of the sustainable current of the
    /// supply law (non-uniform current along the diffuse profile opens a little void before it, and a finite-time criterion
    /// needs some overdrive; docs/calibration.md).
    func testCriticalStrippingCurrentRisesWithPressureAndTemperature() throws {
        func critical(pressure: Double, temperature: Double) throws -> Double {
            let estimate = sustainable(pressure: pressure, temperature: temperature)
            var low = 0.85 * estimate, high = 1.25 * estimate
            for _ in 0..<7 {
                let middle = (low * high).squareRoot()
                // 4 MPa strips 140 µm in the hour. A flat contact barely needs relaxation, and
                // its slowest rate keeps the 4 MPa runs to a few hundred steps.
                let (simulation, _) = try run(current: -middle, pressure: pressure, temperature: temperature, reservoir: "300 um",
                                              extra: "phase_field: {relaxation_speedup: 1}")
                if try diagnostic(simulation, "contact_fraction") >= 0.99 { low = middle } else { high = middle }
            }
            let found = (low * high).squareRoot()
            print(String(format: "critical stripping current at %g MPa, %g °C: %.5g mA/cm² (supply law %.5g, ratio %.4f)", pressure, temperature, found, estimate, found / estimate))
            // A 1 % loss in 1 h is 2 nm of gap (σ = 0.2 µm): an overdrive of ≈ 2 nm/(v_sup·1 h), 3 % at
            // 0 °C; the few nm that open at the law's current put 25–50 °C 1–2.5 % below it.
            XCTAssertGreaterThan(found / estimate, 0.97)
            XCTAssertLessThan(found / estimate, 1.1)
            return found
        }
        var byPressure = try [0.0, 1, 2].map { try critical(pressure: $0, temperature: 25) }
        // The calibration (docs/calibration.md, same deck) holds: 0.1 and 0.4 mA/cm² to the
        // bisection's 0.3 % (twice, for the script's and this bisection).
        XCTAssertEqual(byPressure[0], 0.1, accuracy: 0.006 * 0.1)
        XCTAssertEqual(byPressure[2], 0.4, accuracy: 0.006 * 0.4)
        // 4 MPa (supply law: 28 mA/cm²) holds its contact at 1.5 × the 2 MPa value, so its
        // critical current is higher; bisecting it would take thousands of steps per run.
        let (fourMPa, _) = try run(current: -1.5 * byPressure[2], pressure: 4, temperature: 25, extra: "phase_field: {relaxation_speedup: 1}")
        XCTAssertGreaterThanOrEqual(try diagnostic(fourMPa, "contact_fraction"), 0.99)
        byPressure.append(1.5 * byPressure[2])
        for (a, b) in zip(byPressure, byPressure.dropFirst()) { XCTAssertGreaterThan(b, a) }
        let byTemperature = try [0.0, 50].map { try critical(pressure: 0, temperature: $0) }
        XCTAssertLessThan(byTemperature[0], byPressure[0])
        XCTAssertGreaterThan(byTemperature[1], byPressure[0])
    }

    /// Strip 30 min at 3 × the critical current (voids open), then plate 30 min (plating and
    /// supply refill them): the Li inventory balances to 1e-8 throughout, and the void shrinks.
    func testInventoryBalancesThroughAStripPlateCycleWithVoids() throws {
        let (simulation, _) = try run(current: 0.3, duration: "1 h", protocol: "{mode: cycle, current_density: 0.3, half_cycle: 30 min, first: strip}")
        let path = simulation.outputDirectory + "/timeseries.csv"
        let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = try XCTUnwrap(rows.first)
        let imbalance = try XCTUnwrap(header.firstIndex(of: "li_inventory_imbalance")), void = try XCTUnwrap(header.firstIndex(of: "void_um"))
        let time = try XCTUnwrap(header.firstIndex(of: "time"))
        var worst = 0.0, largestVoid = 0.0
        for row in rows.dropFirst() {
            worst = max(worst, abs(Double(row[imbalance]) ?? .nan))
            if (Double(row[time]) ?? 0) <= 1800 { largestVoid = max(largestVoid, Double(row[void]) ?? 0) }
        }
        let finalVoid = try diagnostic(simulation, "void_um")
        print("cycle: worst inventory imbalance \(worst), void after stripping \(largestVoid) µm, after plating \(finalVoid) µm")
        XCTAssertLessThan(worst, 1e-8)
        XCTAssertGreaterThan(largestVoid, 0.1)
        XCTAssertLessThan(finalVoid, 0.5 * largestVoid)
    }

    /// A planar contact stripped at twice the sustainable current, 0 MPa. All of the deficit opens
    /// a gap w, so dw/dt = a − b·f with a = J·Ω/F, b = v_d, and the asperity law f = exp(−w/σ)
    /// gives f(t) = 1/(b/a + (1 − b/a)·e^{a·t/σ}), with no ℓ in it. For ℓ = 1 and 2 µm (4 and 8
    /// cells) the contact fraction follows the closed form within 3 % down to f ≈ 0.45 (15 min),
    /// and the two widths agree within 1 %. The tolerances come from what the closed form leaves
    /// out: near the front a cell short of Li draws its deficit from the reservoir (profile
    /// tails), which slows the gap by 1.4 % at f = 0.46 with Δt ≤ 1 s; the time series records the
    /// step-start f against the step-end time, which at Δt ≤ 5 s is up to a·Δt/σ = 0.7 %.
    func testStrippedContactFollowsTheAsperityLawWhateverTheInterfaceWidth() throws {
        let current = 0.2, sigma = ContactDefaults.roughness
        let a = current * 10 * Self.molarVolume / 96485.33212, b = ContactDefaults.diffusiveSupply
        var finals: [Double] = []
        for cells in [4, 8] {
            let (simulation, _) = try run(current: -current, duration: "15 min", maximumStep: "5 s", extra: "phase_field: {interface_cells: \(cells)}", name: "asperity-\(cells)")
            let rows = try timeSeries(simulation)
            var worst = 0.0
            for row in rows {
                let t = try XCTUnwrap(row["time"]), f = try XCTUnwrap(row["contact_fraction"])
                worst = max(worst, abs(f * (b / a + (1 - b / a) * exp(a * t / sigma)) - 1))
            }
            let f = try diagnostic(simulation, "contact_fraction")
            print(String(format: "ℓ = %d cells: f(15 min) = %.4f, worst deviation from the closed form %.4f", cells, f, worst))
            XCTAssertLessThan(f, 0.5)
            XCTAssertLessThan(worst, 0.03)
            finals.append(f)
        }
        XCTAssertEqual(finals[1] / finals[0], 1, accuracy: 0.01)
    }

    /// The time series as rows of named numbers.
    func timeSeries(_ simulation: Simulation) throws -> [[String: Double]] {
        let lines = try String(contentsOfFile: simulation.outputDirectory + "/timeseries.csv", encoding: .utf8).split(separator: "\n")
        let header = try XCTUnwrap(lines.first).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) ?? .nan }))
        }
    }

    /// A uniform interlayer (R_ct = 20 Ω·cm², R_IL,i = 30 Ω·cm²) against a contact with
    /// negligible resistance (R_ct = 0.001 Ω·cm²): at 0.1 mA/cm² the kinetics are linear to
    /// 3·10⁻⁴, and the cell voltage moves by J·(R_ct + R_IL,i) = 5 mV within 1 %.
    func testUniformInterlayerShiftsTheCellVoltageByItsAreaResistance() throws {
        func voltage(_ contact: String, name: String) throws -> Double {
            let (simulation, _) = try run(current: 0.1, duration: "1 s", extra: contact, name: name)
            return try diagnostic(simulation, "cell_voltage_V")
        }
        let bare = try voltage("interlayer: {charge_transfer_resistance: 0.001}", name: "bare")
        let film = try voltage("interlayer: {name: ald_al2o3_han2017, charge_transfer_resistance: 20, ionic_resistance: 30}", name: "film")
        let expected = 0.1 * 10 * (20 + 30 - 0.001) * 1e-4
        print("interlayer shift \(abs(film - bare)) V, expected \(expected) V")
        XCTAssertEqual(abs(film - bare), expected, accuracy: 0.01 * expected)
    }

    /// One void patch of width w, centred in a 64 µm wide cell (20 µm deep, Δx = 0.5 µm, ℓ = 2 µm,
    /// R_ct = 2 Ω·cm², σ_g = 1e-3 S/cm: kinetic length R_ct·σ_g = 20 µm), plated at 1 mA/cm².
    /// Per column, the contact current density is Σq·Δx / ΣA_r·Δx; at the patch edges it exceeds
    /// the mean over the contact, J/f, and the amplification grows with the patch.
    func testVoidPatchFocusesCurrentAtItsEdges() throws {
        var amplification: [Double] = []
        for width in [2.0, 4, 8, 16] {
            let deck = """
            model: electrodeposition
            grid: {cells: [40, 128], size: [20 um, 64 um]}
            time: {end: 1 s}
            output: {directory: \(scratchDirectory("patch-\(Int(width))")), every_time: 10 h}
            cell: {anode_thickness: 6 um}
            protocol: {current_density: 1}
            """
            let simulation = try Simulation(configuration: RunConfiguration(deck: DeckParser.parse(text: deck, fileName: "patch.yaml")), world: testWorld)
            let model = try XCTUnwrap(simulation.model as? ElectrodepositionModel)
            let g = model.grid.geometry, ny = g.cells.y, dx = g.spacing[0], profile = model.parameters.phaseField
            let h = 6e-6, recessed = h - 1.5 * profile.width
            for j in 0..<ny where abs(g.centre(1, j) - 32e-6) < width * 1e-6 / 2 {
                for i in 0..<g.cells.x {
                    let x = g.centre(0, i), full = profile.profile(x, interface: h), li = profile.profile(x, interface: recessed)
                    model.state.lithium[i, j, 0] = li
                    model.state.void[i, j, 0] = max(0, full - li)
                }
            }
            _ = try model.stableTimeStep(time: 0)
            var contact = [Double](repeating: 0, count: ny), current = [Double](repeating: 0, count: ny)
            for j in 0..<ny { for i in 0..<g.cells.x {
                contact[j] += model.state.reactiveArea[i, j, 0] * dx
                current[j] += -model.state.faradaicCurrent[i, j, 0] * dx
            } }
            let f = contact.reduce(0, +) / Double(ny)
            XCTAssertEqual(f, model.contactFraction, accuracy: 1e-12)
            let mean = 10.0 / f
            let edge = (0..<ny).filter { contact[$0] > 0.5 }.map { current[$0] / contact[$0] }.max() ?? 0
            let far = current[0] / contact[0]
            print(String(format: "void patch %g µm: f = %.4f, edge %.4g A/m², far %.4g A/m², mean on contact %.4g A/m², amplification %.4f", width, f, edge, far, mean, edge / mean))
            XCTAssertGreaterThan(edge / mean, 1)
            amplification.append(edge / mean)
        }
        for (a, b) in zip(amplification, amplification.dropFirst()) { XCTAssertGreaterThan(b, a) }
    }

    /// An anode-free start (h_a = 0 behind 3 µm of Li), stripped at 0.5 mA/cm² with ample supply:
    /// the empty reservoir covers nothing, so every stripped cell turns to void (MODEL.md §5),
    /// the contact recedes into the Li and goes; the run stops on anode exhaustion before the
    /// 3 µm could have been stripped (89 min) and after at least a tenth of ℓ = 1 µm was.
    func testAnodeFreeStartStopsOnExhaustion() throws {
        let (simulation, outcome) = try run(current: -0.5, duration: "3 h", reservoir: "0 um", contact: ", diffusive_supply: 1000")
        guard case let .ended(_, time, event) = outcome else { return XCTFail("the run did not stop: \(outcome)") }
        print("anode-free: \(event) at t = \(time) s, void \(try diagnostic(simulation, "void_um")) µm, contact \(try diagnostic(simulation, "contact_fraction"))")
        XCTAssertTrue("\(event)".contains("anode exhaustion"), "\(event)")
        let speed = 5 * 12.97e-6 / 96485.33212
        XCTAssertGreaterThan(time, 0.1e-6 / speed)
        XCTAssertLessThan(time, 3e-6 / speed)
        XCTAssertEqual(try diagnostic(simulation, "li_inventory_imbalance"), 0, accuracy: 1e-8)
    }
}
