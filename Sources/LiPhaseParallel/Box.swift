/// A triple of cell indices or counts, x fastest. 2-D grids use z = 0 (index) or 1 (count).
public struct Index3: Hashable, Sendable, CustomStringConvertible {
    public var x: Int, y: Int, z: Int
    public init(_ x: Int, _ y: Int, _ z: Int) { self.x = x; self.y = y; self.z = z }
    public subscript(axis: Int) -> Int {
        get { axis == 0 ? x : (axis == 1 ? y : z) }
        set { if axis == 0 { x = newValue } else if axis == 1 { y = newValue } else { z = newValue } }
    }
    public var product: Int { x * y * z }
    public var description: String { "(\(x), \(y), \(z))" }
}

/// A half-open block of cells [lower, lower + size) in global index space.
public struct Box: Hashable, Sendable, CustomStringConvertible {
    public var lower: Index3
    public var size: Index3
    public init(lower: Index3, size: Index3) { self.lower = lower; self.size = size }
    public var upper: Index3 { Index3(lower.x + size.x, lower.y + size.y, lower.z + size.z) }
    public var cellCount: Int { size.product }
    public func contains(_ p: Index3) -> Bool {
        (0..<3).allSatisfy { p[$0] >= lower[$0] && p[$0] < lower[$0] + size[$0] }
    }
    public var description: String { "[\(lower.x)..<\(upper.x)] × [\(lower.y)..<\(upper.y)] × [\(lower.z)..<\(upper.z)]" }
}

/// Memory layout of one rank's block with ghost layers: contiguous, x fastest.
public struct GhostedLayout: Hashable, Sendable {
    /// Interior cells on this rank.
    public let interior: Index3
    /// Ghost layers per axis (0 along z in 2-D).
    public let ghosts: Index3
    public let strideY: Int
    public let strideZ: Int
    public let count: Int

    public init(interior: Index3, ghosts: Index3) {
        self.interior = interior
        self.ghosts = ghosts
        strideY = interior.x + 2 * ghosts.x
        strideZ = strideY * (interior.y + 2 * ghosts.y)
        count = strideZ * (interior.z + 2 * ghosts.z)
    }

    public func stride(_ axis: Int) -> Int { axis == 0 ? 1 : (axis == 1 ? strideY : strideZ) }

    /// Storage offset of local cell (i, j, k); ghosts have negative or ≥ interior indices.
    @inline(__always)
    public func offset(_ i: Int, _ j: Int, _ k: Int) -> Int {
        (i &+ ghosts.x) &+ (j &+ ghosts.y) &* strideY &+ (k &+ ghosts.z) &* strideZ
    }
}
