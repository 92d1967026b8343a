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
