import LiPhaseGrid
import LiPhaseParallel

/// Copies a distributed level's arrays into a replicated copy of the same global grid on every
/// rank. Coarser levels are then built and solved redundantly on each rank from identical data,
/// which keeps the whole cycle independent of the decomposition.
final class LevelGather {
    let level: MultigridLevel
    let shadow: MultigridLevel
    /// Per rank: lower (3), size (3), upper-wall flags (3).
    private let regions: [[Int]]

    init(level: MultigridLevel, shadow: MultigridLevel) {
        self.level = level
        self.shadow = shadow
        let walls = level.decomposition.isUpperWall
        let mine: [Int64] = (0..<3).map { Int64(level.box.lower[$0]) } + (0..<3).map { Int64(level.box.size[$0]) } + (0..<3).map { Int64(walls[$0] ? 1 : 0) }
        let all = level.decomposition.cartesian.allGather(mine)
        regions = stride(from: 0, to: all.count, by: 9).map { Array(all[$0..<($0 + 9)]).map { Int($0) } }
    }

    /// Region a rank contributes: its cells, plus the upper boundary face for a face array whose
    /// axis ends at that rank's wall.
    private func region(_ r: [Int], faceAxis: Int?) -> (lower: Index3, size: Index3) {
        var size = Index3(r[3], r[4], r[5])
        if let axis = faceAxis, r[6 + axis] == 1 { size[axis] += 1 }
        return (Index3(r[0], r[1], r[2]), size)
    }

    func gather(_ source: Field, into target: Field, faceAxis: Int? = nil) throws {
        let sourceLayout = source.layout, targetLayout = target.layout
        let own = region(regions[level.decomposition.cartesian.rank], faceAxis: faceAxis)
        var send: [Double] = []
        send.reserveCapacity(own.size.product)
        for k in 0..<own.size.z { for j in 0..<own.size.y { for i in 0..<own.size.x {
            send.append(source.pointer[sourceLayout.offset(i, j, k)])
        } } }
        let counts = regions.map { region($0, faceAxis: faceAxis).size.product }
        let received = try level.decomposition.cartesian.allGather(send, counts: counts)
        var n = 0
        for r in regions {
            let (lower, size) = region(r, faceAxis: faceAxis)
            for k in 0..<size.z { for j in 0..<size.y { for i in 0..<size.x {
                target.pointer[targetLayout.offset(lower.x + i, lower.y + j, lower.z + k)] = received[n]
                n += 1
            } } }
        }
        // A periodic axis has no wall: its upper boundary face is face 0 seen from the other side.
        if let axis = faceAxis, level.decomposition.periodic[axis] {
            let n = targetLayout.interior
            var plane = n
            plane[axis] = 1
            for k in 0..<plane.z { for j in 0..<plane.y { for i in 0..<plane.x {
                var upper = [i, j, k]
                upper[axis] = n[axis]
                target.pointer[targetLayout.offset(upper[0], upper[1], upper[2])] = target.pointer[targetLayout.offset(i, j, k)]
            } } }
        }
    }
}
