import LiPhaseGrid
import LiPhaseParallel

/// The grain-boundary indicator b (MODEL.md §3) from cell grain ids, for generated and imported
/// microstructures alike.
///
/// d is the distance (in cells, centre to centre) from a cell to the nearest cell of another
/// grain, and b = clamp(n_gb/2 + 1 − d, 0, 1). Across a boundary that lies on cell faces the cells
/// at d = 1, 2, … get b = 1 up to n_gb/2 cells on each side (half a cell more for odd n_gb), so
/// Σb·Δx = n_gb·Δx = w_gb exactly; oblique boundaries get fractional b at the band edge, which keeps
/// the band area per boundary length close to w_gb instead of jumping by whole cells.
public enum GrainBoundaryBands {
    /// Fills `boundary` from this rank's grain ids (interior cells, x fastest; ids ≥ 0). Ranks
    /// exchange n_gb/2 + 1 ghost layers of ids; the domain's x ends are not boundaries.
    public static func indicator(grainIds: [Double], grid: DistributedGrid, boundaryCells: Int, into boundary: Field) throws {
        let n = grid.localBox.size, dims = grid.geometry.dimensions
        let reach = boundaryCells / 2 + 1
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
        let half = Double(boundaryCells) / 2
        for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
            let own = ids[layout.offset(i, j, k)]
            var value = 0.0
            for (distance, o) in offsets {
                let other = ids[layout.offset(i + o.x, j + o.y, k + o.z)]
                if other >= 0, other != own {
                    value = Swift.min(1, Swift.max(0, half + 1 - distance))
                    break
                }
            }
            boundary[i, j, k] = value
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
