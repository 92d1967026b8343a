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

    private func pack(_ fields: [UnsafeMutablePointer<Double>], _ r: [Range<Int>], into buffer: inout [Double]) {
        var n = 0
        let count = r[0].count * r[1].count * r[2].count * fields.count
        if buffer.count < count { buffer = [Double](repeating: 0, count: count) }
        buffer.withUnsafeMutableBufferPointer { out in
            for field in fields {
                for k in r[2] { for j in r[1] {
                    let base = layout.offset(r[0].lowerBound, j, k)
                    for i in 0..<r[0].count { out[n &+ i] = field[base &+ i] }
                    n &+= r[0].count
                } }
            }
        }
    }

    private func unpack(_ fields: [UnsafeMutablePointer<Double>], _ r: [Range<Int>], from buffer: [Double]) {
        var n = 0
        buffer.withUnsafeBufferPointer { input in
            for field in fields {
                for k in r[2] { for j in r[1] {
                    let base = layout.offset(r[0].lowerBound, j, k)
                    for i in 0..<r[0].count { field[base &+ i] = input[n &+ i] }
                    n &+= r[0].count
                } }
            }
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
            pack(fields, toUpper, into: &sendUpper); unpack(fields, fromLower, from: sendUpper)
            pack(fields, toLower, into: &sendLower); unpack(fields, fromUpper, from: sendLower)
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
        if lower != null { unpack(fields, fromLower, from: receiveLower) }
        if upper != null { unpack(fields, fromUpper, from: receiveUpper) }
    }
}
