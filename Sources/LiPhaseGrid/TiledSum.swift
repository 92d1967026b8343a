import LiPhaseParallel

extension DistributedGrid {
    /// A global sum that is bit-identical on any rank count: `partial` sums one tile (local
    /// indices) in its own fixed loop order; tile sums are then added exactly.
    public func reproducibleSum(_ partial: (Box) -> Double) -> Double {
        var accumulator = ExactAccumulator()
        for tile in localTiles { accumulator.add(partial(tile)) }
        return communicator.sum(accumulator)
    }

    /// Σ over interior cells of `values` (e.g. a field), reproducibly.
    public func reproducibleSum(of field: Field) -> Double {
        let layout = field.layout, p = field.pointer
        return reproducibleSum { tile in
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                let base = layout.offset(0, j, k)
                for i in tile.lower.x..<tile.upper.x { sum += p[base &+ i] }
            } }
            return sum
        }
    }
}

extension DistributedGrid {
    /// Σ over the cells of the last x layer (the counter-electrode face) of `value(offset)`,
    /// reproducibly; ranks without that layer contribute nothing.
    public func reproducibleSumOverUpperXFace(_ value: (Int) -> Double) -> Double {
        let last = geometry.cells.x - 1, lowerX = localBox.lower.x
        return reproducibleSum { tile in
            guard lowerX + tile.upper.x - 1 == last else { return 0 }
            var sum = 0.0
            for k in tile.lower.z..<tile.upper.z { for j in tile.lower.y..<tile.upper.y {
                sum += value(layout.offset(tile.upper.x - 1, j, k))
            } }
            return sum
        }
    }
}

extension DistributedGrid {
    /// Sums of `width` quantities per region, reproducibly: `partial(tile, add)` reports a tile's
    /// partial sums through `add(region, quantity, value)`. Every rank gathers the (region, tile)
    /// partials and adds them in global tile order, so the totals have the same bits on any
    /// decomposition. Returns `regions × width` values, region-major.
    public func reproducibleRegionSums(regions: Int, width: Int, _ partial: (Box, (Int, Int, Double) -> Void) -> Void) throws -> [Double] {
        var records: [Double] = []
        var tilePartials = [Double](repeating: 0, count: regions * width)
        var touched = [Bool](repeating: false, count: regions)
        var touchedList: [Int] = []
        let box = localBox, cells = geometry.cells
        for tile in localTiles {
            partial(tile) { region, quantity, value in
                if !touched[region] { touched[region] = true; touchedList.append(region) }
                tilePartials[region * width + quantity] += value
            }
            // The tile's global lower corner names it the same way on every decomposition.
            let key = Double((box.lower.x + tile.lower.x) + cells.x * ((box.lower.y + tile.lower.y) + cells.y * (box.lower.z + tile.lower.z)))
            for region in touchedList {
                records.append(Double(region))
                records.append(key)
                for quantity in 0..<width { records.append(tilePartials[region * width + quantity]); tilePartials[region * width + quantity] = 0 }
                touched[region] = false
            }
            touchedList.removeAll(keepingCapacity: true)
        }
        let stride = 2 + width
        let counts = communicator.allGather([Int64(records.count)]).map { Int($0) }
        let all = try communicator.allGather(records, counts: counts)
        let order = (0..<(all.count / stride)).sorted { a, b in
            (all[a * stride], all[a * stride + 1]) < (all[b * stride], all[b * stride + 1])
        }
        var totals = [Double](repeating: 0, count: regions * width)
        for record in order {
            let region = Int(all[record * stride])
            for quantity in 0..<width { totals[region * width + quantity] += all[record * stride + 2 + quantity] }
        }
        return totals
    }
}

/// This rank's tiles, in local indices: blocks are whole tiles (see CartesianDecomposition), so
/// the same global tile is enumerated in the same cell order whichever rank owns it.
func tiles(of box: Box, cells: Index3) -> [Box] {
    var edges: [[(start: Int, count: Int)]] = []
    for axis in 0..<3 {
        let tile = CartesianDecomposition.tile(cells: cells[axis])
        var runs: [(Int, Int)] = []
        var start = 0
        while start < box.size[axis] {
            let count = Swift.min(tile, box.size[axis] - start)
            runs.append((start, count))
            start += count
        }
        edges.append(runs)
    }
    var result: [Box] = []
    for z in edges[2] { for y in edges[1] { for x in edges[0] {
        result.append(Box(lower: Index3(x.start, y.start, z.start), size: Index3(x.count, y.count, z.count)))
    } } }
    return result
}
