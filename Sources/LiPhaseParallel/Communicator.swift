import CMPI
#if canImport(Glibc)
import Glibc
#endif

/// An MPI failure, reported with the call that failed and MPI's own error string.
public struct MPIError: Error, CustomStringConvertible {
    public let call: String
    public let code: Int32
    public init(call: String, code: Int32) {
        self.call = call
        self.code = code
    }
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_ERROR_STRING) + 1)
        var length: Int32 = 0
        MPI_Error_string(code, &buffer, &length)
        let text = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return "MPI call \(call) failed (code \(code)): \(text)"
    }
}

@inline(__always)
func check(_ code: Int32, _ call: @autoclosure () -> String) throws {
    if code != liphase_mpi_success() { throw MPIError(call: call(), code: code) }
}

/// A process group. Started without `mpirun`, Open MPI runs as a singleton, so the same code
/// path serves a laptop run (one rank) and a cluster run.
public final class Communicator {
    public let handle: MPI_Comm
    public let rank: Int
    public let size: Int
    private let ownsHandle: Bool

    public var isRoot: Bool { rank == 0 }

    /// The world communicator. Initialises MPI on first use; `finalize()` must be called at exit.
    public static func world() -> Communicator {
        MPIEnvironment.initializeIfNeeded()
        return Communicator(handle: liphase_mpi_comm_world(), owns: false)
    }

    init(handle: MPI_Comm, owns: Bool) {
        self.handle = handle
        self.ownsHandle = owns
        var r: Int32 = 0, s: Int32 = 0
        MPI_Comm_rank(handle, &r)
        MPI_Comm_size(handle, &s)
        rank = Int(r)
        size = Int(s)
    }

    deinit {
        if ownsHandle && !MPIEnvironment.isFinalized {
            var h: MPI_Comm? = handle
            MPI_Comm_free(&h)
        }
    }

    /// Splits into sub-communicators by `color`; ranks keep their relative order.
    public func split(color: Int, key: Int) throws -> Communicator {
        var newHandle: MPI_Comm? = nil
        try check(MPI_Comm_split(handle, Int32(color), Int32(key), &newHandle), "MPI_Comm_split")
        guard let h = newHandle else { throw MPIError(call: "MPI_Comm_split (null communicator)", code: -1) }
        return Communicator(handle: h, owns: true)
    }

    public func barrier() { MPI_Barrier(handle) }

    // MARK: Reductions. Max and min are exact, so they are decomposition-independent.

    public func max(_ value: Double) -> Double { allreduce(value, liphase_mpi_max()) }
    public func min(_ value: Double) -> Double { allreduce(value, liphase_mpi_min()) }
    public func max(_ value: Int) -> Int { allreduce(Int64(value), liphase_mpi_max()) }
    public func min(_ value: Int) -> Int { allreduce(Int64(value), liphase_mpi_min()) }
    public func sum(_ value: Int) -> Int { allreduce(Int64(value), liphase_mpi_sum()) }
    public func any(_ flag: Bool) -> Bool { max(flag ? 1 : 0) == 1 }
    public func all(_ flag: Bool) -> Bool { min(flag ? 1 : 0) == 1 }

    /// Floating-point sum in rank order: its last bits depend on the decomposition, so it may
    /// feed diagnostics but not the state.
    public func sum(_ value: Double) -> Double { allreduce(value, liphase_mpi_sum()) }

    public func sum(_ values: [Double]) -> [Double] {
        var input = values
        var output = [Double](repeating: 0, count: values.count)
        MPI_Allreduce(&input, &output, Int32(values.count), liphase_mpi_double(), liphase_mpi_sum(), handle)
        return output
    }

    public func sum(_ values: [Int64]) -> [Int64] {
        var input = values
        var output = [Int64](repeating: 0, count: values.count)
        MPI_Allreduce(&input, &output, Int32(values.count), liphase_mpi_int64(), liphase_mpi_sum(), handle)
        return output
    }

    public func max(_ values: [Double]) -> [Double] {
        var input = values
        var output = [Double](repeating: 0, count: values.count)
        MPI_Allreduce(&input, &output, Int32(values.count), liphase_mpi_double(), liphase_mpi_max(), handle)
        return output
    }

    private func allreduce(_ value: Double, _ op: MPI_Op) -> Double {
        var input = value, output = 0.0
        MPI_Allreduce(&input, &output, 1, liphase_mpi_double(), op, handle)
        return output
    }

    private func allreduce(_ value: Int64, _ op: MPI_Op) -> Int {
        var input = value, output: Int64 = 0
        MPI_Allreduce(&input, &output, 1, liphase_mpi_int64(), op, handle)
        return Int(output)
    }

    /// Sends rank 0's bytes to every rank.
    public func broadcast(_ bytes: [UInt8]) -> [UInt8] {
        var count = Int64(bytes.count)
        MPI_Bcast(&count, 1, liphase_mpi_int64(), 0, handle)
        var buffer = isRoot ? bytes : [UInt8](repeating: 0, count: Int(count))
        if count > 0 {
            buffer.withUnsafeMutableBytes { raw in
                _ = MPI_Bcast(raw.baseAddress, Int32(count), liphase_mpi_byte(), 0, handle)
            }
        }
        return buffer
    }

    public func broadcast(_ text: String) -> String {
        String(decoding: broadcast(Array(text.utf8)), as: UTF8.self)
    }

    /// `root`'s text on every rank.
    public func broadcast(_ text: String, from root: Int) -> String {
        var bytes = Array(text.utf8)
        var count = Int64(bytes.count)
        MPI_Bcast(&count, 1, liphase_mpi_int64(), Int32(root), handle)
        if rank != root { bytes = [UInt8](repeating: 0, count: Int(count)) }
        if count > 0 {
            bytes.withUnsafeMutableBytes { raw in _ = MPI_Bcast(raw.baseAddress, Int32(count), liphase_mpi_byte(), Int32(root), handle) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func broadcast(_ value: Double) -> Double {
        var v = value
        MPI_Bcast(&v, 1, liphase_mpi_double(), 0, handle)
        return v
    }

    /// Concatenates every rank's values, in rank order, on every rank; `counts[r]` is rank r's
    /// number of values (each rank must pass the same `counts`).
    public func allGather(_ values: [Double], counts: [Int]) throws -> [Double] {
        var sizes = counts.map { Int32($0) }
        var displacements: [Int32] = []
        var offset: Int32 = 0
        for size in sizes { displacements.append(offset); offset += size }
        var received = [Double](repeating: 0, count: Int(offset))
        var send = values
        let code = send.withUnsafeMutableBufferPointer { s in
            received.withUnsafeMutableBufferPointer { r in
                MPI_Allgatherv(s.baseAddress, Int32(s.count), liphase_mpi_double(), r.baseAddress, &sizes, &displacements, liphase_mpi_double(), handle)
            }
        }
        try check(code, "MPI_Allgatherv")
        return received
    }

    /// Gathers one value from every rank onto every rank, in rank order.
    public func allGather(_ values: [Int64]) -> [Int64] {
        var input = values
        var output = [Int64](repeating: 0, count: values.count * size)
        MPI_Allgather(&input, Int32(values.count), liphase_mpi_int64(), &output, Int32(values.count), liphase_mpi_int64(), handle)
        return output
    }
}

/// Process-wide MPI state: initialised once, finalised once.
public enum MPIEnvironment {
    nonisolated(unsafe) private static var initialized = false
    nonisolated(unsafe) private(set) static var isFinalized = false

    public static func initializeIfNeeded() {
        guard !initialized else { return }
        var flag: Int32 = 0
        MPI_Initialized(&flag)
        if flag == 0 {
            var provided: Int32 = 0
            MPI_Init_thread(nil, nil, liphase_mpi_thread_funneled(), &provided)
        }
        // Errors come back as codes so that LiPhase can report them with context.
        MPI_Comm_set_errhandler(liphase_mpi_comm_world(), liphase_mpi_errors_return())
        initialized = true
    }

    public static func finalize() {
        guard initialized, !isFinalized else { return }
        isFinalized = true
        MPI_Finalize()
    }

    /// Ends every rank at once; for a failure on one rank that the others cannot know of.
    public static func abort(code: Int32) -> Never {
        MPI_Abort(liphase_mpi_comm_world(), code)
        exit(code)
    }

    /// Wall-clock seconds, consistent across ranks' measurements.
    public static func wallTime() -> Double {
        initializeIfNeeded()
        return MPI_Wtime()
    }
}

extension Communicator {
    /// This process alone (MPI_COMM_SELF): for replicated work such as coarse multigrid levels.
    public static func selfOnly() -> Communicator {
        MPIEnvironment.initializeIfNeeded()
        return Communicator(handle: liphase_mpi_comm_self(), owns: false)
    }
}
