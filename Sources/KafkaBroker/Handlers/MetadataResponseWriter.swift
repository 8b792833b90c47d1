import KafkaProtocol
import NIOCore

/// A Metadata response frame written one topic at a time, byte for byte what `ResponseFrame.make`
/// writes for the whole `MetadataResponse`: a Metadata answer for 100,000 partitions used to exist
/// as one value tree (a struct and three arrays per partition) beside its encoding; now only one
/// topic's values do.
///
/// v0–v7 only: up to v7 the topics array is the body's last field (v8 puts
/// `clusterAuthorizedOperations` after it, v9 tagged fields).
struct MetadataResponseWriter {
    static let versions: ClosedRange<Int16> = 0...7

    let version: Int16
    let topicCount: Int
    private(set) var written = 0
    private var frame: ByteBuffer

    /// `head`: the response's brokers, cluster id, controller id and throttle time; its topics are
    /// ignored. `topicCount`: how many topics ``append(_:)`` will be given.
    init(head: MetadataResponse, topicCount: Int, correlationID: Int32, version: Int16) {
        precondition(Self.versions.contains(version), "MetadataResponseWriter handles Metadata v0–v7, not v\(version)")
        var head = head
        head.topics = []
        var frame = ResponseFrame.make(head, correlationID: correlationID, version: version)
        // The empty topics array's INT32 count is the frame's last four bytes: replace it with the real count.
        frame.moveWriterIndex(to: frame.writerIndex - 4)
        frame.writeInteger(Int32(truncatingIfNeeded: topicCount))
        self.frame = frame
        self.version = version
        self.topicCount = topicCount
    }

    mutating func append(_ topic: MetadataResponse.MetadataResponseTopic) {
        precondition(written < topicCount, "more topics than the \(topicCount) announced")
        topic.encode(into: &frame, version: version)
        written += 1
    }

    /// The finished frame (header and body, without the size prefix).
    func finish() -> ByteBuffer {
        precondition(written == topicCount, "\(written) topics written, \(topicCount) announced")
        return frame
    }
}
