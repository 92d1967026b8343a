import Foundation
import XCTest
@testable import LiPhase
import LiPhaseGrid
import LiPhaseIO
import LiPhasePhysics

/// Internal nucleation (MODEL.md §5) in a polycrystal: where the electrons come from decides where
/// Li appears inside the electrolyte (Han et al., Nat. Energy 2019).
final class NucleationTests: XCTestCase {
    /// 30 µm × 24 µm of 6 µm Voronoi grains at Δx = 0.5 µm (n_gb = 2: w_gb = 1 µm), 4 µm of Li,
    /// plated at 0.5 mA/cm² for 30 min through a Li₂CO₃-covered contact (R_ct = 400 Ω·cm²): the
    /// plating overpotential is ≈ 100 mV, past the boundary threshold η_nuc + η_pen,gb ≈ 50 mV and
    /// short of the grains' 105 mV. σ_e,g = 1e-8 S/cm.
    func run(electrolyte: String, name: String = #function) throws -> (Simulation, ElectrodepositionModel) {
        let deck = """
        model: electrodeposition
        grid:
          cells: [60, 48]
          size: [30 um, 24 um]
        cell:
          anode_thickness: 4 um
        electrolyte:
          electronic_conductivity: 1e-8
        \(electrolyte)
        microstructure:
          kind: voronoi
          grain_size: 6 um
          seed: 7
        electrochemistry:
          charge_transfer_resistance: 400
        phase_field:
          interface_cells: 3
        protocol:
          current_density: 0.5
        time:
          end: 30 min
        output:
          directory: \(scratchDirectory("nucleation-\(name)"))
          timeseries_every_steps: 10
        """
        let simulation = try Simulation(configuration: RunConfiguration(deck: DeckParser.parse(text: deck, fileName: "nucleation.yaml")), world: testWorld)
        _ = try simulation.run()
        return (simulation, try XCTUnwrap(simulation.model as? ElectrodepositionModel))
    }

    /// Σ over cells beyond `depth` µm of the nucleated volume fraction, and of it weighted by b.
    func nucleated(_ m: ElectrodepositionModel, beyond depth: Double = 0) throws -> (total: Double, inBands: Double) {
        let tally = try XCTUnwrap(m.nucleated), b = try XCTUnwrap(m.boundary), g = m.grid.geometry
        var total = 0.0, inBands = 0.0
        for j in 0..<g.cells.y { for i in 0..<g.cells.x where g.centre(0, i) > depth * 1e-6 {
            total += tally[i, j, 0]
            inBands += tally[i, j, 0] * b[i, j, 0]
        } }
        return (total, inBands)
    }

    /// σ_e,gb = 100·σ_e,g (core 9.9e-4 S/cm × 1 nm over the 1 µm band) with the default boundary
    /// toughness: at least 90 % of the nucleated Li lies in the bands (issue #4), and nucleation
    /// is charged exactly: the Li inventory balances to rounding.
    func testNucleationConcentratesInConductingBoundaries() throws {
        let (simulation, m) = try run(electrolyte: "  grain_boundary_electronic_conductivity: 9.9e-4")
        let all = try nucleated(m)
        let share = try diagnostic(simulation, "nucleated_boundary_share")
        print(String(format: "σ_e,gb = 100 σ_e,g: nucleated %.4g µm, %.1f %% in bands; inventory imbalance %.2e",
                     try diagnostic(simulation, "nucleated_li_um"), 100 * share, try diagnostic(simulation, "li_inventory_imbalance")))
        XCTAssertGreaterThan(all.total, 1, "Li must nucleate (more than one cell's worth) for the share to mean anything")
        XCTAssertEqual(share, all.inBands / all.total, accuracy: 1e-9)
        XCTAssertGreaterThanOrEqual(share, 0.9)
        XCTAssertLessThan(abs(try diagnostic(simulation, "li_inventory_imbalance")), 1e-10)
    }

    /// The electrons for nucleation away from the front come through the electrolyte: Li that
    /// nucleates more than 6 µm ahead of the anode (past the front's diffuse zone, which feeds the
    /// nuclei next to it) grows with σ_e,gb. 100× the band conductance must give several times
    /// the deep nucleated volume; the supply is electron-limited, so the ratio approaches the
    /// conductance ratio of the paths, diluted by the grains in series.
    func testDeepNucleationFollowsBoundaryElectronicConductivity() throws {
        let (_, equal) = try run(electrolyte: "  grain_boundary_electronic_conductivity: 0", name: "equal")
        let (_, contrast) = try run(electrolyte: "  grain_boundary_electronic_conductivity: 9.9e-4", name: "contrast")
        let deepEqual = try nucleated(equal, beyond: 10).total, deepContrast = try nucleated(contrast, beyond: 10).total
        print(String(format: "nucleated beyond x = 10 µm: %.4g (σ_e,gb = σ_e,g) → %.4g (100×): ratio %.1f", deepEqual, deepContrast, deepContrast / deepEqual))
        XCTAssertGreaterThan(deepEqual, 0)
        XCTAssertGreaterThan(deepContrast, 5 * deepEqual)
    }

    /// With no boundary contrast at all (σ_e, K_IC and r_gb of the bands equal to the grains'),
    /// the boundaries must not be seen (MODEL.md §5: no GB preference): Li nucleates, and its
    /// pattern is the same in every lateral column, so its share in the bands is the bands'
    /// share of each nucleating layer.
    func testWithoutBoundaryContrastNucleationIgnoresBoundaries() throws {
        let (simulation, m) = try run(electrolyte: """
          grain_boundary_electronic_conductivity: 0
          grain_boundary_resistance: 0
          fracture_toughness: 0.44
          grain_boundary_fracture_toughness: 0.44
        """)
        let tally = try XCTUnwrap(m.nucleated), b = try XCTUnwrap(m.boundary), g = m.grid.geometry
        var expected = 0.0, total = 0.0, largestSpread = 0.0, largest = 0.0
        for i in 0..<g.cells.x {
            let column = (0..<g.cells.y).map { tally[i, $0, 0] }
            let bandShare = (0..<g.cells.y).map { b[i, $0, 0] }.reduce(0, +) / Double(g.cells.y)
            let layer = column.reduce(0, +)
            total += layer
            expected += layer * bandShare
            largestSpread = max(largestSpread, (column.max() ?? 0) - (column.min() ?? 0))
            largest = max(largest, column.max() ?? 0)
        }
        let share = try diagnostic(simulation, "nucleated_boundary_share")
        print(String(format: "no contrast: nucleated %.4g cells, share in bands %.4f (layer-weighted band share %.4f); lateral spread %.2e of %.3g",
                     total, share, expected / total, largestSpread, largest))
        XCTAssertGreaterThan(total, 1)
        XCTAssertLessThan(largestSpread, 1e-9 * largest)
        XCTAssertEqual(share, expected / total, accuracy: 1e-9)
    }
}
