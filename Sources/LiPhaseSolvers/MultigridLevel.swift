import LiPhaseGrid
import LiPhaseParallel

/// One grid of the multigrid hierarchy and its operator
///
///     (L u)_i = Σ_faces T_f (u_i − u_neighbour) + d_i u_i
///
/// in integrated (finite-volume) form: T_f = σ_f·A_f/h_f is a face transmissibility, d_i a
/// reaction term times the cell volume. `faces[a]` holds, at cell i, the face between cells i − 1
/// and i along axis a; the upper boundary face sits in the ghost slot i = n. Wall ghosts of the
/// solution stay 0, so a Dirichlet face acts as T_f·u_i and a Neumann face has T_f = 0.
final class MultigridLevel {
    let dimensions: Int
    let globalCells: Index3
    /// This rank's block in the level's global indices (the whole grid when replicated).
    let box: Box
    let layout: GhostedLayout
    let decomposition: CartesianDecomposition
    let replicated: Bool
    private let halo: HaloExchange

    let faces: [Field]
    let reaction: Field
    /// 1/D for the smoother. D itself is not stored: it is d + Σ T (`diagonal(at:)`).
    let inverseDiagonal: Field
    /// The cycle's unknown and right-hand side. A caller that lends its own vectors (the finest
    /// level of a preconditioner) never makes the level allocate these.
    var solution: Field {
        get { vector(\.ownSolution, name: "u") }
        set { ownSolution = newValue }
    }
    var rhs: Field {
        get { vector(\.ownRightHandSide, name: "b") }
        set { ownRightHandSide = newValue }
    }
    private var ownSolution: Field?, ownRightHandSide: Field?

    private func vector(_ storage: ReferenceWritableKeyPath<MultigridLevel, Field?>, name: String) -> Field {
        if let field = self[keyPath: storage] { return field }
        let field = Field(name: name, units: "", layout: layout)
        self[keyPath: storage] = field
        return field
    }
    let residual: Field

    /// Share of the finest grid's cells in this level (for work accounting).
    let weight: Double

    /// `partner`: the same level of a solver whose cycles never overlap this one's; the levels
    /// then share the residual, and below the finest level also the solution and right-hand
    /// side (on the finest level those are the caller's vectors).
    init(dimensions: Int, globalCells: Index3, box: Box, decomposition: CartesianDecomposition, replicated: Bool, weight: Double,
         sharingWith partner: MultigridLevel? = nil, finest: Bool = false) {
        self.dimensions = dimensions
        self.globalCells = globalCells
        self.box = box
        self.decomposition = decomposition
        self.replicated = replicated
        self.weight = weight
        let layout = GhostedLayout(interior: box.size, ghosts: Index3(1, 1, dimensions == 3 ? 1 : 0))
        self.layout = layout
        halo = HaloExchange(decomposition: decomposition, layout: layout)
        faces = (0..<dimensions).map { Field(name: "T\($0)", units: "S", layout: layout) }
        reaction = Field(name: "d", units: "S", layout: layout)
        inverseDiagonal = Field(name: "1/D", units: "1/S", layout: layout)
        if let partner, partner.layout == layout {
            residual = partner.residual
            if !finest {
                ownSolution = partner.solution
                ownRightHandSide = partner.rhs
            }
        } else {
            residual = Field(name: "r", units: "", layout: layout)
        }
    }

    var cellCount: Int { box.cellCount }

    /// D_i = Σ T_f + d_i over the faces of cell p.
    @inline(__always)
    func diagonal(at p: Int) -> Double {
        var sum = reaction.pointer[p]
        for axis in 0..<dimensions {
            let t = faces[axis].pointer
            sum += t[p] + t[p &+ layout.stride(axis)]
        }
        return sum
    }

    /// 1/D for the smoother (0 where D = 0).
    func updateDiagonal() {
        let n = layout.interior
        let inverse = inverseDiagonal.pointer
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            for i in 0..<n.x {
                let sum = diagonal(at: base &+ i)
                inverse[base &+ i] = sum > 0 ? 1 / sum : 0
            }
        } }
    }

    /// The operator treats a wall ghost as 0 (the wall value lives in the right-hand side). A
    /// field that comes from elsewhere may carry other ghost values (another module may have
    /// refreshed them for its own boundary conditions), so they are cleared first.
    func clearWallGhosts(_ field: Field) {
        let lowerWall = decomposition.isLowerWall, upperWall = decomposition.isUpperWall
        var ranges: [Range<Int>] = (0..<3).map { -layout.ghosts[$0]..<(layout.interior[$0] + layout.ghosts[$0]) }
        let full = ranges
        for axis in 0..<dimensions where layout.ghosts[axis] > 0 {
            for (isWall, index) in [(lowerWall[axis], -1), (upperWall[axis], layout.interior[axis])] where isWall {
                ranges = full
                ranges[axis] = index..<(index + 1)
                for k in ranges[2] { for j in ranges[1] { for i in ranges[0] { field.pointer[layout.offset(i, j, k)] = 0 } } }
            }
        }
    }

    // MARK: Kernels

    /// The cells whose stencil reaches no ghost, and the one-cell shell around them in onion
    /// order (each axis's two layers, less the layers of the axes before it).
    private lazy var innerBox: (lower: Index3, upper: Index3) = {
        let n = layout.interior
        var lower = Index3(0, 0, 0), upper = n
        for axis in 0..<dimensions {
            lower[axis] = Swift.min(1, n[axis])
            upper[axis] = Swift.max(lower[axis], n[axis] - 1)
        }
        return (lower, upper)
    }()
    private lazy var shell: [(lower: Index3, upper: Index3)] = {
        let n = layout.interior, inner = innerBox
        var boxes: [(lower: Index3, upper: Index3)] = []
        for axis in 0..<dimensions {
            var lower = Index3(0, 0, 0), upper = n
            for other in 0..<axis {
                lower[other] = inner.lower[other]
                upper[other] = inner.upper[other]
            }
            lower[axis] = 0
            upper[axis] = inner.lower[axis]
            boxes.append((lower, upper))
            lower[axis] = Swift.max(inner.lower[axis], inner.upper[axis])
            upper[axis] = n[axis]
            boxes.append((lower, upper))
        }
        return boxes.filter { box in (0..<3).allSatisfy { box.upper[$0] > box.lower[$0] } }
    }()

    /// Runs `kernel` over the inner box while the face ghosts of `field` travel, then over the
    /// shell once they have arrived: the exchange hides behind the interior's work. Valid for
    /// the 5- and 7-point stencils here, which read no edge or corner ghost.
    private func overlappingExchange(of field: Field, _ kernel: (_ lower: Index3, _ upper: Index3) -> Void) throws {
        try halo.startFaceExchange(field.pointer)
        kernel(innerBox.lower, innerBox.upper)
        try halo.finishFaceExchange()
        for box in shell { kernel(box.lower, box.upper) }
    }

    /// One red or black Gauss–Seidel half-sweep. Colours follow global indices, so the update
    /// is the same whatever the decomposition, and the same in any order within a colour.
    func smooth(color: Int) throws {
        try overlappingExchange(of: solution) { lower, upper in smooth(color: color, lower: lower, upper: upper) }
    }

    /// The first half-sweep (colour 0) of a cycle, which starts from u = 0: no neighbour
    /// contributes yet, so u = b/D on the colour's cells, with no halo and no neighbour reads.
    /// Bit-identical to `smooth(color: 0)` on a zero field.
    func smoothFromZero() {
        solution.fill(0)
        let n = layout.interior
        let u = solution.pointer, b = UnsafePointer(rhs.pointer), inverse = UnsafePointer(inverseDiagonal.pointer)
        let parity = box.lower.x + box.lower.y + box.lower.z
        for k in 0..<n.z { for j in 0..<n.y {
            let base = layout.offset(0, j, k)
            var i = (0 - parity - j - k) & 1
            while i < n.x {
                u[base &+ i] = b[base &+ i] * inverse[base &+ i]
                i &+= 2
            }
        } }
    }

    private func smooth(color: Int, lower: Index3, upper: Index3) {
        let sy = layout.strideY, sz = layout.strideZ
        let u = solution.pointer, b = UnsafePointer(rhs.pointer), inverse = UnsafePointer(inverseDiagonal.pointer)
        let tx = UnsafePointer(faces[0].pointer), ty = UnsafePointer(faces[1].pointer)
        let parity = box.lower.x + box.lower.y + box.lower.z + lower.x
        if dimensions == 2 {
            for j in lower.y..<upper.y {
                let base = layout.offset(lower.x, j, 0)
                var i = (color - parity - j) & 1
                while i < upper.x - lower.x {
                    let p = base &+ i
                    let s = b[p] + tx[p] * u[p &- 1] + tx[p &+ 1] * u[p &+ 1] + ty[p] * u[p &- sy] + ty[p &+ sy] * u[p &+ sy]
                    u[p] = s * inverse[p]
                    i &+= 2
                }
            }
        } else {
            let tz = UnsafePointer(faces[2].pointer)
            for k in lower.z..<upper.z { for j in lower.y..<upper.y {
                let base = layout.offset(lower.x, j, k)
                var i = (color - parity - j - k) & 1
                while i < upper.x - lower.x {
                    let p = base &+ i
                    var s = b[p] + tx[p] * u[p &- 1] + tx[p &+ 1] * u[p &+ 1] + ty[p] * u[p &- sy] + ty[p &+ sy] * u[p &+ sy]
                    s += tz[p] * u[p &- sz] + tz[p &+ sz] * u[p &+ sz]
                    u[p] = s * inverse[p]
                    i &+= 2
                }
            } }
        }
    }

    /// output = rhs − L input, or −L input without rhs, or L input when `positive` (without
    /// rhs), refreshing the face ghosts of `input` behind the interior's work.
    func applyOperator(_ input: Field, into output: Field, subtractingFrom right: Field?, positive: Bool = false) throws {
        try overlappingExchange(of: input) { lower, upper in
            applyOperator(input, into: output, subtractingFrom: right, positive: positive, lower: lower, upper: upper)
        }
    }

    private func applyOperator(_ input: Field, into output: Field, subtractingFrom right: Field?, positive: Bool, lower: Index3, upper: Index3) {
        let sy = layout.strideY, sz = layout.strideZ
        let u = UnsafePointer(input.pointer), out = output.pointer, d = UnsafePointer(reaction.pointer)
        let b = right.map { UnsafePointer($0.pointer) }, sign = positive ? 1.0 : -1.0
        let tx = UnsafePointer(faces[0].pointer), ty = UnsafePointer(faces[1].pointer)
        let tz = dimensions == 3 ? UnsafePointer(faces[2].pointer) : nil
        for k in lower.z..<upper.z { for j in lower.y..<upper.y {
            let base = layout.offset(0, j, k)
            for i in lower.x..<upper.x {
                let p = base &+ i
                let c = u[p]
                var lu = d[p] * c + tx[p] * (c - u[p &- 1]) + tx[p &+ 1] * (c - u[p &+ 1]) + ty[p] * (c - u[p &- sy]) + ty[p &+ sy] * (c - u[p &+ sy])
                if let tz { lu += tz[p] * (c - u[p &- sz]) + tz[p &+ sz] * (c - u[p &+ sz]) }
                out[p] = (b?[p] ?? 0) + sign * lu
            }
        } }
    }

    func computeResidual() throws {
        try applyOperator(solution, into: residual, subtractingFrom: rhs)
    }

    /// Which axes the next coarser level halves: every active axis with more than one cell.
    var coarsenableAxes: [Bool] { (0..<3).map { $0 < dimensions && globalCells[$0] > 1 } }

    static func coarser(_ cells: Index3, axes: [Bool]) -> Index3 {
        Index3(axes[0] ? (cells.x + 1) / 2 : cells.x, axes[1] ? (cells.y + 1) / 2 : cells.y, axes[2] ? (cells.z + 1) / 2 : cells.z)
    }
}

/// The transfer between a fine grid and the next coarser one (cell aggregation by 2 along the
/// coarsened axes; the last aggregate of an odd axis holds one cell). Works between any two
/// levels whose blocks are aligned: fine box lower = 2 × coarse box lower along coarsened axes.
struct Coarsening {
    let axes: [Bool]

    /// Local fine indices of the children of local coarse cell `c` along `axis`.
    @inline(__always)
    func children(_ axis: Int, _ c: Int, fine: Box, coarse: Box) -> Range<Int> {
        guard axes[axis] else { return (coarse.lower[axis] + c - fine.lower[axis])..<(coarse.lower[axis] + c - fine.lower[axis] + 1) }
        let first = 2 * (coarse.lower[axis] + c) - fine.lower[axis]
        return first..<Swift.min(first + 2, fine.size[axis])
    }

    @inline(__always)
    func parent(_ axis: Int, _ f: Int, fine: Box, coarse: Box) -> Int {
        axes[axis] ? (fine.lower[axis] + f) / 2 - coarse.lower[axis] : fine.lower[axis] + f - coarse.lower[axis]
    }

    /// Coarse right-hand side = sum of the fine residuals of each aggregate (integrated form).
    func restrict(_ fine: UnsafePointer<Double>, fineLayout: GhostedLayout, fineBox: Box, into coarse: Field, coarseBox: Box) {
        let n = coarse.layout.interior, out = coarse.pointer
        for k in 0..<n.z {
            let kr = children(2, k, fine: fineBox, coarse: coarseBox)
            for j in 0..<n.y {
                let jr = children(1, j, fine: fineBox, coarse: coarseBox)
                let base = coarse.layout.offset(0, j, k)
                for i in 0..<n.x {
                    let ir = children(0, i, fine: fineBox, coarse: coarseBox)
                    var sum = 0.0
                    for kc in kr { for jc in jr { for ic in ir { sum += fine[fineLayout.offset(ic, jc, kc)] } } }
                    out[base &+ i] = sum
                }
            }
        }
    }

    /// Adds the coarse correction to every fine cell of its aggregate (constant interpolation,
    /// which keeps the coarse representation of a floating high-σ island sharp).
    func prolong(_ coarse: Field, coarseBox: Box, into fine: Field, fineBox: Box) {
        let n = fine.layout.interior, c = UnsafePointer(coarse.pointer), out = fine.pointer
        for k in 0..<n.z {
            let kp = parent(2, k, fine: fineBox, coarse: coarseBox)
            for j in 0..<n.y {
                let jp = parent(1, j, fine: fineBox, coarse: coarseBox)
                let base = fine.layout.offset(0, j, k)
                let coarseRow = coarse.layout.offset(0, jp, kp)
                for i in 0..<n.x { out[base &+ i] += c[coarseRow &+ parent(0, i, fine: fineBox, coarse: coarseBox)] }
            }
        }
    }

    /// The coarse operator. A coarse face between two aggregates covers the fine faces on the
    /// same plane; the path between the coarse centres is twice as long, so
    /// T_coarse = ½ Σ T_fine along a halved axis (what rediscretising σ with harmonic means across
    /// and arithmetic means along the face gives). Reaction terms add up over the aggregate.
    func coarsenOperator(fineFaces: [UnsafePointer<Double>], fineReaction: UnsafePointer<Double>, fineLayout: GhostedLayout, fineBox: Box,
                         into coarse: MultigridLevel) {
        let n = coarse.layout.interior, dims = coarse.dimensions
        for axis in 0..<dims {
            let out = coarse.faces[axis].pointer
            let factor = axes[axis] ? 0.5 : 1.0
            var upper = n
            upper[axis] += 1          // faces 0...n along the face axis
            let t = fineFaces[axis]
            // The fine faces under coarse face F: face 2F (clamped at an odd end) along the face
            // axis, the aggregate's children across it.
            func fineRange(_ other: Int, _ c: Int) -> Range<Int> {
                guard other == axis else { return children(other, c, fine: fineBox, coarse: coarse.box) }
                let f = axes[axis] ? Swift.min(2 * (coarse.box.lower[axis] + c) - fineBox.lower[axis], fineBox.size[axis])
                                   : coarse.box.lower[axis] + c - fineBox.lower[axis]
                return f..<(f + 1)
            }
            for k in 0..<upper.z {
                let kr = fineRange(2, k)
                for j in 0..<upper.y {
                    let jr = fineRange(1, j), base = coarse.layout.offset(0, j, k)
                    for i in 0..<upper.x {
                        let ir = fineRange(0, i)
                        var sum = 0.0
                        for kc in kr { for jc in jr { for ic in ir { sum += t[fineLayout.offset(ic, jc, kc)] } } }
                        out[base &+ i] = factor * sum
                    }
                }
            }
        }
        restrict(fineReaction, fineLayout: fineLayout, fineBox: fineBox, into: coarse.reaction, coarseBox: coarse.box)
        coarse.updateDiagonal()
    }
}
