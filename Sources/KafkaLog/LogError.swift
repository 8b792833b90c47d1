#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Failures of the log layer. Disk errors (`storage`) are never swallowed: Kafka 2.8 marks the
/// log dir offline on an `IOException` (`LogDirFailureChannel`); here the caller decides.
public enum LogError: Error, Sendable, CustomStringConvertible {
    case offsetOutOfRange(requested: Int64, logStartOffset: Int64, logEndOffset: Int64)
    /// An invalid batch handed to append (bad CRC, truncated, wrong magic).
    case corruptRecord(String)
    /// A follower append with non-monotonic offsets, a gap above the log end offset, etc.
    case invalidOffset(String)
    /// A batch larger than `segmentBytes` (Kafka's `RecordBatchTooLargeException`).
    case recordBatchTooLarge(size: Int, max: Int)
    /// A system call failed on `path`.
    case storage(path: String, operation: String, errno: Int32)
    /// The log's directory failed earlier (a `storage` error there): the log is neither read nor written any
    /// more (Kafka's `KafkaStorageException` for a log in an offline dir).
    case offline(path: String)

    /// Whether the error is Kafka's `KafkaStorageException` (KAFKA_STORAGE_ERROR to clients).
    public var isStorageFailure: Bool {
        switch self {
        case .storage, .offline: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .offsetOutOfRange(let requested, let start, let end):
            return "offset \(requested) is out of range [\(start), \(end)]"
        case .corruptRecord(let reason):
            return "corrupt record: \(reason)"
        case .invalidOffset(let reason):
            return "invalid offset: \(reason)"
        case .recordBatchTooLarge(let size, let max):
            return "record batch of \(size) bytes exceeds the segment size \(max)"
        case .storage(let path, let operation, let code):
            return "\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .offline(let path):
            return "the log directory of \(path) is offline after a storage error"
        }
    }
}
