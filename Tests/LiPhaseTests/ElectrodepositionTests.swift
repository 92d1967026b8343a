import Foundation
import XCTest
@testable import LiPhase
import LiPhaseGrid
@testable import LiPhaseIO
import LiPhasePhysics

/// Verification of the electrodeposition core (MODEL.md §11, issue "Electrodeposition core").
final class ElectrodepositionTests: XCTestCase {
    func run(_ deck: String, name: String = #function) throws -> Simulation {
        let directory = scratchDirectory("ed-\(name)")
        let text = deck + "\noutput:\n  directory: \(directory)\n  timeseries_every_steps: 1\n"
        let configuration = try RunConfiguration(deck: DeckParser.parse(text: text, fileName: "\(name).yaml"))
        let simulation = try Simulation(configuration: configuration, world: testWorld)
        _ = try simulation.run()
        return simulation
    }


    func model(_ simulation: Simulation) throws -> ElectrodepositionModel {
        try XCTUnwrap(simulation.model as? ElectrodepositionModel)
    }

    /// Mean x of the ξ = ½ crossing over all columns (linear interpolation between centres).
    func frontPosition(_ simulation: Simulation) throws -> Double {
        let m = try model(simulation), xi = m.state.lithium, g = m.grid.geometry
        var total = 0.0
        for j in 0..<g.cells.y {
            for i in 0..<(g.cells.x - 1) where xi[i, j, 0] >= 0.5 && xi[i + 1, j, 0] < 0.5 {
                let fraction = (xi[i, j, 0] - 0.5) / (xi[i, j, 0] - xi[i + 1, j, 0])
                total += g.centre(0, i) + fraction * g.spacing[0]
                break
            }
        }
        return total / Double(g.cells.y)
    }

    static let planar = """
    model: electrodeposition
    grid:
      cells: [96, 4]
      size: [48 um, 2 um]
    cell:
      anode_thickness: 8 um
    """

    /// Li that may displace the electrolyte (η_pen → 0: K_IC = 1e-9 MPa·m^½) moves a planar
    /// front at J·Ω_Li/F: 4.839 µm per mAh/cm², here 5 mA/cm² for 20 min → 8.06 µm.
    func frontDisplacement(interfaceCells: Int) throws -> Double {
        let deck = Self.planar + """

        electrolyte:
          fracture_toughness: 1e-9
        phase_field:
          interface_cells: \(interfaceCells)
        protocol:
          current_density: 5 mA/cm2
        time:
          end: 20 min
        """
        let start = try frontPosition(Simulation(configuration: RunConfiguration(deck: DeckParser.parse(text: deck + "\noutput:\n  directory: \(scratchDirectory("front0-\(interfaceCells)"))\n", fileName: "f.yaml")), world: testWorld))
        let end = try frontPosition(run(deck, name: "front-\(interfaceCells)"))
        return end - start
    }

    func testPlanarFrontSpeedIsJOmegaOverF() throws {
        let expected = 50.0 * 12.97e-6 / 96485.33212 * 1200
        XCTAssertEqual(expected * 1e6, 8.065, accuracy: 0.001)
        let measured = try frontDisplacement(interfaceCells: 4)
        print(String(format: "front displacement %.5f µm, expected %.5f µm (%+.3f %%)", measured * 1e6, expected * 1e6, 100 * (measured / expected - 1)))
        XCTAssertEqual(measured, expected, accuracy: 0.01 * expected)
    }

    func testFrontSpeedDoesNotDependOnTheInterfaceWidth() throws {
        let speeds = try [3, 4, 6].map { try frontDisplacement(interfaceCells: $0) }
        print("front displacement for ℓ = 3, 4, 6 cells: \(speeds.map { String(format: "%.5f µm", $0 * 1e6) })")
        for speed in speeds { XCTAssertEqual(speed, speeds[1], accuracy: 0.01 * speeds[1], "\(speeds)") }
    }

    /// In the bulk electrolyte the ionic potential is linear: Δφ = J·d/σ_g between two centres.
    func testOhmicDropOfTheElectrolyteIsJLOverSigma() throws {
        let simulation = try run(Self.planar + "\nprotocol:\n  current_density: 2 mA/cm2\ntime:\n  end: 1\n  max_steps: 1\n")
        let m = try model(simulation), phi = m.state.ionicPotential, g = m.grid.geometry
        let (i1, i2) = (40, 90)
        let distance = Double(i2 - i1) * g.spacing[0]
        let expected = 20.0 * distance / 0.1        // 2 mA/cm² = 20 A/m², σ_g = 1e-3 S/cm = 0.1 S/m
        XCTAssertEqual(phi[i2, 1, 0] - phi[i1, 1, 0], expected, accuracy: 0.005 * expected)
    }

    /// The potential solve stops on an estimate of the error left (change·ρ/(1 − ρ)), not on a
    /// confirming Newton step, and φ_CE follows the Newton iterates. The estimate must be honest:
    /// re-solving a converged, warm-started step of a nucleating polycrystal at 10 mA/cm² to
    /// 10⁻¹³ V moves no potential, and not φ_CE, by more than the run's tolerance of 10⁻⁷ V.
    func testPotentialSolveStopsWithinItsTolerance() throws {
        let deck = """
        model: electrodeposition
        grid:
          cells: [96, 48]
          size: [48 um, 24 um]
        cell:
          anode_thickness: 8 um
        electrolyte:
          fracture_toughness: 0.05 MPa*m^0.5
          grain_boundary_electronic_conductivity: 1e-3
        microstructure:
          kind: voronoi
          grain_size: 6 um
          seed: 11
        phase_field:
          noise: 0.5
          seed: 7
        protocol:
          current_density: 10 mA/cm2
        time:
          end: 1 h
          max_steps: 6
        """
        let simulation = try run(deck)
        let m = try model(simulation)
        let tolerance = m.potentials.tolerance
        XCTAssertEqual(tolerance, 1e-7)
        // The next step's solve, on the state the run ended with: warm-started, φ_CE following.
        _ = try m.stableTimeStep(time: diagnostic(simulation, "time"))
        let phi = m.state.ionicPotential, phiE = m.state.electronicPotential, n = phi.layout.interior
        let before = (0..<n.y).flatMap { j in (0..<n.x).map { i in (phi[i, j, 0], phiE[i, j, 0]) } }
        let counterElectrode = m.potentials.counterElectrodePotential
        m.potentials.tolerance = 1e-13
        let reference = try m.potentials.solve(.galvanostatic(currentDensity: 100))
        var largest = 0.0
        for j in 0..<n.y { for i in 0..<n.x {
            let (a, b) = before[i + n.x * j]
            largest = max(largest, abs(phi[i, j, 0] - a), abs(phiE[i, j, 0] - b))
        } }
        let counterShift = abs(m.potentials.counterElectrodePotential - counterElectrode)
        print("error left by the tolerance-1e-7 solve: potentials \(largest) V, V_CE \(counterShift) V (reference: \(reference.newtonIterations) Newton, last change \(reference.lastChange) V)")
        XCTAssertGreaterThan(m.lastPotentialSolve.newtonIterations, 0)
        XCTAssertLessThanOrEqual(reference.lastChange, 1e-13)
        XCTAssertLessThanOrEqual(largest, tolerance)
        XCTAssertLessThanOrEqual(counterShift, tolerance)
    }

    /// A thicker pellet adds exactly J·ΔL/σ_g to the cell voltage: 1 mA/cm² through 500 µm more
    /// of 1e-3 S/cm is 50 mV. Each cell voltage is as accurate as the potential solve, so the
    /// solve's tolerance is set a hundred times below the 1e-9 V asserted.
    func testSeriesResistanceOfThePelletBeyondTheDomain() throws {
        let protocolAndTime = "\nprotocol:\n  current_density: 1 mA/cm2\ntime:\n  end: 1\n  max_steps: 1\nsolver:\n  potential_tolerance: 1e-11\n"
        let thin = try diagnostic(run(Self.planar + protocolAndTime, name: "thin"), "cell_voltage_V")
        let thickDeck = Self.planar.replacingOccurrences(of: "  anode_thickness: 8 um", with: "  anode_thickness: 8 um\n  pellet_thickness: 540 um") + protocolAndTime
        let thick = try diagnostic(run(thickDeck, name: "thick"), "cell_voltage_V")
        XCTAssertEqual(thick - thin, 10 * 500e-6 / 0.1, accuracy: 1e-9)
    }

    /// The current-weighted overpotential of a planar interface is the inverted Butler–Volmer
    /// relation at the applied current. σ_g = 1 S/cm keeps the ohmic spread across the diffuse
    /// interface (J·ℓ/σ) below 0.1 % of η.
    func testPlanarOverpotentialMatchesInvertedButlerVolmer() throws {
        let kinetics = ButlerVolmer(exchangeCurrentDensity: ButlerVolmer.exchangeCurrentDensity(chargeTransferResistance: 2e-4, temperature: 298.15), temperature: 298.15)
        for current in [0.5, 5, 50, -0.5, -5, -50] {
            let deck = Self.planar + "\nelectrolyte:\n  ionic_conductivity: 1\nprotocol:\n  current_density: \(current) mA/cm2\ntime:\n  end: 1\n  max_steps: 1\n"
            let simulation = try run(deck, name: "bv\(current)")
            let measured = try diagnostic(simulation, "mean_overpotential_V")
            // Positive current plates: the reaction current is −J.
            let expected = kinetics.overpotential(forCurrent: -current * 10)
            print(String(format: "J = %+.1f mA/cm²: η = %.6f mV, inverted BV %.6f mV (%+.3f %%)", current, measured * 1e3, expected * 1e3, 100 * (measured / expected - 1)))
            XCTAssertEqual(measured, expected, accuracy: 0.01 * abs(expected), "J = \(current) mA/cm²")
        }
    }

    /// With no Li in the domain, the electrolyte is a resistor between the collector (φ_e = 0)
    /// and the counter electrode (φ_e = V): the leakage is V·σ_e/L. (Nucleation is off: at 0.2 V
    /// the collector side would pass η_nuc + η_pen and plate Li, which NucleationTests cover.)
    func testElectronicLeakageThroughAnElectrolyteSlab() throws {
        let deck = """
        model: electrodeposition
        grid:
          cells: [64, 4]
          size: [32 um, 2 um]
        cell:
          anode_thickness: 0
          reservoir_thickness: 0
        nucleation:
          enabled: false
        protocol:
          mode: potentiostatic
          voltage: 0.2
        time:
          end: 1
          max_steps: 1
        """
        let leakage = try diagnostic(run(deck), "electronic_current_density_mA_cm2") * 10
        let expected = 0.2 * 1e-6 / 32e-6          // σ_e = 1e-8 S/cm = 1e-6 S/m
        print(String(format: "leakage %.6e A/m², V·σ_e/L = %.6e A/m²", leakage, expected))
        XCTAssertEqual(leakage, expected, accuracy: 0.01 * expected)
    }

    /// σ_Li is capped for the solver; doubling the cap must not move the cell voltage (< 0.1 %).
    func testDoublingTheLithiumCapDoesNotChangeTheVoltage() throws {
        let base = Self.planar + "\nprotocol:\n  current_density: 1 mA/cm2\ntime:\n  end: 1\n  max_steps: 1\n"
        let capped = try diagnostic(run(base + "lithium:\n  conductivity_cap: 1e4\n", name: "cap1"), "cell_voltage_V")
        let doubled = try diagnostic(run(base + "lithium:\n  conductivity_cap: 2e4\n", name: "cap2"), "cell_voltage_V")
        print(String(format: "cell voltage %.9f V with the cap, %.9f V doubled (%.2e relative)", capped, doubled, abs(doubled / capped - 1)))
        XCTAssertEqual(doubled, capped, accuracy: 1e-3 * abs(capped))
    }
}

extension ElectrodepositionTests {
    /// MODEL.md §5/§11.7: over a 2-D run with noise where Li displaces electrolyte, the Li
    /// inventory (domain + reservoir) changes only by charge/F·Ω_Li, and the Faradaic current
    /// equals the applied current, both to 1e-8 relative at every recorded step.
    func testInventoryAndChargeBalanceOverANoisyDendriteRun() throws {
        let deck = """
        model: electrodeposition
        grid:
          cells: [48, 24]
          size: [24 um, 12 um]
        cell:
          anode_thickness: 6 um
        electrolyte:
          fracture_toughness: 0.05
        phase_field:
          noise: 0.5
        protocol:
          current_density: 10 mA/cm2
        solver:
          potential_tolerance: 1e-8
        time:
          end: 2 min
        """
        let simulation = try run(deck)
        let series = try String(contentsOfFile: (simulation.outputDirectory as NSString).appendingPathComponent("timeseries.csv"), encoding: .utf8)
        let rows = series.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let header = try XCTUnwrap(rows.first)
        let inventory = try XCTUnwrap(header.firstIndex(of: "li_inventory_imbalance"))
        let charge = try XCTUnwrap(header.firstIndex(of: "charge_imbalance"))
        let depth = try XCTUnwrap(header.firstIndex(of: "penetration_depth_um"))
        XCTAssertGreaterThan(rows.count, 50)
        var worstInventory = 0.0, worstCharge = 0.0
        for row in rows.dropFirst(2) {
            worstInventory = max(worstInventory, abs(Double(row[inventory]) ?? .nan))
            worstCharge = max(worstCharge, abs(Double(row[charge]) ?? .nan))
        }
        print("over \(rows.count - 1) records: |inventory imbalance| ≤ \(worstInventory), |charge imbalance| ≤ \(worstCharge)")
        XCTAssertLessThan(worstInventory, 1e-8)
        XCTAssertLessThan(worstCharge, 1e-8)
        // The Li really grew into the electrolyte (≈ 1.6 µm in 2 min at 10 mA/cm²).
        XCTAssertGreaterThan(Double(rows.last?[depth] ?? "") ?? 0, 1)
    }
}

extension ElectrodepositionTests {
    /// Binary-electrolyte mode (MODEL.md §7): plating consumes Li⁺ at the interface, so c̃ must
    /// fall monotonically from the counter electrode (held at 1) toward the Li, while the
    /// Faradaic current still equals the applied one.
    func testBinaryElectrolytePlatingDepletesLithiumIonsTowardTheAnode() throws {
        let deck = """
        model: electrodeposition
        grid:
          cells: [48, 4]
          size: [48 um, 4 um]
        temperature: 300 K
        cell:
          anode_thickness: 10 um
        electrolyte:
          kind: binary
          ionic_conductivity: 0.0119
          concentration: 1 M
          diffusivity: 3.18e-6
        protocol:
          current_density: 5 mA/cm2
        time:
          end: 20
        """
        let simulation = try run(deck)
        XCTAssertLessThan(abs(try diagnostic(simulation, "charge_imbalance")), 1e-8)
        let m = try model(simulation), c = m.state.concentration, xi = m.state.lithium
        let first = try XCTUnwrap((0..<48).first { xi[$0, 1, 0] < 0.01 })
        for i in first..<47 { XCTAssertLessThan(c[i, 1, 0], c[i + 1, 1, 0], "c̃ must rise toward the counter electrode (cell \(i))") }
        XCTAssertLessThan(c[first, 1, 0], 1)
        XCTAssertGreaterThan(c[47, 1, 0], c[first, 1, 0])
        print("binary mode: c̃ from \(c[first, 1, 0]) at the interface to \(c[47, 1, 0]) at the counter electrode")
    }
}

extension ElectrodepositionTests {
    /// Free growth at a large overpotential (the Hong case's conditions, shortened): the tanh
    /// tails ahead of the front must not plate on their own. With δ_Γ = |∇ξ| (linear tails) every
    /// tail cell grew exponentially into a Li haze; with δ_Γ = |∇(3ξ²−2ξ³)| tails stay put.
    func testFreeGrowthDoesNotPlateAheadOfTheFront() throws {
        let deck = """
        model: electrodeposition
        grid:
          cells: [120, 4]
          size: [120 um, 4 um]
        temperature: 300 K
        cell:
          anode_thickness: 20 um
          reservoir_thickness: 0
        electrolyte:
          kind: binary
          ionic_conductivity: 0.0119
          concentration: 1 M
          diffusivity: 3.18e-6
        lithium:
          molar_volume: 13.089
        electrochemistry:
          charge_transfer_resistance: 27.9
        phase_field:
          relaxation_speedup: 300
        protocol:
          mode: potentiostatic
          voltage: 0.45
        time:
          end: 100
        """
        let simulation = try run(deck)
        let xi = try model(simulation).state.lithium
        let front = try XCTUnwrap((0..<120).first { xi[$0, 1, 0] < 0.5 })
        XCTAssertGreaterThan(front, 40, "the front must have advanced well past the initial 20 µm")
        // Beyond 6 cells (2ℓ) ahead the relaxed profile is below 3e-4; a haze would be far above it.
        XCTAssertLessThan(front, 100, "the front must stay inside the domain for the check")
        let haze = ((front + 6)..<120).map { xi[$0, 1, 0] }.max() ?? 0
        print("free growth: front at cell \(front), largest ξ beyond 2ℓ ahead = \(haze)")
        XCTAssertLessThan(haze, 1e-3)
    }

    /// Cycling: the current changes sign exactly at every half-cycle boundary, also when the
    /// half-cycle is not a whole number of seconds (an ulp-low landing used to stall the run).
    func testCyclesFlipTheCurrentAtEveryHalfCycleBoundary() throws {
        let deck = Self.planar + """

        protocol:
          mode: cycle
          current_density: 1 mA/cm2
          half_cycle: 12.34
        time:
          end: 40
          max_steps: 5000
        """
        let simulation = try run(deck)
        XCTAssertEqual(simulation.progress.time, 40, "the run must reach time.end, not the step limit")
        let series = try String(contentsOfFile: (simulation.outputDirectory as NSString).appendingPathComponent("timeseries.csv"), encoding: .utf8)
        let rows = series.split(separator: "\n").dropFirst(2).map { $0.split(separator: ",").compactMap { Double($0) } }
        let names = ["step", "time", "dt", "wall_time"] + simulation.model.diagnosticNames
        let timeColumn = 1, current = try XCTUnwrap(names.firstIndex(of: "applied_current_density_mA_cm2"))
        for row in rows {
            // A row is recorded after its step; the current applied during that step belongs to the
            // half-cycle that contains the step's start (time − dt).
            let start = row[timeColumn] - row[2]
            let half = Int((start / 12.34 + 1e-9).rounded(.down))
            XCTAssertEqual(row[current], half % 2 == 0 ? 1 : -1, "at t = \(row[timeColumn])")
        }
        // Stripping half-cycles give back what plating put into the reservoir.
        XCTAssertLessThan(abs(try diagnostic(simulation, "li_inventory_imbalance")), 1e-12)
        // The only shortfall is where the central-difference δ_Γ reaches a cell the profile's tail
        // has not (ξ = 0 beside ξ ~ 1e-35); it must stay at that level, far below any Li.
        XCTAssertLessThan(try diagnostic(simulation, "stripping_shortfall_um"), 1e-20)
    }
}

extension ElectrodepositionTests {
    /// Blow-up detection names the field, the global cell, its position and the step, for a NaN
    /// and for a finite but impossible volume fraction (void −0.5 in the electrolyte, where
    /// nothing moves it during the step).
    func testBlowUpStopsTheRunWithItsLocation() throws {
        let advice = "reduce solver.max_fraction_change or time.max_dt; if it persists the interface is too thin for Δx (raise phase_field.interface_cells)"
        for (bad, shown) in [(Double.nan, "nan"), (-0.5, "-0.5")] {
            let directory = scratchDirectory("ed-blowup-\(shown)")
            let deck = Self.planar + "\ntime:\n  end: 60\noutput:\n  directory: \(directory)\n"
            let simulation = try Simulation(configuration: RunConfiguration(deck: DeckParser.parse(text: deck, fileName: "blowup.yaml")), world: testWorld)
            let m = try model(simulation)
            let dt = try m.stableTimeStep(time: 0)
            m.state.void[70, 2, 0] = bad
            XCTAssertThrowsError(try m.advance(time: 0, dt: dt)) { error in
                XCTAssertTrue(error is NumericalFailure)
                XCTAssertEqual("\(error)", "void is \(shown) (a volume fraction must be in [0, 1]) at global cell (70, 2, 0) (x, y = 35.2, 1.25 µm) after step 1, t = \(dt) s; likely cause: \(advice)")
            }
        }
    }
}
