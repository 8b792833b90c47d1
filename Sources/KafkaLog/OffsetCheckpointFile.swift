#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KafkaModel
import NIOCore

/// Kafka's `OffsetCheckpointFile` (`CheckpointFile` with `OffsetCheckpointFile.Formatter`): text, line 1
/// the version `0`, line 2 the entry count, then `topic partition offset` per line. Written atomically:
/// a `.tmp` file, fsync, rename over the target, fsync of the directory.
struct OffsetCheckpointFile: Sendable {
    static let currentVersion = 0
    let path: String

    func write(_ offsets: [TopicPartition: Int64]) throws(LogError) {
        _ = try write(sortedEntries: offsets.sorted(by: { $0.key < $1.key }).map { ($0.key, $0.value) }, unlessDigest: nil)
    }

    /// Writes entries already in the order wanted (by partition). With `unlessDigest`, a file whose
    /// contents would hash to it is left alone (it already holds them). Returns the contents' digest.
    /// A broker with 100,000 partitions rewrites its high-watermark file every 5 s, so the text is
    /// built byte by byte rather than by string interpolation.
    func write(sortedEntries entries: [(TopicPartition, Int64)], unlessDigest: Int?) throws(LogError) -> Int {
        var buffer = ByteBufferAllocator().buffer(capacity: 32 + entries.count * 32)
        func decimal(_ value: Int64) {
            var digits: [UInt8] = []
            var magnitude = value.magnitude
            repeat {
                digits.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { buffer.writeInteger(UInt8(ascii: "-")) }
            for digit in digits.reversed() { buffer.writeInteger(digit) }
        }
        decimal(Int64(Self.currentVersion))
        buffer.writeInteger(UInt8(ascii: "\n"))
        decimal(Int64(entries.count))
        buffer.writeInteger(UInt8(ascii: "\n"))
        for (tp, offset) in entries {
            buffer.writeString(tp.topic)
            buffer.writeInteger(UInt8(ascii: " "))
            decimal(Int64(tp.partition))
            buffer.writeInteger(UInt8(ascii: " "))
            decimal(offset)
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        let digest = buffer.withUnsafeReadableBytes { raw in
            var hasher = Hasher()
            hasher.combine(bytes: raw)
            return hasher.finalize()
        }
        if digest == unlessDigest { return digest }
        try CheckpointFileIO.writeAtomically(buffer, to: path)
        return digest
    }

    /// The entries; an absent file is empty. A malformed file throws `corruptRecord` naming the path
    /// (Kafka's "Malformed line in checkpoint file").
    func read() throws(LogError) -> [TopicPartition: Int64] {
        guard let lines = try CheckpointFileIO.readLines(path) else { return [:] }
        func malformed(_ what: String) -> LogError { .corruptRecord("malformed checkpoint file \(path): \(what)") }
        guard lines.count >= 2, let version = Int(lines[0]) else { throw malformed("missing header") }
        guard version == Self.currentVersion else { throw malformed("unrecognized version \(version)") }
        guard let count = Int(lines[1]), count >= 0 else { throw malformed("bad entry count '\(lines[1])'") }
        var result: [TopicPartition: Int64] = [:]
        let entries = lines.dropFirst(2).filter { !$0.isEmpty }
        guard entries.count == count else { throw malformed("expected \(count) entries, found \(entries.count)") }
        for line in entries {
            let parts = line.split(separator: " ")
            guard parts.count == 3, let partition = Int32(parts[1]), let offset = Int64(parts[2]) else {
                throw malformed("line '\(line)'")
            }
            result[TopicPartition(topic: String(parts[0]), partition: partition)] = offset
        }
        return result
    }
}

