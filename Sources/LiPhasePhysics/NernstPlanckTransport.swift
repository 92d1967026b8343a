import Foundation
import LiPhaseGrid

/// Li⁺ transport in a binary electrolyte (MODEL.md §7):
///
///     ∂c̃/∂t = ∇·[D(∇c̃ + f c̃ ∇φ)] + q/(F·c₀)
///
/// Fluxes use the Scharfetter–Gummel form, exact for a constant field across a face:
///
///     N_{i→i+1} = (D_f/h)·[B(Δψ)·c̃_i − B(−Δψ)·c̃_{i+1}],   ψ = fφ,  Δψ = ψ_{i+1} − ψ_i,  B(x) = x/(eˣ − 1)
///
/// With no net flux, c̃_{i+1}/c̃_i = B(Δψ)/B(−Δψ) = e^(−Δψ): the Nernst distribution is the exact
/// discrete equilibrium. Explicit sub-steps respect the limit h²/(2·d·D·max(1, |Δψ|)).
public struct NernstPlanckTransport {
    /// A Δt that needs more explicit sub-steps than this is a wrong Δt, not a slow one.
    public static let maximumSubsteps = 100_000
    public var inverseThermalVoltage: Double      // f = F/(RT)
    /// Safety fraction of the explicit limit.
    public var safety = 0.45

    public init(inverseThermalVoltage: Double) {
        self.inverseThermalVoltage = inverseThermalVoltage
    }

    /// B(x) = x/(eˣ − 1), with its series near 0 where the quotient loses digits.
    @inline(__always)
    public static func bernoulli(_ x: Double) -> Double {
        if abs(x) < 1e-4 { return 1 - x / 2 + x * x / 12 }
        return x / expm1(x)
    }

    /// Advances c̃ by dt in explicit sub-steps. `diffusivity` is per cell (harmonic mean on
    /// faces); walls follow `conditions` (Neumann 0 = no flux, Dirichlet = fixed c̃).
    /// `source` (per cell, 1/s) is added once, split evenly over the sub-steps. Returns the number
    /// of sub-steps taken.
    @discardableResult
    public func advance(concentration c: Field, potential phi: Field, diffusivity: Field, source: Field?, dt: Double,
                        grid: DistributedGrid, conditions: BoundaryConditions, work flux: Field) throws -> Int {
        let layout = c.layout, n = layout.interior, dims = grid.geometry.dimensions
        let h = grid.geometry.spacing
        try grid.refreshGhosts([phi, diffusivity], conditions: [BoundaryConditions.mirror(conditions), BoundaryConditions.mirror(conditions)])
        // The explicit limit from the largest face coefficient.
        var largest = 0.0
        let p = UnsafePointer(phi.pointer), d = UnsafePointer(diffusivity.pointer)
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x {
                let cell = base &+ i
                for axis in 0..<dims {
                    let s = layout.stride(axis)
                    let drift = max(1, inverseThermalVoltage * abs(p[cell &+ s] - p[cell]))
                    largest = max(largest, d[cell] * drift / (h[axis] * h[axis]))
                }
            }
        } }
        largest = grid.communicator.max(largest)
        let limit = largest > 0 ? safety / (Double(dims) * largest) : dt
        let needed = (dt / limit).rounded(.up)
        guard needed <= Double(Self.maximumSubsteps) else { throw TransportStepTooLong(substeps: needed, dt: dt) }
        let substeps = max(1, Int(needed))
        let tau = dt / Double(substeps)
        let cp = c.pointer, out = flux.pointer
        /// Scharfetter–Gummel flux from `cell` to `neighbour` (per unit face area and spacing).
        @inline(__always) func outflow(_ cell: Int, _ neighbour: Int) -> Double {
            let df = d[cell] + d[neighbour] > 0 ? 2 * d[cell] * d[neighbour] / (d[cell] + d[neighbour]) : 0
            let delta = inverseThermalVoltage * (p[neighbour] - p[cell])
            return df * (Self.bernoulli(delta) * cp[cell] - Self.bernoulli(-delta) * cp[neighbour])
        }
        for _ in 0..<substeps {
            try grid.refreshGhosts([c], conditions: [conditions])
            for k in 0..<n.z { for j in 0..<n.y {
                let base = layout.offset(0, j, k)
                for i in 0..<n.x {
                    let cell = base &+ i
                    var divergence = 0.0
                    for axis in 0..<dims {
                        let s = layout.stride(axis), inverseH2 = 1 / (h[axis] * h[axis])
                        // Fluxes from this cell to its upper and lower neighbours lower c̃ here.
                        divergence -= (outflow(cell, cell &+ s) + outflow(cell, cell &- s)) * inverseH2
                    }
                    out[cell] = cp[cell] + tau * (divergence + (source?.pointer[cell] ?? 0))
                }
            } }
            for k in 0..<n.z { for j in 0..<n.y {
                let base = layout.offset(0, j, k)
                for i in 0..<n.x { cp[base &+ i] = out[base &+ i] }
            } }
        }
        return substeps
    }
}

/// One transport step would need more explicit sub-steps than a run can afford (or the limit is
/// not finite): the drift or the diffusivity is extreme for Δt.
public struct TransportStepTooLong: Error, CustomStringConvertible {
    public let substeps: Double
    public let dt: Double
    public var description: String {
        "Li⁺ transport would need \(substeps) explicit sub-steps for Δt = \(dt) s (at most \(NernstPlanckTransport.maximumSubsteps)); reduce time.max_dt or check electrolyte.diffusivity and the potentials"
    }
}
