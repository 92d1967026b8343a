import Foundation
import LiPhaseGrid
import LiPhaseParallel

/// Where plated Li goes and where stripped Li comes from (MODEL.md §5, §6), with the column
/// reservoir h_a behind the domain.
///
/// Per cell, the Faradaic Li volume fraction plated in dt is a = −(Ω/F)·q·dt. Plating fills, in
/// order: void in the cell; electrolyte, where η < −η_pen (the Li displaces it: dendrite growth);
/// then the column's reservoir (the anode thickens behind the contact).
///
/// Stripping is resupplied from the reservoir at most at the supply velocity, v_sup·A_r·dt per
/// cell (A_r the contact area per volume): the deficit beyond it, and whatever an empty
/// reservoir cannot cover, leaves void in the cell. Cells that are not stripping close the void
/// next to their Li at v_sup·A_v (A_v the Li surface facing void), with Li from the reservoir:
/// creep and diffusion push the anode back into contact. Without a supply law (binary mode) the
/// reservoir covers all stripping.
///
/// With deposit regions (solid mode), a deposit that is isolated inside the electrolyte has no
/// reservoir behind it: what plates on it stays in its cell (void first, then electrolyte, the
/// threshold having been passed when it nucleated), and what strips from it leaves void.
public struct LithiumRouting {
    public var molarVolume: Double
    public var penetrationThreshold: Double
    /// Binary-electrolyte mode (MODEL.md §7): Li grows freely into the electrolyte and dissolves
    /// back into it; the reservoir only takes plating that finds no room.
    public var freeGrowth = false
    /// Polycrystal: η_pen = η_pen,g(1 − b) + η_pen,gb·b (MODEL.md §3).
    public var boundary: Field?
    public var boundaryPenetrationThreshold = 0.0
    /// The Li/interlayer contact, whose threshold replaces the electrolyte's.
    public var contact: ContactRegion?

    public init(molarVolume: Double, penetrationThreshold: Double) {
        self.molarVolume = molarVolume
        self.penetrationThreshold = penetrationThreshold
    }

    /// Column totals in fixed point (units of 2⁻⁷⁰ m ≈ 8.5e-22 m, far below double precision
    /// of any h_a): integer sums are exact, so partial columns on different ranks add up to
    /// the same bits in any order.
    static let fixedPointScale = 0x1p70

    public struct Outcome: Sendable, Equatable {
        /// Li volume this rank could not take from its cells (stripping past ξ = 0), m³ (per metre
        /// of depth in 2-D): the charge passed for it created no Li change, so it shows in the
        /// inventory imbalance too.
        public var unsatisfied = 0.0
        /// The first (global, y-fastest) column on this rank whose anode had no Li left for
        /// stripping: an empty reservoir and a stripping cell with no Li.
        public var exhaustedColumn: Int?
        public init() {}
    }

    /// `columns` sums per-column values over the ranks that share the column (an allreduce over
    /// the x-line of the process grid); columns are local (j, k) pairs, j fastest. `supply` is
    /// v_sup (m/s), nil when the reservoir covers all stripping.
    /// `scratch` holds each stripping cell's claim on the reservoir between the two passes.
    public func apply(to state: ElectrodepositionState, dt: Double, regions: DepositRegions? = nil, supply: Double? = nil, scratch: Field,
                      columns reduce: ([Int64]) throws -> [Int64]) throws -> Outcome {
        let grid = state.grid, layout = state.lithium.layout, n = layout.interior, box = grid.localBox
        let xi = state.lithium.pointer, v = state.void.pointer
        let q = UnsafePointer(state.faradaicCurrent.pointer), eta = UnsafePointer(state.overpotential.pointer)
        let contactArea = UnsafePointer(state.reactiveArea.pointer), voidArea = UnsafePointer(state.voidContactArea.pointer)
        let reservoir = state.reservoir.pointer, reservoirShare = scratch.pointer
        let b = boundary.map { UnsafePointer($0.pointer) }
        let thresholdStep = boundaryPenetrationThreshold - penetrationThreshold
        let contactCells = (contact?.end ?? 0) - box.lower.x, contactThreshold = contact?.penetrationThreshold
        let region = regions.map { UnsafePointer($0.index.pointer) }
        let connected = regions?.anodeConnected ?? []
        var outcome = Outcome()
        let dx = grid.geometry.spacing[0]
        let cellArea = grid.geometry.cellVolume / dx
        let factor = -molarVolume / PhysicalConstants.faraday * dt
        let supplyStep = (supply ?? 0) * dt
        @inline(__always) func isConnected(_ p: Int) -> Bool { region.map { connected[Int($0[p])] } ?? true }
        /// The part of a stripping cell's loss the supply can replace (all of it without a law).
        @inline(__always) func supplied(_ p: Int, _ loss: Double) -> Double {
            supply == nil ? loss : Swift.min(loss, supplyStep * contactArea[p])
        }
        let columnCount = n.y * n.z
        var plated = [Int64](repeating: 0, count: columnCount)
        var demand = [Int64](repeating: 0, count: columnCount)
        var closing = [Int64](repeating: 0, count: columnCount)
        // Pass 1: plating into void and electrolyte, the supply deficit of stripping cells, and
        // column totals of what is left for the reservoir, of its stripping and closure demand.
        for tile in grid.localTiles {
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                var toReservoir = 0.0, needed = 0.0, closure = 0.0
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x {
                    let p = base &+ i
                    var amount = factor * q[p]
                    let isolated = !isConnected(p)
                    if amount > 0 {
                        let intoVoid = Swift.min(amount, v[p])
                        v[p] -= intoVoid
                        xi[p] += intoVoid
                        amount -= intoVoid
                        let local = penetrationThreshold + (b.map { thresholdStep * $0[p] } ?? 0)
                        let threshold = i < contactCells ? contactThreshold ?? local : local
                        if amount > 0 && (freeGrowth || isolated || eta[p] < -threshold) {
                            let intoElectrolyte = Swift.min(amount, Swift.max(0, 1 - xi[p] - v[p]))
                            xi[p] += intoElectrolyte
                            amount -= intoElectrolyte
                        }
                        toReservoir += amount * dx
                    } else if amount < 0 && isolated {
                        // No reservoir behind it: the Li leaves void.
                        let dissolved = Swift.min(-amount, xi[p])
                        xi[p] -= dissolved
                        v[p] += dissolved
                        outcome.unsatisfied += (-amount - dissolved) * dx * cellArea
                    } else if amount < 0 {
                        if freeGrowth {
                            // Dissolution: the Li volume returns to the electrolyte in the cell.
                            let dissolved = Swift.min(-amount, xi[p])
                            xi[p] -= dissolved
                            amount += dissolved
                        }
                        var covered = supplied(p, -amount)
                        // The deficit leaves void where the Li was stripped; a cell short of Li
                        // for it (a profile tail) still draws the rest from the reservoir.
                        let deficit = -amount - covered
                        if deficit > 0 {
                            let taken = Swift.min(deficit, xi[p])
                            xi[p] -= taken
                            v[p] += taken
                            covered += deficit - taken
                        }
                        reservoirShare[p] = covered
                        needed += covered * dx
                    }
                    if supply != nil, amount >= 0, v[p] > 0, !isolated {
                        closure += Swift.min(v[p], supplyStep * voidArea[p]) * dx
                    }
                }
                let column = j + n.y * k
                plated[column] &+= saturatingInt64(toReservoir * Self.fixedPointScale)
                demand[column] &+= saturatingInt64(needed * Self.fixedPointScale)
                closing[column] &+= saturatingInt64(closure * Self.fixedPointScale)
            } }
        }
        let totals = try reduce(plated + demand + closing)
        // Pass 2: the reservoir covers what it can of the supplied stripping, the rest of each
        // stripping cell's loss becomes void; what is left closes voids, in proportion.
        for k in 0..<n.z { for j in 0..<n.y {
            let column = j + n.y * k
            let gained = Double(totals[column]) / Self.fixedPointScale
            let wanted = Double(totals[columnCount + column]) / Self.fixedPointScale
            let closable = Double(totals[2 * columnCount + column]) / Self.fixedPointScale
            let head = layout.offset(0, j, k)
            let available = reservoir[head] + gained
            let covered = Swift.min(wanted, available)
            let share = wanted > 0 ? covered / wanted : 1
            let afterStripping = available - covered
            let closed = Swift.min(closable, afterStripping)
            let closeShare = closable > 0 ? closed / closable : 0
            let remaining = afterStripping - closed
            for i in 0..<n.x {
                let p = head &+ i
                reservoir[p] = remaining
                let amount = factor * q[p]
                guard !freeGrowth, isConnected(p) else { continue }
                if amount < 0, share < 1 {
                    let deficit = reservoirShare[p] * (1 - share)
                    let taken = Swift.min(deficit, xi[p])
                    xi[p] -= taken
                    v[p] += taken
                    outcome.unsatisfied += (deficit - taken) * dx * cellArea
                    if deficit > taken, outcome.exhaustedColumn == nil { outcome.exhaustedColumn = box.lower.y + j + grid.geometry.cells.y * (box.lower.z + k) }
                } else if supply != nil, amount >= 0, closeShare > 0, v[p] > 0 {
                    let filled = Swift.min(v[p], supplyStep * voidArea[p]) * closeShare
                    v[p] -= filled
                    xi[p] += filled
                }
            }
        } }
        return outcome
    }
}
