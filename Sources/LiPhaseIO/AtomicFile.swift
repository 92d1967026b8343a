import Foundation
import LiPhaseParallel
#if canImport(Glibc)
import Glibc
#endif

/// Files are written under a temporary name, synced, then renamed: a reader (or a restart after
/// a crash) sees either the old complete file or the new complete file, never a partial one.
public enum AtomicFile {
    public static func temporaryPath(for path: String) -> String { path + ".tmp" }

    /// Flushes a file's data to stable storage.
    public static func sync(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY)
        guard fd >= 0 else { throw HDF5Error("cannot open \(path) to sync it: \(String(cString: strerror(errno)))") }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw HDF5Error("fsync of \(path) failed: \(String(cString: strerror(errno)))") }
    }

    /// Renames `temporary` over `path` and syncs the directory so the rename itself is durable.
    public static func commit(_ temporary: String, to path: String) throws {
        try sync(temporary)
        guard rename(temporary, path) == 0 else {
            throw HDF5Error("cannot rename \(temporary) to \(path): \(String(cString: strerror(errno)))")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let fd = Glibc.open(directory.isEmpty ? "." : directory, O_RDONLY)
        if fd >= 0 { fsync(fd); Glibc.close(fd) }
    }

    public static func write(_ text: String, to path: String) throws {
        let temporary = temporaryPath(for: path)
        do {
            try text.write(toFile: temporary, atomically: false, encoding: .utf8)
        } catch {
            throw HDF5Error("cannot write \(temporary): \(error.localizedDescription)")
        }
        try commit(temporary, to: path)
    }
}

extension Communicator {
    /// Runs `body` (a commit, an index update) on the root only, then throws the root's error on
    /// every rank: a rank that carried on would wait forever in the next collective call.
    public func onRoot(_ body: () throws -> Void) throws {
        var message = ""
        if isRoot {
            do { try body() } catch { message = "\(error)".isEmpty ? "\(type(of: error))" : "\(error)" }
        }
        message = broadcast(message)
        if !message.isEmpty { throw HDF5Error(message) }
    }
}
