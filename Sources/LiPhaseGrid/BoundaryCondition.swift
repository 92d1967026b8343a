import LiPhaseParallel

/// A condition on one face of the global domain, for cell-centred values.
public enum BoundaryCondition: Equatable, Sendable {
    /// Ghosts come from the opposite face (through the halo exchange).
    case periodic
    /// The value on the face itself, half a cell beyond the last cell centre.
    case dirichlet(Double)
    /// The outward normal derivative ∂u/∂n on the face.
    case neumann(Double)
}

/// Conditions on all six faces; faces of the inactive z axis of a 2-D grid are never used.
public struct BoundaryConditions: Equatable, Sendable {
    public var lower: [BoundaryCondition]
    public var upper: [BoundaryCondition]

    public init(lower: [BoundaryCondition], upper: [BoundaryCondition]) {
        self.lower = lower
        self.upper = upper
    }

    public static func allPeriodic() -> BoundaryConditions {
        BoundaryConditions(lower: Array(repeating: .periodic, count: 3), upper: Array(repeating: .periodic, count: 3))
    }

    /// The cell's walls (MODEL.md §0): zero-gradient mirrors at x = 0 and x = Lx, periodic laterally.
    public static func cellWalls() -> BoundaryConditions {
        var conditions = allPeriodic()
        conditions.lower[0] = .neumann(0)
        conditions.upper[0] = .neumann(0)
        return conditions
    }

    public var periodicAxes: [Bool] { (0..<3).map { lower[$0] == .periodic && upper[$0] == .periodic } }

    /// Zero-gradient walls (ghost = cell), periodic axes kept: for coefficients that live on
    /// faces, so a boundary face sees its cell's value.
    public static func mirror(_ conditions: BoundaryConditions) -> BoundaryConditions {
        var mirrored = conditions
        for axis in 0..<3 {
            if mirrored.lower[axis] != .periodic { mirrored.lower[axis] = .neumann(0) }
            if mirrored.upper[axis] != .periodic { mirrored.upper[axis] = .neumann(0) }
        }
        return mirrored
    }

    public func isConsistent() -> Bool {
        (0..<3).allSatisfy { (lower[$0] == .periodic) == (upper[$0] == .periodic) }
    }
}

extension BoundaryCondition {
    /// Fills ghost layers of one wall face. The ghost m layers out mirrors interior cell m − 1,
    /// which makes the face value (Dirichlet) or face gradient (Neumann) exact for a linear
    /// profile and keeps the 2nd-order stencils 2nd order up to the wall.
    func fillGhosts(of field: Field, axis: Int, upperSide: Bool, spacing: Double) {
        let layout = field.layout
        let g = layout.ghosts[axis], n = layout.interior[axis]
        guard g > 0 else { return }
        var ranges: [Range<Int>] = (0..<3).map { -layout.ghosts[$0]..<(layout.interior[$0] + layout.ghosts[$0]) }
        let p = field.pointer
        for m in 1...g {
            let ghostIndex = upperSide ? n - 1 + m : -m
            let mirrorIndex = upperSide ? n - m : m - 1
            ranges[axis] = ghostIndex..<(ghostIndex + 1)
            let shift = (mirrorIndex - ghostIndex) * layout.stride(axis)
            for k in ranges[2] { for j in ranges[1] { for i in ranges[0] {
                let ghost = layout.offset(i, j, k)
                let mirror = ghost + shift
                switch self {
                case .periodic: return
                case let .dirichlet(value): p[ghost] = 2 * value - p[mirror]
                case let .neumann(gradient): p[ghost] = p[mirror] + Double(2 * m - 1) * spacing * gradient
                }
            } } }
        }
    }
}
