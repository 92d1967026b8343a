import LiPhaseParallel

/// STREAM triad, a[i] = b[i] + s·c[i], on every rank at once: the memory bandwidth the kernels
/// are measured against. Bytes are counted the STREAM way, 24 per element (no write-allocate),
/// and the kernels' bytes per cell are counted the same way. Each array is `mebibytes` large,
/// far beyond the last-level cache.
func streamTriad(world: Communicator, mebibytes: Int, repetitions: Int) -> Sample {
    let count = mebibytes * 1024 * 1024 / 8
    let a = UnsafeMutablePointer<Double>.allocate(capacity: count)
    let b = UnsafeMutablePointer<Double>.allocate(capacity: count)
    let c = UnsafeMutablePointer<Double>.allocate(capacity: count)
    defer { a.deallocate(); b.deallocate(); c.deallocate() }
    a.initialize(repeating: 0, count: count)
    b.initialize(repeating: 1, count: count)
    c.initialize(repeating: 2, count: count)
    let scalar = 3.0
    var rates: [Double] = []
    for repetition in 0...repetitions {
        world.barrier()
        let start = MPIEnvironment.wallTime()
        for i in 0..<count { a[i] = b[i] + scalar * c[i] }
        let elapsed = world.max(MPIEnvironment.wallTime() - start)
        // The first pass faults the pages in; it is not timed.
        if repetition > 0 { rates.append(24 * Double(count) * Double(world.size) / elapsed) }
    }
    // Keep the result observable so the loop is not removed.
    if a[count / 2] != 7 { print("stream: unexpected value \(a[count / 2])") }
    return Sample(rates)
}
