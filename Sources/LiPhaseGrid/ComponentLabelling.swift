import LiPhaseParallel

/// Connected Li deposits across ranks (MODEL.md §8): cells with ξ > ½, face-connected, the lateral
/// axes periodic. A component's label is the smallest global cell index in it, so labels, counts
/// and volumes do not depend on the decomposition.
///
/// Each rank joins its own cells with a union–find, then ranks trade labels through the ghost
/// layer and take the minimum until no label changes anywhere (one allreduce per round; the
/// rounds needed grow with the number of rank borders a deposit winds through, not with cells).
public struct LithiumComponents: Sendable, Equatable {
    public struct Component: Sendable, Equatable {
        public var label: Int
        public var cells: Int
        /// Σξ over the component in units of 2⁻²⁰ (exact integer sums in any order).
        public var fixedVolume: Int
        /// Smallest and largest global x index.
        public var lowestX: Int
        public var highestX: Int
        /// Smallest global index among the component's cells in the last x layer (the counter
        /// electrode), or Int.max when it does not reach it.
        public var counterCell: Int
        public var touchesAnode: Bool { lowestX == 0 }
        public var touchesCounter: Bool { counterCell != Int.max }
    }
    public var components: [Component]
    public static let volumeScale = 0x1p20
    public init(components: [Component]) { self.components = components }
}

public enum ComponentLabelling {
    /// Labels `lithium > threshold`. `labels` receives each cell's label (−1 outside Li); its
    /// ghosts are overwritten.
    public static func label(_ lithium: Field, threshold: Double = 0.5, grid: DistributedGrid, labels: Field) throws -> LithiumComponents {
        let layout = lithium.layout, n = layout.interior, box = grid.localBox, cells = grid.geometry.cells
        let dims = grid.geometry.dimensions
        let count = n.x * n.y * n.z
        let xi = UnsafePointer(lithium.pointer)
        var parent = [Int](repeating: -1, count: count)
        @inline(__always) func local(_ i: Int, _ j: Int, _ k: Int) -> Int { i + n.x * (j + n.y * k) }
        func find(_ a: Int) -> Int {
            var r = a
            while parent[r] != r { r = parent[r] }
            var c = a
            while parent[c] != r { let next = parent[c]; parent[c] = r; c = next }
            return r
        }
        func union(_ a: Int, _ b: Int) {
            let ra = find(a), rb = find(b)
            if ra != rb { if ra < rb { parent[rb] = ra } else { parent[ra] = rb } }
        }
        for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x where xi[layout.offset(i, j, k)] > threshold {
            parent[local(i, j, k)] = local(i, j, k)
        } } }
        for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
            let a = local(i, j, k)
            guard parent[a] >= 0 else { continue }
            if i + 1 < n.x, parent[local(i + 1, j, k)] >= 0 { union(a, local(i + 1, j, k)) }
            if j + 1 < n.y, parent[local(i, j + 1, k)] >= 0 { union(a, local(i, j + 1, k)) }
            if k + 1 < n.z, parent[local(i, j, k + 1)] >= 0 { union(a, local(i, j, k + 1)) }
        } } }
        // Each local root starts with the smallest global index of its cells (roots are the
        // smallest local index, and local order follows global order within a box).
        var rootLabel = [Int](repeating: Int.max, count: count)
        func global(_ i: Int, _ j: Int, _ k: Int) -> Int {
            (box.lower.x + i) + cells.x * ((box.lower.y + j) + cells.y * (box.lower.z + k))
        }
        for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
            let a = local(i, j, k)
            guard parent[a] >= 0 else { continue }
            let r = find(a)
            rootLabel[r] = Swift.min(rootLabel[r], global(i, j, k))
        } } }
        let out = labels.pointer
        func publish() {
            for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
                let a = local(i, j, k)
                out[layout.offset(i, j, k)] = parent[a] >= 0 ? Double(rootLabel[find(a)]) : -1
            } } }
        }
        publish()
        let conditions = BoundaryConditions.cellWalls()
        let strides = (0..<dims).map { layout.stride($0) }
        var rounds = 0
        while true {
            try grid.refreshGhosts([labels], conditions: [conditions])
            var changed = false
            for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
                let a = local(i, j, k)
                guard parent[a] >= 0 else { continue }
                // Only cells on the block's faces can see another rank's (or a periodic image's) label.
                let onFace = i == 0 || i == n.x - 1 || j == 0 || j == n.y - 1 || (dims == 3 && (k == 0 || k == n.z - 1))
                guard onFace else { continue }
                let p = layout.offset(i, j, k), r = find(a)
                for axis in 0..<dims {
                    let below = out[p - strides[axis]], above = out[p + strides[axis]]
                    if below >= 0, Int(below) < rootLabel[r] { rootLabel[r] = Int(below); changed = true }
                    if above >= 0, Int(above) < rootLabel[r] { rootLabel[r] = Int(above); changed = true }
                }
            } } }
            guard grid.communicator.any(changed) else { break }
            publish()
            rounds += 1
            if rounds > 100_000 { throw LabellingError("component labelling did not settle after \(rounds) rounds") }
        }
        // Per-label statistics of this rank's cells, then merged over all ranks by label. Runs of
        // one label along x (the common case) accumulate in `run` without a dictionary lookup.
        var byLabel: [Int: LithiumComponents.Component] = [:]
        func empty(_ label: Int) -> LithiumComponents.Component {
            .init(label: label, cells: 0, fixedVolume: 0, lowestX: Int.max, highestX: Int.min, counterCell: Int.max)
        }
        var run: LithiumComponents.Component?
        for k in 0..<n.z { for j in 0..<n.y { for i in 0..<n.x {
            let a = local(i, j, k)
            guard parent[a] >= 0 else { continue }
            let label = rootLabel[find(a)], gx = box.lower.x + i
            var c: LithiumComponents.Component
            if let current = run, current.label == label {
                c = current
            } else {
                if let current = run { byLabel[current.label] = current }
                c = byLabel[label] ?? empty(label)
            }
            c.cells += 1
            c.fixedVolume += Int(saturatingInt64(Swift.min(1, xi[layout.offset(i, j, k)]) * LithiumComponents.volumeScale))
            c.lowestX = Swift.min(c.lowestX, gx)
            c.highestX = Swift.max(c.highestX, gx)
            if gx == cells.x - 1 { c.counterCell = Swift.min(c.counterCell, global(i, j, k)) }
            run = c
        } } }
        if let current = run { byLabel[current.label] = current }
        let fields = 6
        var packed: [Double] = []
        for c in byLabel.values {
            packed += [Double(c.label), Double(c.cells), Double(c.fixedVolume), Double(c.lowestX), Double(c.highestX),
                       c.counterCell == Int.max ? -1 : Double(c.counterCell)]
        }
        let counts = grid.communicator.allGather([Int64(packed.count)]).map { Int($0) }
        let all = try grid.communicator.allGather(packed, counts: counts)
        var merged: [Int: LithiumComponents.Component] = [:]
        for start in stride(from: 0, to: all.count, by: fields) {
            let label = Int(all[start]), counter = all[start + 5] < 0 ? Int.max : Int(all[start + 5])
            var c = merged[label] ?? empty(label)
            c.cells += Int(all[start + 1])
            c.fixedVolume += Int(all[start + 2])
            c.lowestX = Swift.min(c.lowestX, Int(all[start + 3]))
            c.highestX = Swift.max(c.highestX, Int(all[start + 4]))
            c.counterCell = Swift.min(c.counterCell, counter)
            merged[label] = c
        }
        return LithiumComponents(components: merged.values.sorted { $0.label < $1.label })
    }
}

public struct LabellingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
