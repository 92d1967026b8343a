import CMPI

/// Fills the ghost layers of ghosted blocks from neighbouring ranks (and from this rank across
/// a periodic axis that is not split). Axes are exchanged in turn, each over the ghost layers of
/// the axes before it, so edge and corner ghosts are correct too. Ghosts on a physical wall are
/// left alone: boundary conditions own them.
public final class HaloExchange {
    public let decomposition: CartesianDecomposition
    public let layout: GhostedLayout
    private var sendLower: [Double] = [], sendUpper: [Double] = []
    private var receiveLower: [Double] = [], receiveUpper: [Double] = []

    public init(decomposition: CartesianDecomposition, layout: GhostedLayout) {
        self.decomposition = decomposition
        self.layout = layout
    }

    deinit {
        if let faces { faces.buffer.deallocate() }
    }

    // MARK: Split-phase exchange of face ghosts

    /// Buffers and requests of a face exchange in flight. Its buffers are allocated once and
    /// stay put, because MPI reads and writes them between the start and the finish.
    private struct FaceExchange {
        let buffer: UnsafeMutablePointer<Double>
        /// Per axis and side: the offset of its send and receive slabs in `buffer`.
        let sendOffset: [[Int]], receiveOffset: [[Int]]
        var requests: [MPI_Request?]
        var field: UnsafeMutablePointer<Double>?
    }
    private var faces: FaceExchange?

    /// Face slab along `axis`: interior cells in the other axes, so that no axis depends on the
    /// ghosts of another and all of them travel at once. Enough for 5- and 7-point stencils.
    private func faceSlab(axis: Int, side: Int, ghostLayers: Bool) -> [Range<Int>] {
        let g = layout.ghosts[axis], n = layout.interior[axis]
        return (0..<3).map { other in
            guard other == axis else { return 0..<layout.interior[other] }
            if ghostLayers { return side == 0 ? (-g..<0) : (n..<(n + g)) }
            return side == 0 ? (0..<g) : ((n - g)..<n)
        }
    }

    private func faceExchangeBuffers() -> FaceExchange {
        if let faces { return faces }
        var sendOffset: [[Int]] = [], receiveOffset: [[Int]] = []
        var total = 0
        for axis in 0..<3 {
            let r = faceSlab(axis: axis, side: 0, ghostLayers: false)
            let count = layout.ghosts[axis] > 0 ? r[0].count * r[1].count * r[2].count : 0
            sendOffset.append([total, total + count])
            receiveOffset.append([total + 2 * count, total + 3 * count])
            total += 4 * count
        }
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(total, 1))
        let made = FaceExchange(buffer: buffer, sendOffset: sendOffset, receiveOffset: receiveOffset,
                                requests: [MPI_Request?](repeating: liphase_mpi_request_null(), count: 12), field: nil)
        faces = made
        return made
    }

    /// Starts filling the face ghosts of `field` (not its edge and corner ghosts): posts every
    /// axis's messages at once and returns, so the caller can update the cells that need no
    /// ghost while they travel. `finishFaceExchange` completes it; the field's face layers must
    /// not change in between. A periodic axis held by this rank alone is copied here.
    public func startFaceExchange(_ field: UnsafeMutablePointer<Double>) throws {
        var state = faceExchangeBuffers()
        precondition(state.field == nil, "a face exchange is already in flight")
        let me = Int32(decomposition.cartesian.rank), null = liphase_mpi_proc_null()
        let comm = decomposition.cartesian.handle
        var codes: [Int32] = []
        for axis in 0..<decomposition.dimensions where layout.ghosts[axis] > 0 {
            let neighbour = decomposition.neighbours[axis]
            let toSide = [faceSlab(axis: axis, side: 0, ghostLayers: false), faceSlab(axis: axis, side: 1, ghostLayers: false)]
            let fromSide = [faceSlab(axis: axis, side: 0, ghostLayers: true), faceSlab(axis: axis, side: 1, ghostLayers: true)]
            let count = toSide[0][0].count * toSide[0][1].count * toSide[0][2].count
            if neighbour[0] == me && neighbour[1] == me {
                let staging = state.buffer + state.sendOffset[axis][0]
                transfer(field, toSide[1], staging, packing: true); transfer(field, fromSide[0], staging, packing: false)
                transfer(field, toSide[0], staging, packing: true); transfer(field, fromSide[1], staging, packing: false)
                continue
            }
            // Tag 16 + 2·axis carries data moving up (it lands in a lower ghost), 17 + 2·axis down.
            for side in 0..<2 where neighbour[side] != null {
                let incoming = Int32(16 + 2 * axis + side), outgoing = Int32(16 + 2 * axis + 1 - side)
                let send = state.buffer + state.sendOffset[axis][side], receive = state.buffer + state.receiveOffset[axis][side]
                transfer(field, toSide[side], send, packing: true)
                codes.append(MPI_Irecv(receive, Int32(count), liphase_mpi_double(), neighbour[side], incoming, comm, &state.requests[4 * axis + side]))
                codes.append(MPI_Isend(send, Int32(count), liphase_mpi_double(), neighbour[side], outgoing, comm, &state.requests[4 * axis + 2 + side]))
            }
        }
        state.field = field
        faces = state
        for code in codes { try check(code, "face halo exchange (start)") }
    }

    /// Waits for the face exchange started by `startFaceExchange` and fills the ghosts.
    public func finishFaceExchange() throws {
        guard var state = faces, let field = state.field else { return }
        let code = MPI_Waitall(Int32(state.requests.count), &state.requests, liphase_mpi_statuses_ignore())
        let null = liphase_mpi_proc_null(), me = Int32(decomposition.cartesian.rank)
        for axis in 0..<decomposition.dimensions where layout.ghosts[axis] > 0 {
            let neighbour = decomposition.neighbours[axis]
            if neighbour[0] == me && neighbour[1] == me { continue }
            for side in 0..<2 where neighbour[side] != null {
                transfer(field, faceSlab(axis: axis, side: side, ghostLayers: true), state.buffer + state.receiveOffset[axis][side], packing: false)
            }
        }
        state.field = nil
        faces = state
        try check(code, "face halo exchange (finish)")
    }

    /// Exchanges every buffer in `fields`; each must have `layout.count` elements.
    public func exchange(_ fields: [UnsafeMutablePointer<Double>]) throws {
        for axis in 0..<decomposition.dimensions where layout.ghosts[axis] > 0 {
            try exchange(fields, axis: axis)
        }
    }

    /// Index ranges of the slab that is sent to (or received from) one side along `axis`.
    private func slab(axis: Int, side: Int, ghostLayers: Bool) -> [Range<Int>] {
        let g = layout.ghosts[axis], n = layout.interior[axis]
        var ranges: [Range<Int>] = []
        for other in 0..<3 {
            if other == axis {
                if ghostLayers { ranges.append(side == 0 ? (-g..<0) : (n..<(n + g))) }
                else { ranges.append(side == 0 ? (0..<g) : ((n - g)..<n)) }
            } else if other < axis {
                let go = layout.ghosts[other]
                ranges.append(-go..<(layout.interior[other] + go))
            } else {
                ranges.append(0..<layout.interior[other])
            }
        }
        return ranges
    }

    /// Copies the slab `r` of `field` into `buffer` (packing) or back out of it, x rows in
    /// order; returns the number of values.
    @discardableResult
    private func transfer(_ field: UnsafeMutablePointer<Double>, _ r: [Range<Int>], _ buffer: UnsafeMutablePointer<Double>, packing: Bool) -> Int {
        var n = 0
        for k in r[2] { for j in r[1] {
            let base = layout.offset(r[0].lowerBound, j, k)
            if packing {
                for i in 0..<r[0].count { buffer[n &+ i] = field[base &+ i] }
            } else {
                for i in 0..<r[0].count { field[base &+ i] = buffer[n &+ i] }
            }
            n &+= r[0].count
        } }
        return n
    }

    private func pack(_ fields: [UnsafeMutablePointer<Double>], _ r: [Range<Int>], into buffer: inout [Double]) {
        let count = r[0].count * r[1].count * r[2].count * fields.count
        if buffer.count < count { buffer = [Double](repeating: 0, count: count) }
        buffer.withUnsafeMutableBufferPointer { out in
            guard let start = out.baseAddress else { return }
            var n = 0
            for field in fields { n += transfer(field, r, start + n, packing: true) }
        }
    }

    private func unpack(_ fields: [UnsafeMutablePointer<Double>], _ r: [Range<Int>], from buffer: inout [Double]) {
        buffer.withUnsafeMutableBufferPointer { input in
            guard let start = input.baseAddress else { return }
            var n = 0
            for field in fields { n += transfer(field, r, start + n, packing: false) }
        }
    }

    private func exchange(_ fields: [UnsafeMutablePointer<Double>], axis: Int) throws {
        let lower = decomposition.neighbours[axis][0], upper = decomposition.neighbours[axis][1]
        let me = Int32(decomposition.cartesian.rank)
        let null = liphase_mpi_proc_null()
        let toLower = slab(axis: axis, side: 0, ghostLayers: false), toUpper = slab(axis: axis, side: 1, ghostLayers: false)
        let fromLower = slab(axis: axis, side: 0, ghostLayers: true), fromUpper = slab(axis: axis, side: 1, ghostLayers: true)
        if lower == me && upper == me {
            // Periodic axis held by one rank: copy across without MPI.
            pack(fields, toUpper, into: &sendUpper); unpack(fields, fromLower, from: &sendUpper)
            pack(fields, toLower, into: &sendLower); unpack(fields, fromUpper, from: &sendLower)
            return
        }
        let count = toLower[0].count * toLower[1].count * toLower[2].count * fields.count
        if receiveLower.count < count { receiveLower = [Double](repeating: 0, count: count) }
        if receiveUpper.count < count { receiveUpper = [Double](repeating: 0, count: count) }
        if lower != null { pack(fields, toLower, into: &sendLower) }
        if upper != null { pack(fields, toUpper, into: &sendUpper) }
        // Tag 2·axis carries data moving up (it lands in a lower ghost), 2·axis+1 data moving down.
        let up = Int32(2 * axis), down = Int32(2 * axis + 1)
        let comm = decomposition.cartesian.handle
        var requests = [MPI_Request?](repeating: liphase_mpi_request_null(), count: 4)
        var codes: [Int32] = []
        receiveLower.withUnsafeMutableBufferPointer { rl in
            receiveUpper.withUnsafeMutableBufferPointer { ru in
                sendLower.withUnsafeMutableBufferPointer { sl in
                    sendUpper.withUnsafeMutableBufferPointer { su in
                        codes.append(MPI_Irecv(rl.baseAddress, Int32(count), liphase_mpi_double(), lower, up, comm, &requests[0]))
                        codes.append(MPI_Irecv(ru.baseAddress, Int32(count), liphase_mpi_double(), upper, down, comm, &requests[1]))
                        codes.append(MPI_Isend(su.baseAddress, Int32(count), liphase_mpi_double(), upper, up, comm, &requests[2]))
                        codes.append(MPI_Isend(sl.baseAddress, Int32(count), liphase_mpi_double(), lower, down, comm, &requests[3]))
                        codes.append(MPI_Waitall(4, &requests, liphase_mpi_statuses_ignore()))
                    }
                }
            }
        }
        for code in codes { try check(code, "halo exchange along axis \(axis)") }
        if lower != null { unpack(fields, fromLower, from: &receiveLower) }
        if upper != null { unpack(fields, fromUpper, from: &receiveUpper) }
    }
}
