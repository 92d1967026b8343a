import LiPhaseGrid

/// Properties from the state (MODEL.md §3, §4): σ_i, σ_e, and the reacting area a_c·|∇ξ|.
public struct PropertyUpdate {
    public var ionicElectrolyte: Double
    public var ionicFloor: Double
    public var electronicElectrolyte: Double
    public var electronicFloor: Double
    public var lithium: Double
    /// Binary mode: σ_i scales with c̃ (dilute solution), and so must the diffusivity field.
    public var binary = false
    public var electrolyteDiffusivity = 0.0

    public init(ionicElectrolyte: Double, ionicFloor: Double, electronicElectrolyte: Double, electronicFloor: Double, lithium: Double) {
        self.ionicElectrolyte = ionicElectrolyte
        self.ionicFloor = ionicFloor
        self.electronicElectrolyte = electronicElectrolyte
        self.electronicFloor = electronicFloor
        self.lithium = lithium
    }

    /// The interface delta is |∇ξ| by central differences: across a monotone profile its
    /// integral telescopes to the jump of ξ, so ∫δ_Γ dn = 1 for any width (Faraday-consistent).
    public func apply(to state: ElectrodepositionState) throws {
        let grid = state.grid
        try grid.refreshGhosts([state.lithium, state.void], conditions: [phaseFieldConditions(), phaseFieldConditions()])
        let layout = state.lithium.layout, n = layout.interior, dims = grid.geometry.dimensions
        let xi = UnsafePointer(state.lithium.pointer), v = UnsafePointer(state.void.pointer)
        let sigmaI = state.ionicConductivity.pointer, sigmaE = state.electronicConductivity.pointer, area = state.reactiveArea.pointer
        let inverseTwoH = (0..<dims).map { 0.5 / grid.geometry.spacing[$0] }
        let strides = (0..<dims).map { layout.stride($0) }
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x {
                let p = base &+ i
                let li = xi[p], vo = v[p]
                let ionicScale = binary ? Swift.max(state.concentration.pointer[p], 0) : 1
                sigmaI[p] = ConductivityLaws.ionic(li: li, void: vo, electrolyte: ionicElectrolyte * ionicScale, floor: ionicFloor)
                sigmaE[p] = ConductivityLaws.electronic(li: li, void: vo, lithium: lithium, electrolyte: electronicElectrolyte, floor: electronicFloor)
                var gradient2 = 0.0
                for axis in 0..<dims {
                    let g = (xi[p &+ strides[axis]] - xi[p &- strides[axis]]) * inverseTwoH[axis]
                    gradient2 += g * g
                }
                area[p] = ConductivityLaws.contactShare(li: li, void: vo) * gradient2.squareRoot()
            }
        } }
    }
}
