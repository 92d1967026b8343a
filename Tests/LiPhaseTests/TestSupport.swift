import Foundation
import LiPhase
import LiPhaseParallel
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// MPI in the test process (a singleton rank), finalised once at exit as MPI requires.
let testWorld: Communicator = {
    let world = Communicator.world()
    atexit { MPIEnvironment.finalize() }
    return world
}()

/// A fresh scratch directory under the system temporary directory.
func scratchDirectory(_ name: String) -> String {
    let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("liphase-tests-\(getpid())/\(name)")
    try? FileManager.default.removeItem(atPath: path)
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// The package root, found from this file's location (Tests/LiPhaseTests/…).
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The named time-series column of the simulation's last record.
func diagnostic(_ simulation: Simulation, _ column: String) throws -> Double {
    let names = ["step", "time", "dt", "wall_time"] + simulation.model.diagnosticNames
    return simulation.lastDiagnostics[try XCTUnwrap(names.firstIndex(of: column), column)]
}
