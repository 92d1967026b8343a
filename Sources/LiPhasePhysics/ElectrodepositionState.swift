import LiPhaseGrid
import LiPhaseParallel

/// The fields of the electrodeposition model (MODEL.md §2) on one rank, plus the property and
/// work fields that the step phases share.
public final class ElectrodepositionState {
    public let grid: DistributedGrid
    /// ξ, Li metal fraction.
    public let lithium: Field
    /// v, void fraction.
    public let void: Field
    /// φ, ionic potential (V).
    public let ionicPotential: Field
    /// φ_e, electronic potential (V).
    public let electronicPotential: Field
    /// h_a, the anode reservoir behind the domain (m), stored in every cell of its column.
    public let reservoir: Field
    /// c̃ = c/c₀, the normalised Li⁺ concentration: binary-electrolyte mode only, so allocated on
    /// first use (its value is 1 otherwise, and nothing reads it then).
    public private(set) lazy var concentration = grid.makeField("concentration", units: "1", value: 1)

    // Properties and derived fields, recomputed every step.
    public let ionicConductivity: Field
    public let electronicConductivity: Field
    /// a_c·δ_Γ (1/m): reacting interface area per volume (MODEL.md §4).
    public let reactiveArea: Field
    /// (1 − a_c)·δ_Γ (1/m): Li surface facing void per volume, where creep and diffusion close
    /// voids (MODEL.md §6).
    public let voidContactArea: Field
    /// η = φ_e − φ − U₀ (V).
    public let overpotential: Field
    /// q (A/m³), > 0 where Li is stripped.
    public let faradaicCurrent: Field
    /// The nucleation part of q (A/m³; MODEL.md §5), ≤ 0.
    public let nucleationCurrent: Field

    public init(grid: DistributedGrid) {
        self.grid = grid
        lithium = grid.makeField("xi", units: "1")
        void = grid.makeField("void", units: "1")
        ionicPotential = grid.makeField("phi", units: "V")
        electronicPotential = grid.makeField("phi_e", units: "V")
        reservoir = grid.makeField("reservoir", units: "m")
        ionicConductivity = grid.makeField("sigma_ionic", units: "S/m")
        electronicConductivity = grid.makeField("sigma_electronic", units: "S/m")
        reactiveArea = grid.makeField("reactive_area", units: "1/m")
        voidContactArea = grid.makeField("void_contact_area", units: "1/m")
        overpotential = grid.makeField("overpotential", units: "V")
        faradaicCurrent = grid.makeField("faradaic_current", units: "A/m^3")
        nucleationCurrent = grid.makeField("nucleation_current", units: "A/m^3")
    }

    /// Global index of local cell (i, j, k), for counter-based random numbers.
    @inline(__always)
    public func globalIndex(_ i: Int, _ j: Int, _ k: Int) -> UInt64 {
        let box = grid.localBox, cells = grid.geometry.cells
        return UInt64((box.lower.x + i) + cells.x * ((box.lower.y + j) + cells.y * (box.lower.z + k)))
    }
}

/// ξ and v have no flux through the walls; lateral faces are periodic.
public func phaseFieldConditions() -> BoundaryConditions { .cellWalls() }
