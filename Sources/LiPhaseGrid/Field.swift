import LiPhaseParallel

/// One scalar field on this rank's block, ghost layers included, in one contiguous allocation.
/// Kernels reach the storage through `pointer` with `GhostedLayout.offset`.
public final class Field {
    public let name: String
    public let units: String
    public let layout: GhostedLayout
    public let pointer: UnsafeMutablePointer<Double>

    public init(name: String, units: String, layout: GhostedLayout, value: Double = 0) {
        self.name = name
        self.units = units
        self.layout = layout
        pointer = .allocate(capacity: layout.count)
        pointer.initialize(repeating: value, count: layout.count)
    }

    deinit { pointer.deallocate() }

    public var buffer: UnsafeMutableBufferPointer<Double> { UnsafeMutableBufferPointer(start: pointer, count: layout.count) }

    /// Local cell (i, j, k), ghosts included. Not for hot loops.
    public subscript(i: Int, j: Int, k: Int) -> Double {
        get { pointer[layout.offset(i, j, k)] }
        set { pointer[layout.offset(i, j, k)] = newValue }
    }

    public func fill(_ value: Double) { pointer.update(repeating: value, count: layout.count) }

    public func copy(from other: Field) {
        precondition(other.layout == layout, "fields of one grid share a layout")
        pointer.update(from: other.pointer, count: layout.count)
    }

    /// Interior values, x fastest, as stored in files.
    public func interiorValues() -> [Double] {
        let n = layout.interior
        var out = [Double](); out.reserveCapacity(n.product)
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { out.append(pointer[base + i]) }
        } }
        return out
    }

    /// Sets the interior from values ordered as `interiorValues()` returns them.
    public func setInterior(_ values: [Double]) {
        let n = layout.interior
        precondition(values.count == n.product, "callers check the size against the layout")
        var index = 0
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x { pointer[base + i] = values[index]; index += 1 }
        } }
    }
}

extension Field {
    /// Local index of the first NaN or infinite interior value, if any.
    /// Every finite value: `firstOutside(Field.finite)` finds NaN and ±∞.
    public static let finite = -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude

    public func firstNonFinite() -> Index3? { firstOutside(Self.finite) }

    /// The first interior cell whose value is not in `range` (NaN is in no range).
    public func firstOutside(_ range: ClosedRange<Double>) -> Index3? {
        let n = layout.interior
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x where !range.contains(pointer[base + i]) { return Index3(i, j, k) }
        } }
        return nil
    }
}
