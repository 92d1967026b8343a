import LiPhaseGrid
import LiPhaseParallel

/// The grain-boundary indicators (MODEL.md §3) from cell grain ids, for generated and imported
/// microstructures alike.
///
/// d is the distance (in cells, centre to centre) from a cell to the nearest cell of another
/// grain, s = d − ½ estimates the distance to the boundary, and a band of nominal width n_gb has
/// the profile b = clamp((n_gb/2 + e/2 − s)/e, 0, 1) with a linear edge e cells wide centred at
/// n_gb/2. Across a boundary that lies on cell faces the samples at s = ½, 3/2, … pair up
/// symmetrically about n_gb/2, so Σb·Δx = n_gb·Δx = w_gb exactly for any edge e ≤ n_gb + 1; oblique
/// boundaries get fractional b at the edge, which keeps the band area per boundary length close to
/// w_gb instead of jumping by whole cells.
///
/// Two profiles serve two kinds of boundary property:
/// - `boundary`, e = 1: the indicator of record (field output, penetration threshold, ionic band,
///   nucleation share). The ionic boundary is a series resistance across the band, which the
///   face stencil sees the same way on any band.
/// - `sheet`, e = min(3, n_gb + 1): the electronic sheet, a parallel conductor along the
///   boundary. Along an oblique boundary a band two cells wide with a one-cell edge is a chain of
///   cells that touch at corners, which the face stencil does not connect: measured on a boundary
///   of slope ½, n_gb = 2 carried 8 % less sheet conductance than n_gb = 4. The wider edge keeps a
///   face-connected path (docs/model.md §3 has the numbers).
public enum GrainBoundaryBands {
    /// The edge width of the sheet profile for a band of `boundaryCells` cells.
    public static func sheetEdgeCells(boundaryCells: Int) -> Double {
        Swift.min(3, Double(boundaryCells) + 1)
    }

    /// Fills `boundary` (and `sheet`, when given) from this rank's grain ids (interior cells,
    /// x fastest; ids ≥ 0). Ranks exchange enough ghost layers of ids to see the widest profile;
    /// the domain's x ends are not boundaries.
    public static func indicator(grainIds: [Double], grid: DistributedGrid, boundaryCells: Int, into boundary: Field, sheet: Field? = nil) throws {
        let n = grid.localBox.size, dims = grid.geometry.dimensions
        let half = Double(boundaryCells) / 2
        var profiles: [(edge: Double, field: Field)] = [(1, boundary)]
        if let sheet { profiles.append((sheetEdgeCells(boundaryCells: boundaryCells), sheet)) }
        // b > 0 only where d < n_gb/2 + e/2 + ½.
        let widest = profiles.map(\.edge).max() ?? 1
        let reach = Int((half + widest / 2 + 0.5).rounded(.up))
        let layout = GhostedLayout(interior: n, ghosts: Index3(reach, reach, dims == 3 ? reach : 0))
        let ids = UnsafeMutablePointer<Double>.allocate(capacity: layout.count)
        defer { ids.deallocate() }
        ids.initialize(repeating: -1, count: layout.count)
        var index = 0
        for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
            ids[layout.offset(i, j, k)] = grainIds[index]
            index += 1
        } } }
        try HaloExchange(decomposition: grid.decomposition, layout: layout).exchange([ids])
        // Offsets within the reach, nearest first, so the search stops at the first other grain.
        var offsets: [(distance: Double, offset: Index3)] = []
        let zReach = dims == 3 ? reach : 0
        for dz in -zReach...zReach { for dy in -reach...reach { for dx in -reach...reach {
            let d2 = Double(dx * dx + dy * dy + dz * dz)
            if d2 > 0, d2 <= Double(reach * reach) { offsets.append((d2.squareRoot(), Index3(dx, dy, dz))) }
        } } }
        offsets.sort { $0.distance < $1.distance }
        for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
            let own = ids[layout.offset(i, j, k)]
            var distance = Double.infinity
            for (d, o) in offsets {
                let other = ids[layout.offset(i + o.x, j + o.y, k + o.z)]
                if other >= 0, other != own {
                    distance = d
                    break
                }
            }
            for (edge, field) in profiles {
                field[i, j, k] = Swift.min(1, Swift.max(0, (half + edge / 2 - (distance - 0.5)) / edge))
            }
        } } }
    }
}

/// Grain-boundary property rules (MODEL.md §3), as band values that keep each boundary's
/// physical effect independent of the band width w_gb = n_gb·Δx.
public enum GrainBoundaryRules {
    /// Ionic: the band carries the grain's own resistance over w_gb plus r_gb, so
    /// w_gb/σ_band = w_gb/σ_g + r_gb and the excess resistance per boundary is r_gb at any w_gb.
    /// (MODEL.md's σ_gb,i = w_gb/r_gb drops the grain's w_gb/σ_g: at w_gb = 2 µm and LLZO's σ_g
    /// that is 0.2 of 0.3 Ω·cm², and the boundary would change with n_gb.)
    public static func bandIonicConductivity(grain: Double, boundaryResistance: Double, bandWidth: Double) -> Double {
        bandWidth / (bandWidth / grain + boundaryResistance)
    }

    /// Electronic: the band carries the grain's conductivity plus the core's sheet conductance
    /// σ_e,gb,phys·δ_gb spread over w_gb, so the sheet along a boundary is σ_e,g·w_gb + σ_e,gb,phys·δ_gb.
    public static func bandElectronicConductivity(grain: Double, core: Double, coreWidth: Double, bandWidth: Double) -> Double {
        grain + core * coreWidth / bandWidth
    }

    /// b-weighted mix of a grain and a band value.
    @inline(__always)
    public static func mix(grain: Double, band: Double, indicator b: Double) -> Double {
        grain + (band - grain) * b
    }
}
