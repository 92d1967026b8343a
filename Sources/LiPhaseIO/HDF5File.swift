import CHDF5
import CMPI
import Foundation
import LiPhaseParallel

public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// An attribute value; LiPhase stores units, spacing, time and provenance as attributes.
public enum AttributeValue: Equatable, Sendable {
    case double(Double)
    case doubles([Double])
    case integer(Int)
    case integers([Int])
    case text(String)
}

/// A parallel HDF5 file opened by every rank of a communicator (MPI-IO driver). Field datasets
/// hold global arrays, [ny][nx] in 2-D and [nz][ny][nx] in 3-D (x fastest, as in memory), and
/// each rank writes or reads only its own block, collectively: nothing is gathered to one rank.
public final class HDF5File {
    public let path: String
    public let communicator: Communicator
    private var id: hid_t
    private let readOnly: Bool

    private init(path: String, communicator: Communicator, id: hid_t, readOnly: Bool) {
        self.path = path
        self.communicator = communicator
        self.id = id
        self.readOnly = readOnly
    }

    deinit { if id >= 0 { H5Fclose(id) } }

    private static func accessList(_ communicator: Communicator) throws -> hid_t {
        liphase_h5_silence_errors()
        let fapl = H5Pcreate(liphase_h5p_file_access())
        guard fapl >= 0, H5Pset_fapl_mpio(fapl, communicator.handle, liphase_mpi_info_null()) >= 0 else {
            throw HDF5Error("cannot set up parallel HDF5 file access (is this the MPI build of HDF5?)")
        }
        return fapl
    }

    /// Creates (or truncates) a file. Collective.
    public static func create(path: String, communicator: Communicator) throws -> HDF5File {
        let fapl = try accessList(communicator)
        defer { H5Pclose(fapl) }
        let id = H5Fcreate(path, liphase_h5f_acc_trunc(), liphase_h5p_default(), fapl)
        guard id >= 0 else { throw HDF5Error("cannot create HDF5 file \(path): check that the directory exists and is writable") }
        return HDF5File(path: path, communicator: communicator, id: id, readOnly: false)
    }

    /// Opens an existing file read-only. Collective.
    public static func open(path: String, communicator: Communicator) throws -> HDF5File {
        guard FileManager.default.fileExists(atPath: path) else { throw HDF5Error("no such file: \(path)") }
        liphase_h5_silence_errors()
        guard H5Fis_hdf5(path) > 0 else { throw HDF5Error("\(path) is not an HDF5 file (or it is truncated or corrupted)") }
        let fapl = try accessList(communicator)
        defer { H5Pclose(fapl) }
        let id = H5Fopen(path, liphase_h5f_acc_rdonly(), fapl)
        guard id >= 0 else { throw HDF5Error("cannot open \(path) as HDF5: the file is truncated or corrupted") }
        return HDF5File(path: path, communicator: communicator, id: id, readOnly: true)
    }

    /// Closes the file (collective). Data are on disk when this returns on every rank.
    public func close() throws {
        guard id >= 0 else { return }
        if !readOnly { H5Fflush(id, H5F_SCOPE_GLOBAL) }
        let status = H5Fclose(id)
        id = -1
        guard status >= 0 else { throw HDF5Error("closing \(path) failed: the data may be incomplete") }
    }

    // MARK: Groups

    public func createGroup(_ name: String) throws {
        let group = H5Gcreate2(id, name, liphase_h5p_default(), liphase_h5p_default(), liphase_h5p_default())
        guard group >= 0 else { throw HDF5Error("cannot create group \(name) in \(path)") }
        H5Gclose(group)
    }

    public func exists(_ name: String) -> Bool {
        // Check each level: H5Lexists fails on a missing intermediate group.
        var prefix = ""
        for part in name.split(separator: "/") {
            prefix += "/" + part
            if H5Lexists(id, prefix, liphase_h5p_default()) <= 0 { return false }
        }
        return true
    }

    // MARK: Distributed fields

    static func fileShape(_ global: Index3, dimensions: Int) -> [hsize_t] {
        dimensions == 3 ? [hsize_t(global.z), hsize_t(global.y), hsize_t(global.x)] : [hsize_t(global.y), hsize_t(global.x)]
    }

    static func blockSelection(_ box: Box, dimensions: Int) -> (start: [hsize_t], count: [hsize_t]) {
        if dimensions == 3 {
            return ([hsize_t(box.lower.z), hsize_t(box.lower.y), hsize_t(box.lower.x)], [hsize_t(box.size.z), hsize_t(box.size.y), hsize_t(box.size.x)])
        }
        return ([hsize_t(box.lower.y), hsize_t(box.lower.x)], [hsize_t(box.size.y), hsize_t(box.size.x)])
    }

    private func collectiveTransfer() -> hid_t {
        let dxpl = H5Pcreate(liphase_h5p_dataset_xfer())
        H5Pset_dxpl_mpio(dxpl, H5FD_MPIO_COLLECTIVE)
        return dxpl
    }

    /// Writes this rank's block of a global array. Collective: every rank calls it, with its box.
    public func writeBlock(_ name: String, values: [Double], global: Index3, dimensions: Int, box: Box, attributes: [(String, AttributeValue)] = []) throws {
        precondition(values.count == box.cellCount, "a block holds one value per cell of its box")
        var shape = Self.fileShape(global, dimensions: dimensions)
        let fileSpace = H5Screate_simple(Int32(shape.count), &shape, nil)
        defer { H5Sclose(fileSpace) }
        let dataset = H5Dcreate2(id, name, liphase_h5t_ieee_f64le(), fileSpace, liphase_h5p_default(), liphase_h5p_default(), liphase_h5p_default())
        guard dataset >= 0 else { throw HDF5Error("cannot create dataset \(name) in \(path)") }
        defer { H5Dclose(dataset) }
        var (start, count) = Self.blockSelection(box, dimensions: dimensions)
        H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil)
        let memorySpace = H5Screate_simple(Int32(count.count), &count, nil)
        defer { H5Sclose(memorySpace) }
        let dxpl = collectiveTransfer()
        defer { H5Pclose(dxpl) }
        let status = values.withUnsafeBufferPointer { H5Dwrite(dataset, liphase_h5t_native_double(), memorySpace, fileSpace, dxpl, $0.baseAddress) }
        guard status >= 0 else { throw HDF5Error("writing dataset \(name) to \(path) failed (disk full or quota exceeded?)") }
        for (key, value) in attributes { try setAttribute(key, value, on: dataset) }
    }

    /// Reads this rank's block of a global array, after checking the dataset's shape.
    public func readBlock(_ name: String, global: Index3, dimensions: Int, box: Box) throws -> [Double] {
        let shape = try datasetShape(name)
        let expected = Self.fileShape(global, dimensions: dimensions).map { Int($0) }
        guard shape == expected else {
            throw HDF5Error("dataset \(name) in \(path) has shape \(shape) but the grid needs \(expected) ([z,] y, x)")
        }
        let dataset = H5Dopen2(id, name, liphase_h5p_default())
        guard dataset >= 0 else { throw HDF5Error("cannot open dataset \(name) in \(path)") }
        defer { H5Dclose(dataset) }
        let (start, count) = Self.blockSelection(box, dimensions: dimensions)
        return try readSelection(dataset, name: name, start: start, count: count)
    }

    /// Reads a hyperslab of an open dataset as Doubles (HDF5 converts integer types). Collective.
    private func readSelection(_ dataset: hid_t, name: String, start: [hsize_t], count: [hsize_t]) throws -> [Double] {
        var start = start, count = count
        let fileSpace = H5Dget_space(dataset)
        defer { H5Sclose(fileSpace) }
        H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, &start, nil, &count, nil)
        let memorySpace = H5Screate_simple(Int32(count.count), &count, nil)
        defer { H5Sclose(memorySpace) }
        let dxpl = collectiveTransfer()
        defer { H5Pclose(dxpl) }
        var values = [Double](repeating: 0, count: Int(count.reduce(1, *)))
        let status = values.withUnsafeMutableBufferPointer { H5Dread(dataset, liphase_h5t_native_double(), memorySpace, fileSpace, dxpl, $0.baseAddress) }
        guard status >= 0 else { throw HDF5Error("reading dataset \(name) from \(path) failed: the file is truncated or corrupted") }
        return values
    }

    /// Reads this rank's block of an integer grain-id array: DREAM.3D's FeatureIds layout
    /// [z][y][x][1], or [z][y][x], and in 2-D also [1][y][x][1], [1][y][x] or [y][x]. Values come
    /// back as Doubles (exact for ids below 2⁵³). Collective.
    public func readGrainIds(_ name: String, global: Index3, dimensions: Int, box: Box) throws -> [Double] {
        guard exists(name) else {
            throw HDF5Error("\(path) has no dataset '\(name)': set microstructure.dataset to the path of the grain-id array")
        }
        let dataset = H5Dopen2(id, name, liphase_h5p_default())
        guard dataset >= 0 else { throw HDF5Error("cannot open dataset \(name) in \(path): the file is truncated or corrupted") }
        defer { H5Dclose(dataset) }
        let type = H5Dget_type(dataset)
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_INTEGER else {
            throw HDF5Error("dataset \(name) in \(path) does not hold integers: grain ids must be an integer array (DREAM.3D FeatureIds is int32)")
        }
        let shape = try datasetShape(name)
        let core = dimensions == 3 ? [global.z, global.y, global.x] : [global.y, global.x]
        // Each accepted layout: its shape and how many unit axes come before and after [(z,) y, x].
        var accepted = [(shape: core, leading: 0, trailing: 0), (shape: core + [1], leading: 0, trailing: 1)]
        if dimensions == 2 { accepted += [(shape: [1] + core, leading: 1, trailing: 0), (shape: [1] + core + [1], leading: 1, trailing: 1)] }
        guard let layout = accepted.first(where: { $0.shape == shape }) else {
            let wanted = dimensions == 3 ? "[\(global.z), \(global.y), \(global.x)(, 1)] as [z, y, x(, 1)]" : "[(1, )\(global.y), \(global.x)(, 1)] as [(z, )y, x(, 1)]"
            throw HDF5Error("dataset \(name) in \(path) has shape \(shape), but grid.cells needs \(wanted)")
        }
        let block = Self.blockSelection(box, dimensions: dimensions)
        let start = [hsize_t](repeating: 0, count: layout.leading) + block.start + [hsize_t](repeating: 0, count: layout.trailing)
        let count = [hsize_t](repeating: 1, count: layout.leading) + block.count + [hsize_t](repeating: 1, count: layout.trailing)
        let values = try readSelection(dataset, name: name, start: start, count: count)
        // Every rank must throw together, or the others would wait in the next collective call.
        let localBad = values.firstIndex { !($0 >= 0) }
        let badRank = communicator.min(localBad != nil ? Double(communicator.rank) : .infinity)
        if badRank.isFinite {
            var message = ""
            if let bad = localBad {
                let x = box.lower.x + bad % box.size.x, y = box.lower.y + (bad / box.size.x) % box.size.y, z = box.lower.z + bad / (box.size.x * box.size.y)
                message = "dataset \(name) in \(path) has grain id \(values[bad]) at cell (x, y, z) = (\(x), \(y), \(z)); grain ids must be ≥ 0"
            }
            throw HDF5Error(communicator.broadcast(message, from: Int(badRank)))
        }
        return values
    }

    public func datasetShape(_ name: String) throws -> [Int] {
        guard exists(name) else { throw HDF5Error("\(path) has no dataset \(name)") }
        let dataset = H5Dopen2(id, name, liphase_h5p_default())
        guard dataset >= 0 else { throw HDF5Error("cannot open dataset \(name) in \(path)") }
        defer { H5Dclose(dataset) }
        let space = H5Dget_space(dataset)
        defer { H5Sclose(space) }
        let rank = Int(H5Sget_simple_extent_ndims(space))
        guard rank >= 0, rank <= 32 else { throw HDF5Error("dataset \(name) in \(path) has an unreadable shape") }
        var dims = [hsize_t](repeating: 0, count: max(rank, 1))
        H5Sget_simple_extent_dims(space, &dims, nil)
        return dims.prefix(rank).map { Int($0) }
    }

    // MARK: Small replicated datasets (every rank holds the same values; rank 0 writes them)

    public func writeReplicated(_ name: String, values: [Double]) throws {
        try writeReplicated(name, count: values.count, type: liphase_h5t_ieee_f64le(), memoryType: liphase_h5t_native_double()) { buffer in
            values.withUnsafeBytes { buffer($0.baseAddress) }
        }
    }

    public func writeReplicated(_ name: String, values: [Int64]) throws {
        try writeReplicated(name, count: values.count, type: liphase_h5t_std_i64le(), memoryType: liphase_h5t_native_int64()) { buffer in
            values.withUnsafeBytes { buffer($0.baseAddress) }
        }
    }

    /// Text as a 1-D byte dataset: no attribute size limit, and h5py reads it with `[()]`.
    public func writeReplicated(_ name: String, text: String) throws {
        let bytes = Array(text.utf8).map { Int8(bitPattern: $0) }
        try writeReplicated(name, count: bytes.count, type: liphase_h5t_std_i8le(), memoryType: liphase_h5t_native_schar()) { buffer in
            bytes.withUnsafeBytes { buffer($0.baseAddress) }
        }
    }

    private func writeReplicated(_ name: String, count: Int, type: hid_t, memoryType: hid_t, data: ((UnsafeRawPointer?) -> herr_t) -> herr_t) throws {
        var shape = [hsize_t(count)]
        let fileSpace = H5Screate_simple(1, &shape, nil)
        defer { H5Sclose(fileSpace) }
        let dataset = H5Dcreate2(id, name, type, fileSpace, liphase_h5p_default(), liphase_h5p_default(), liphase_h5p_default())
        guard dataset >= 0 else { throw HDF5Error("cannot create dataset \(name) in \(path)") }
        defer { H5Dclose(dataset) }
        // An empty dataset exists but holds nothing to write.
        if count == 0 { return }
        if !communicator.isRoot { H5Sselect_none(fileSpace) }
        let memoryCount = communicator.isRoot ? count : 0
        var memoryShape = [hsize_t(memoryCount)]
        let memorySpace = H5Screate_simple(1, &memoryShape, nil)
        defer { H5Sclose(memorySpace) }
        if memoryCount == 0 { H5Sselect_none(memorySpace) }
        let dxpl = collectiveTransfer()
        defer { H5Pclose(dxpl) }
        let status = data { pointer in H5Dwrite(dataset, memoryType, memorySpace, fileSpace, dxpl, pointer) }
        guard status >= 0 else { throw HDF5Error("writing dataset \(name) to \(path) failed") }
    }

    /// Replicated datasets are small (deck text, output history); a larger claim means corruption,
    /// and allocating it would end the run with a trap instead of a message.
    public static let maximumReplicatedCount = 1 << 28

    private func replicatedShape(_ name: String) throws -> [Int] {
        let shape = try datasetShape(name)
        if shape.count == 1, shape[0] > Self.maximumReplicatedCount {
            throw HDF5Error("dataset \(name) in \(path) claims \(shape[0]) elements; the file is corrupted")
        }
        return shape
    }

    public func readReplicatedDoubles(_ name: String) throws -> [Double] {
        try readReplicated(name, zero: 0.0, memoryType: liphase_h5t_native_double())
    }

    public func readReplicatedIntegers(_ name: String) throws -> [Int64] {
        try readReplicated(name, zero: Int64(0), memoryType: liphase_h5t_native_int64())
    }

    private func readReplicated<T>(_ name: String, zero: T, memoryType: hid_t) throws -> [T] {
        let shape = try replicatedShape(name)
        guard shape.count == 1 else { throw HDF5Error("dataset \(name) in \(path) should be 1-D, found shape \(shape)") }
        var values = [T](repeating: zero, count: shape[0])
        if values.isEmpty { return values }
        try readAll(name, memoryType: memoryType) { read in values.withUnsafeMutableBytes { read($0.baseAddress) } }
        return values
    }

    public func readReplicatedText(_ name: String) throws -> String {
        let shape = try replicatedShape(name)
        guard shape.count == 1 else { throw HDF5Error("dataset \(name) in \(path) should be 1-D text, found shape \(shape)") }
        var bytes = [Int8](repeating: 0, count: shape[0])
        if bytes.isEmpty { return "" }
        try readAll(name, memoryType: liphase_h5t_native_schar()) { read in bytes.withUnsafeMutableBytes { read($0.baseAddress) } }
        return String(decoding: bytes.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func readAll(_ name: String, memoryType: hid_t, into: ((UnsafeMutableRawPointer?) -> herr_t) -> herr_t) throws {
        let dataset = H5Dopen2(id, name, liphase_h5p_default())
        guard dataset >= 0 else { throw HDF5Error("cannot open dataset \(name) in \(path)") }
        defer { H5Dclose(dataset) }
        let status = into { pointer in H5Dread(dataset, memoryType, liphase_h5s_all(), liphase_h5s_all(), liphase_h5p_default(), pointer) }
        guard status >= 0 else { throw HDF5Error("reading dataset \(name) from \(path) failed: the file is truncated or corrupted") }
    }

    // MARK: Attributes

    /// Sets an attribute on the file root or on an object path. Collective, same value on every rank.
    public func setAttribute(_ name: String, _ value: AttributeValue, on object: String = "/") throws {
        let target = H5Oopen(id, object, liphase_h5p_default())
        guard target >= 0 else { throw HDF5Error("no object \(object) in \(path)") }
        defer { H5Oclose(target) }
        try setAttribute(name, value, on: target)
    }

    private func setAttribute(_ name: String, _ value: AttributeValue, on target: hid_t) throws {
        func write(_ count: Int, _ fileType: hid_t, _ memoryType: hid_t, _ pointer: UnsafeRawPointer?) throws {
            var shape = [hsize_t(count)]
            let space = count == 1 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &shape, nil)
            defer { H5Sclose(space) }
            let attribute = H5Acreate2(target, name, fileType, space, liphase_h5p_default(), liphase_h5p_default())
            guard attribute >= 0 else { throw HDF5Error("cannot create attribute \(name) in \(path)") }
            defer { H5Aclose(attribute) }
            guard H5Awrite(attribute, memoryType, pointer) >= 0 else { throw HDF5Error("cannot write attribute \(name) in \(path)") }
        }
        switch value {
        case let .double(v): var x = v; try write(1, liphase_h5t_ieee_f64le(), liphase_h5t_native_double(), &x)
        case let .doubles(v): try v.withUnsafeBytes { try write(v.count, liphase_h5t_ieee_f64le(), liphase_h5t_native_double(), $0.baseAddress) }
        case let .integer(v): var x = Int64(v); try write(1, liphase_h5t_std_i64le(), liphase_h5t_native_int64(), &x)
        case let .integers(v):
            let wide = v.map(Int64.init)
            try wide.withUnsafeBytes { try write(wide.count, liphase_h5t_std_i64le(), liphase_h5t_native_int64(), $0.baseAddress) }
        case let .text(s):
            // Variable-length UTF-8: h5py returns a str, ParaView and h5dump show plain text.
            let type = H5Tcopy(liphase_h5t_c_s1())
            defer { H5Tclose(type) }
            H5Tset_size(type, liphase_h5t_variable())
            H5Tset_cset(type, H5T_CSET_UTF8)
            try s.withCString { text in
                var pointer: UnsafePointer<CChar>? = text
                try withUnsafePointer(to: &pointer) { try write(1, type, type, UnsafeRawPointer($0)) }
            }
        }
    }

    public func attributeDouble(_ name: String, on object: String = "/") throws -> Double {
        let values = try attributeDoubles(name, on: object)
        guard values.count == 1 else { throw HDF5Error("attribute \(name) of \(object) in \(path) should hold one number") }
        return values[0]
    }

    public func attributeDoubles(_ name: String, on object: String = "/") throws -> [Double] {
        try readAttribute(name, on: object, memoryType: liphase_h5t_native_double(), zero: 0.0)
    }

    public func attributeIntegers(_ name: String, on object: String = "/") throws -> [Int] {
        try readAttribute(name, on: object, memoryType: liphase_h5t_native_int64(), zero: Int64(0)).map { Int($0) }
    }

    public func attributeInteger(_ name: String, on object: String = "/") throws -> Int {
        let values = try attributeIntegers(name, on: object)
        guard values.count == 1 else { throw HDF5Error("attribute \(name) of \(object) in \(path) should hold one integer") }
        return values[0]
    }

    public func attributeText(_ name: String, on object: String = "/") throws -> String {
        let attribute = try openAttribute(name, on: object)
        defer { H5Aclose(attribute) }
        let type = H5Aget_type(attribute)
        defer { H5Tclose(type) }
        guard H5Tget_class(type) == H5T_STRING else {
            throw HDF5Error("attribute \(name) of \(object) in \(path) is not a string")
        }
        if H5Tis_variable_str(type) > 0 {
            let space = H5Aget_space(attribute)
            defer { H5Sclose(space) }
            guard H5Sget_simple_extent_npoints(space) == 1 else { throw HDF5Error("attribute \(name) in \(path) should hold one string") }
            let memoryType = H5Tcopy(liphase_h5t_c_s1())
            defer { H5Tclose(memoryType) }
            H5Tset_size(memoryType, liphase_h5t_variable())
            H5Tset_cset(memoryType, H5Tget_cset(type))
            var pointer: UnsafeMutablePointer<CChar>? = nil
            guard H5Aread(attribute, memoryType, &pointer) >= 0 else { throw HDF5Error("cannot read attribute \(name) in \(path)") }
            defer { if pointer != nil { H5Dvlen_reclaim(memoryType, space, liphase_h5p_default(), &pointer) } }
            return pointer.map { String(cString: $0) } ?? ""
        }
        let size = H5Tget_size(type)
        guard size > 0, size < (1 << 26) else { throw HDF5Error("attribute \(name) in \(path) has an unreadable size") }
        var bytes = [UInt8](repeating: 0, count: size)
        guard H5Aread(attribute, type, &bytes) >= 0 else { throw HDF5Error("cannot read attribute \(name) in \(path)") }
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    private func openAttribute(_ name: String, on object: String) throws -> hid_t {
        guard object == "/" || exists(object) else { throw HDF5Error("\(path) has no object \(object)") }
        guard H5Aexists_by_name(id, object, name, liphase_h5p_default()) > 0 else {
            throw HDF5Error("\(path) has no attribute '\(name)' on \(object)")
        }
        let attribute = H5Aopen_by_name(id, object, name, liphase_h5p_default(), liphase_h5p_default())
        guard attribute >= 0 else { throw HDF5Error("cannot open attribute \(name) in \(path)") }
        return attribute
    }

    private func readAttribute<T>(_ name: String, on object: String, memoryType: hid_t, zero: T) throws -> [T] {
        let attribute = try openAttribute(name, on: object)
        defer { H5Aclose(attribute) }
        let space = H5Aget_space(attribute)
        defer { H5Sclose(space) }
        let count = Int(H5Sget_simple_extent_npoints(space))
        guard count >= 1, count < (1 << 24) else { throw HDF5Error("attribute \(name) in \(path) has an unreadable size") }
        let type = H5Aget_type(attribute)
        defer { H5Tclose(type) }
        let typeClass = H5Tget_class(type)
        guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else { throw HDF5Error("attribute \(name) of \(object) in \(path) is not numeric") }
        var values = [T](repeating: zero, count: count)
        guard values.withUnsafeMutableBytes({ H5Aread(attribute, memoryType, $0.baseAddress) }) >= 0 else {
            throw HDF5Error("cannot read attribute \(name) in \(path)")
        }
        return values
    }
}
