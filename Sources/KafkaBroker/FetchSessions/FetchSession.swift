import KafkaModel
import KafkaProtocol

/// KIP-227's session ids and epochs (Kafka's `FetchMetadata`): id 0 means "no session"; epoch 0
/// asks for a new session, -1 for none, anything else numbers an incremental request.
public enum FetchSessionEpoch {
    public static let invalidSessionID: Int32 = 0
    public static let initial: Int32 = 0
    public static let final: Int32 = -1

    /// Kafka's `nextEpoch`: epochs count up from 1, wrap from `Int32.max` back to 1, and the final
    /// epoch stays final.
    public static func next(_ epoch: Int32) -> Int32 {
        if epoch < 0 { return final }
        return epoch == Int32.max ? 1 : epoch + 1
    }
}

/// One partition of a fetch session (Kafka's `CachedPartition`): the fetch parameters the client
/// last sent, and the high watermark and log start offset the broker last answered, so an
/// incremental response can leave out partitions with nothing new.
public struct CachedFetchPartition: Sendable, Hashable {
    public var fetchOffset: Int64
    public var currentLeaderEpoch: Int32
    public var logStartOffset: Int64
    public var maxBytes: Int32
    public var lastFetchedEpoch: Int32
    /// Last high watermark sent; -1 after an error so the partition is sent again once it clears.
    public var highWatermark: Int64 = -1
    /// Last log start offset sent.
    public var localLogStartOffset: Int64 = -1

    public init(_ request: FetchRequest.FetchPartition) {
        fetchOffset = request.fetchOffset
        currentLeaderEpoch = request.currentLeaderEpoch
        logStartOffset = request.logStartOffset
        maxBytes = request.partitionMaxBytes
        lastFetchedEpoch = request.lastFetchedEpoch
    }

    /// The fetch parameters as a request partition, to read with.
    public func request(_ partition: Int32) -> FetchRequest.FetchPartition {
        FetchRequest.FetchPartition(
            partition: partition, currentLeaderEpoch: currentLeaderEpoch, fetchOffset: fetchOffset,
            lastFetchedEpoch: lastFetchedEpoch, logStartOffset: logStartOffset, partitionMaxBytes: maxBytes)
    }

    /// Takes a new request's fetch parameters, keeping what was last answered.
    mutating func update(_ request: FetchRequest.FetchPartition) {
        fetchOffset = request.fetchOffset
        currentLeaderEpoch = request.currentLeaderEpoch
        logStartOffset = request.logStartOffset
        maxBytes = request.partitionMaxBytes
        lastFetchedEpoch = request.lastFetchedEpoch
    }

    /// Kafka's `maybeUpdateResponseData`: whether an incremental response must carry this partition
    /// (records, an error, a diverging epoch, or a moved high watermark or log start offset), and with `update` remember
    /// what it carries.
    mutating func mustRespond(_ answer: FetchResponse.FetchablePartitionResponse, update: Bool) -> Bool {
        var must = (answer.recordSet?.readableBytes ?? 0) > 0
        if highWatermark != answer.highWatermark {
            must = true
            if update { highWatermark = answer.highWatermark }
        }
        if localLogStartOffset != answer.logStartOffset {
            must = true
            if update { localLogStartOffset = answer.logStartOffset }
        }
        if answer.preferredReadReplica >= 0 { must = true }
        if answer.errorCode != KafkaErrorCode.none.rawValue {
            if update { highWatermark = -1 }
            must = true
        }
        // "Partitions with diverging epoch are always included in response to trigger truncation."
        if answer.divergingEpoch.epoch >= 0 || answer.divergingEpoch.endOffset >= 0 { must = true }
        return must
    }
}

/// Kafka's `FetchSession`: the partitions a client fetches, kept by the broker between requests so
/// an incremental request names only what changed.
public struct FetchSession: Sendable {
    public let id: Int32
    /// Follower sessions are privileged: they may evict client sessions (Kafka's `privileged`).
    public let privileged: Bool
    public let creationMs: Int64
    public var lastUsedMs: Int64
    /// The epoch the next incremental request must carry.
    public var epoch: Int32
    /// Iteration order; partitions answered last time move to the end so a full response does not
    /// always favour the same ones (Kafka's `updateFetchContextAndRemoveUnselected`).
    public private(set) var order: [TopicPartition]
    public private(set) var partitions: [TopicPartition: CachedFetchPartition]

    init(
        id: Int32, privileged: Bool, nowMs: Int64,
        partitions: [(TopicPartition, CachedFetchPartition)]
    ) {
        self.id = id
        self.privileged = privileged
        self.creationMs = nowMs
        self.lastUsedMs = nowMs
        self.epoch = FetchSessionEpoch.next(FetchSessionEpoch.initial)
        self.order = partitions.map(\.0)
        self.partitions = Dictionary(partitions, uniquingKeysWith: { _, last in last })
        if self.partitions.count != order.count { order = Array(self.partitions.keys).sorted() }
    }

    public var size: Int { partitions.count }

    /// Kafka's `FetchSession.update`: adds or updates the request's partitions and drops the
    /// forgotten ones. Returns how many were added, updated and removed.
    mutating func update(
        _ fetch: [(TopicPartition, FetchRequest.FetchPartition)], forget: [TopicPartition]
    ) -> (added: Int, updated: Int, removed: Int) {
        var added = 0
        var updated = 0
        var removed = 0
        for (topicPartition, request) in fetch {
            if partitions[topicPartition] != nil {
                partitions[topicPartition]!.update(request)
                updated += 1
            } else {
                partitions[topicPartition] = CachedFetchPartition(request)
                order.append(topicPartition)
                added += 1
            }
        }
        if !forget.isEmpty {
            for topicPartition in forget where partitions.removeValue(forKey: topicPartition) != nil { removed += 1 }
            if removed > 0 { order.removeAll { partitions[$0] == nil } }
        }
        return (added, updated, removed)
    }

    /// The session's partitions to read, in order, with their cached fetch parameters.
    var fetchList: [(TopicPartition, FetchRequest.FetchPartition)] {
        order.map { ($0, partitions[$0]!.request($0.partition)) }
    }

    /// Records what an incremental response carried: cached answers updated, the answered
    /// partitions moved to the end of the order.
    /// The same from the response's list (the first answer of a partition counts): only the set of answered
    /// partitions is built, not a map of the answers (during a follower's catch-up every one of its 66,000
    /// partitions is answered: the map was ~25 MB; issue 14).
    mutating func recordResponse(_ answered: [(TopicPartition, FetchResponse.FetchablePartitionResponse)]) {
        guard !answered.isEmpty else { return }
        var keys = Set<TopicPartition>(minimumCapacity: answered.count)
        for (topicPartition, answer) in answered where keys.insert(topicPartition).inserted {
            _ = partitions[topicPartition]?.mustRespond(answer, update: true)
        }
        let moved = order.filter { keys.contains($0) }
        order.removeAll { keys.contains($0) }
        order.append(contentsOf: moved)
    }

    mutating func recordResponse(_ answered: [TopicPartition: FetchResponse.FetchablePartitionResponse]) {
        guard !answered.isEmpty else { return }
        for (topicPartition, answer) in answered { _ = partitions[topicPartition]?.mustRespond(answer, update: true) }
        // In place: two new arrays of every partition per incremental response added up at 100,000.
        let moved = order.filter { answered[$0] != nil }
        order.removeAll { answered[$0] != nil }
        order.append(contentsOf: moved)
    }
}
