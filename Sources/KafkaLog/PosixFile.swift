#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore
import Synchronization

/// A file and its path (for error messages). Plain POSIX I/O: Kafka 2.8 appends through a
/// `FileChannel` and memory-maps its indexes; here every write is one `pwrite` and every read one `pread`.
///
/// The descriptor is opened on first use, not when the segment is loaded or created, so logs that
/// sit idle hold none: a broker hosting 100,000 partition replicas would otherwise need 300,000
/// descriptors at start-up (Kafka keeps them all open and asks for a raised `ulimit -n`).
final class PosixFile: Sendable {
    /// Where the file is. A segment file keeps its (shared) directory string and base offset and
    /// builds its path when needed: three stored 60-byte paths per log were a sixth of an idle
    /// log's memory, and a broker can host 100,000 logs.
    enum Location: Sendable {
        case path(String)
        case segmentFile(directory: String, baseOffset: Int64, kind: SegmentFileKind)
    }

    enum SegmentFileKind: Sendable {
        case log, index, timeIndex
    }

    let location: Location
    /// -1 until first use, and again after `close()`.
    private let descriptor = Mutex<Int32>(-1)
    /// The file may not exist yet and is created by the first write (a new segment's files): until then it reads
    /// as empty, and truncating it to nothing, syncing or closing it does nothing.
    let createdOnFirstWrite: Bool

    private init(location: Location, createdOnFirstWrite: Bool = false) {
        self.location = location
        self.createdOnFirstWrite = createdOnFirstWrite
    }

    var path: String {
        switch location {
        case .path(let path): path
        case .segmentFile(let directory, let baseOffset, .log): LogFileNames.logFile(directory, baseOffset)
        case .segmentFile(let directory, let baseOffset, .index): LogFileNames.indexFile(directory, baseOffset)
        case .segmentFile(let directory, let baseOffset, .timeIndex): LogFileNames.timeIndexFile(directory, baseOffset)
        }
    }

    /// Checks that the file can be opened (creating it when asked), without keeping it open.
    static func open(_ path: String, create: Bool) throws(LogError) -> PosixFile {
        try open(.path(path), create: create)
    }

    /// A segment's `.log`, `.index` or `.timeindex` file, created by its first write unless `createNow`.
    ///
    /// A new log's segment files are not created with it, as Kafka 2.8 does, but when data first arrives: creating
    /// four inodes per partition (directory, `.log`, `.index`, `.timeindex`) was most of the time a broker took to
    /// apply a LeaderAndIsr of 100,000 new partitions on this machine's ext4 (its inode allocator scanning past
    /// recently deleted inodes). A missing file of an empty segment loads as empty (`LogSegment.init`), so an idle
    /// partition's directory holds no segment files, which Kafka also loads as an empty log (`recoverLog` adds
    /// the first segment).
    static func segmentFile(
        directory: String, baseOffset: Int64, kind: SegmentFileKind, createNow: Bool
    ) throws(LogError) -> PosixFile {
        let file = PosixFile(location: .segmentFile(directory: directory, baseOffset: baseOffset, kind: kind), createdOnFirstWrite: true)
        if createNow { try file.create() }
        return file
    }

    /// Creates the file if it is missing (an empty file), without keeping it open.
    func create() throws(LogError) {
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC | O_CREAT, 0o644)
        guard fd >= 0 else { throw .storage(path: path, operation: "open", errno: errno) }
        Glibc.close(fd)
    }

    /// Whether the file exists (one `stat`).
    var exists: Bool { FileSystem.exists(path) }

    private static func open(_ location: Location, create: Bool) throws(LogError) -> PosixFile {
        let file = PosixFile(location: location)
        let path = file.path
        let flags = O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0)
        let fd = Glibc.open(path, flags, 0o644)
        guard fd >= 0 else { throw .storage(path: path, operation: "open", errno: errno) }
        Glibc.close(fd)
        return file
    }

    /// The descriptor for a write (creating a file `createdOnFirstWrite`).
    private var fd: Int32 {
        get throws(LogError) { try descriptor(creating: true)! }
    }

    /// The open descriptor, opening the file if needed; nil when the file is `createdOnFirstWrite`, does not exist
    /// yet and `creating` is false.
    private func descriptor(creating: Bool) throws(LogError) -> Int32? {
        try descriptor.withLock { (fd: inout Int32) throws(LogError) -> Int32? in
            if fd < 0 {
                let flags = O_RDWR | O_CLOEXEC | (createdOnFirstWrite && creating ? O_CREAT : 0)
                fd = Glibc.open(path, flags, 0o644)
                guard fd >= 0 else {
                    let code = errno
                    fd = -1
                    if code == ENOENT && createdOnFirstWrite && !creating { return nil }
                    throw .storage(path: path, operation: "open", errno: code)
                }
            }
            return fd
        }
    }

    func size() throws(LogError) -> Int {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT && createdOnFirstWrite { return 0 }
            throw .storage(path: path, operation: "stat", errno: errno)
        }
        return Int(st.st_size)
    }

    /// Writes all of `buffer`'s readable bytes at `offset`: one `pwrite` unless the kernel writes short.
    func write(_ buffer: ByteBuffer, at offset: Int) throws(LogError) {
        let fd = try self.fd
        let code: Int32 = buffer.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress else { return 0 }
            var done = 0
            while done < raw.count {
                let n = pwrite(fd, base + done, raw.count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                done += n
            }
            return 0
        }
        if code != 0 { throw .storage(path: path, operation: "write", errno: code) }
    }

    func write(bytes: [UInt8], at offset: Int) throws(LogError) {
        var buffer = ByteBufferAllocator().buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try write(buffer, at: offset)
    }

    /// Reads up to `count` bytes at `offset` (fewer at end of file).
    func read(count: Int, at offset: Int) throws(LogError) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: max(count, 1))
        guard count > 0, let fd = try descriptor(creating: false) else { return buffer }
        var code: Int32 = 0
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count) { raw in
            let base = raw.baseAddress!
            var done = 0
            while done < count {
                let n = pread(fd, base + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    code = errno
                    return done
                }
                if n == 0 { break }
                done += n
            }
            return done
        }
        if code != 0 { throw .storage(path: path, operation: "read", errno: code) }
        return buffer
    }

    func sync() throws(LogError) {
        guard let fd = try descriptor(creating: false) else { return }
        guard fsync(fd) == 0 else { throw .storage(path: path, operation: "fsync", errno: errno) }
    }

    func truncate(to size: Int) throws(LogError) {
        guard let fd = try descriptor(creating: size > 0) else { return }
        guard ftruncate(fd, off_t(size)) == 0 else { throw .storage(path: path, operation: "ftruncate", errno: errno) }
    }

    func close() throws(LogError) {
        let fd = descriptor.withLock { fd in
            defer { fd = -1 }
            return fd
        }
        guard fd >= 0 else { return }
        guard Glibc.close(fd) == 0 else { throw .storage(path: path, operation: "close", errno: errno) }
    }
}
