import LiPhaseGrid
import LiPhaseMaterials

/// Properties from the state (MODEL.md §3, §4): σ_i, σ_e, and the reacting area a_c·δ_Γ.
public struct PropertyUpdate {
    public var ionicElectrolyte: Double
    public var ionicFloor: Double
    public var electronicElectrolyte: Double
    public var electronicFloor: Double
    public var lithium: Double
    /// Binary mode: σ_i scales with c̃ (dilute solution), and so must the diffusivity field.
    public var binary = false
    public var electrolyteDiffusivity = 0.0
    /// Polycrystal: the boundary indicator b, the electronic sheet profile (the same band with a
    /// wider edge, see `GrainBoundaryBands`) and the band values of σ_i and σ_e (MODEL.md §3).
    public var boundary: Field?
    public var sheet: Field?
    public var ionicBand = 0.0
    public var electronicBand = 0.0
    /// Solid mode: the deposits of the step. Dispersed Li (outside every deposit, see
    /// `DepositRegions`) does not percolate across its cell, so it conducts electrons like the
    /// electrolyte around it: the linear rule ξ·σ_Li describes a smeared sharp interface, and
    /// applied to a nucleus it would make 10⁻⁷ of Li out-conduct LLZO and wire the nuclei to the
    /// anode at once.
    public var regions: DepositRegions?
    /// The interlayer film (global x cell range) and its area resistances per unit length,
    /// R_IL/(n_IL·Δx) in Ω·m: film cells hold the electrolyte they replace in series with the
    /// film, 1/σ = R_IL/(n_IL·Δx) + 1/σ_SE (docs/interlayers.md).
    public var film: Film?
    /// Solid mode: per local column (j + n_y·k), the asperity share exp(−w/σ) of the anode's face
    /// that the void gap leaves in reach of the electrolyte (`AsperityContact`). It scales the
    /// contact of the anode's Li only: an isolated deposit has no gap of its own.
    public var asperityShare: [Double]?

    public struct Film: Sendable, Equatable {
        public var cells: Range<Int>
        public var ionicResistivity: Double
        public var electronicResistivity: Double
        public init(cells: Range<Int>, ionicResistivity: Double, electronicResistivity: Double) {
            self.cells = cells
            self.ionicResistivity = ionicResistivity
            self.electronicResistivity = electronicResistivity
        }
    }

    public init(ionicElectrolyte: Double, ionicFloor: Double, electronicElectrolyte: Double, electronicFloor: Double, lithium: Double) {
        self.ionicElectrolyte = ionicElectrolyte
        self.ionicFloor = ionicFloor
        self.electronicElectrolyte = electronicElectrolyte
        self.electronicFloor = electronicFloor
        self.lithium = lithium
    }

    /// The interface delta is δ_Γ = |∇p(ξ)|, p = 3ξ² − 2ξ³, by central differences. Across a
    /// planar monotone profile the column sum telescopes to the jump of p, which is 1: Faraday-
    /// consistent for any width. On the relaxed tanh profile it equals the normalised h′(ξ) =
    /// 24ξ²(1−ξ)²/ℓ of MODEL.md §4. Plain |∇ξ| decays only like ξ in the tails, so under free
    /// growth (binary mode) every tail cell grew exponentially: a haze of Li ahead of the front.
    public func apply(to state: ElectrodepositionState) throws {
        let grid = state.grid
        try grid.refreshGhosts([state.lithium, state.void], conditions: [phaseFieldConditions(), phaseFieldConditions()])
        let layout = state.lithium.layout, n = layout.interior, dims = grid.geometry.dimensions
        let xi = UnsafePointer(state.lithium.pointer), v = UnsafePointer(state.void.pointer)
        let sigmaI = state.ionicConductivity.pointer, sigmaE = state.electronicConductivity.pointer
        let area = state.reactiveArea.pointer, voidArea = state.voidContactArea.pointer
        let lowerX = grid.localBox.lower.x
        let b = boundary.map { UnsafePointer($0.pointer) }
        let sheetProfile = (sheet ?? boundary).map { UnsafePointer($0.pointer) }
        let region = regions.map { UnsafePointer($0.index.pointer) }, frozen = regions?.frozen ?? [], connected = regions?.anodeConnected ?? []
        let inverseTwoH = (0..<dims).map { 0.5 / grid.geometry.spacing[$0] }
        let strides = (0..<dims).map { layout.stride($0) }
        let concentration = binary ? UnsafePointer(state.concentration.pointer) : nil
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x {
                let p = base &+ i
                let li = xi[p], vo = v[p]
                let ionicScale = concentration.map { Swift.max($0[p], 0) } ?? 1
                var ionic = ionicElectrolyte, electronic = electronicElectrolyte
                if let b, let sheetProfile {
                    ionic = GrainBoundaryRules.mix(grain: ionic, band: ionicBand, indicator: b[p])
                    electronic = GrainBoundaryRules.mix(grain: electronic, band: electronicBand, indicator: sheetProfile[p])
                }
                if let film, film.cells.contains(lowerX &+ i) {
                    ionic = 1 / (film.ionicResistivity + 1 / ionic)
                    electronic = 1 / (film.electronicResistivity + 1 / electronic)
                }
                sigmaI[p] = ConductivityLaws.ionic(li: li, void: vo, electrolyte: ionic * ionicScale, floor: ionicFloor)
                if let region, frozen[Int(region[p])] {
                    // Dispersed Li: no conduction of its own, and no interface yet; it grows only by
                    // nucleation, whose threshold says whether Li may displace electrolyte here.
                    sigmaE[p] = ConductivityLaws.electronic(li: 0, void: vo, lithium: lithium, electrolyte: electronic, floor: electronicFloor)
                    area[p] = 0
                    voidArea[p] = 0
                    continue
                }
                sigmaE[p] = ConductivityLaws.electronic(li: li, void: vo, lithium: lithium, electrolyte: electronic, floor: electronicFloor)
                var normal2 = 0.0, lateral2 = 0.0
                for axis in 0..<dims {
                    let g = (ConductivityLaws.interfaceStep(xi[p &+ strides[axis]]) - ConductivityLaws.interfaceStep(xi[p &- strides[axis]])) * inverseTwoH[axis]
                    if axis == 0 { normal2 = g * g } else { lateral2 += g * g }
                }
                if let asperityShare, let region, connected[Int(region[p])] {
                    // The anode's face towards the electrolyte (x) meets it across the column's
                    // void gap, which the asperity share accounts for; counting the same void
                    // again through the cell's fractions would make the contact depend on ℓ.
                    // Side faces (a patch wall) see the void of their lateral neighbours.
                    var liBeside = li, voidBeside = vo
                    for axis in 1..<dims {
                        liBeside += xi[p &+ strides[axis]] + xi[p &- strides[axis]]
                        voidBeside += v[p &+ strides[axis]] + v[p &- strides[axis]]
                    }
                    let stencil = Double(2 * dims - 1)
                    let facing = asperityShare[j &+ n.y &* k]
                    let beside = ConductivityLaws.contactShare(li: liBeside / stencil, void: voidBeside / stencil)
                    area[p] = (facing * facing * normal2 + beside * beside * lateral2).squareRoot()
                    voidArea[p] = ((1 - facing) * (1 - facing) * normal2 + (1 - beside) * (1 - beside) * lateral2).squareRoot()
                    continue
                }
                // The non-Li side of the interface is read over the cell and its face neighbours:
                // the cell's own fractions miss it where the gradient runs along a void (the side
                // of Li next to a void patch holds a trace of electrolyte and no void of its own).
                var liAround = li, voidAround = vo
                for axis in 0..<dims {
                    liAround += xi[p &+ strides[axis]] + xi[p &- strides[axis]]
                    voidAround += v[p &+ strides[axis]] + v[p &- strides[axis]]
                }
                let stencil = Double(1 + 2 * dims)
                let delta = (normal2 + lateral2).squareRoot(), share = ConductivityLaws.contactShare(li: liAround / stencil, void: voidAround / stencil)
                area[p] = share * delta
                voidArea[p] = (1 - share) * delta
            }
        } }
    }
}
