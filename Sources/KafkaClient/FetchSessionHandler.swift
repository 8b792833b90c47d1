import KafkaModel
import KafkaProtocol

/// The client half of KIP-227 (Kafka's `FetchSessionHandler`): remembers which partitions the
/// broker's fetch session holds and with which parameters, so each Fetch request after the first
/// names only partitions that were added or changed, and forgets the removed ones.
///
/// Epoch 0 asks the broker for a new session (closing `sessionID` if set); a response with a
/// session id starts incremental requests at epoch 1. Errors fall back to a full request.
public struct FetchSessionHandler<PartitionData: Equatable & Sendable>: Sendable {
    /// What one request carries.
    public struct Request: Sendable {
        public var sessionID: Int32
        public var epoch: Int32
        /// Partitions to name in the request (all of them in a full request).
        public var toSend: [(TopicPartition, PartitionData)]
        /// Partitions to list in `forgotten_topics_data`.
        public var toForget: [TopicPartition]
        public var isFull: Bool
    }

    public private(set) var sessionID: Int32 = 0
    public private(set) var epoch: Int32 = 0
    /// The session's partitions as the broker last heard of them.
    public private(set) var sessionPartitions: [TopicPartition: PartitionData] = [:]

    public init() {}

    var isFull: Bool { epoch == 0 || epoch == -1 }

    /// Kafka's `Builder.build`: the request for fetching `next`, in the given order.
    public mutating func build(_ next: [(TopicPartition, PartitionData)]) -> Request {
        if isFull {
            sessionPartitions = Dictionary(next, uniquingKeysWith: { _, last in last })
            return Request(sessionID: sessionID, epoch: epoch, toSend: next, toForget: [], isFull: true)
        }
        var toSend: [(TopicPartition, PartitionData)] = []
        var wanted = Set<TopicPartition>()
        wanted.reserveCapacity(next.count)
        for (topicPartition, data) in next {
            wanted.insert(topicPartition)
            if sessionPartitions[topicPartition] != data {
                sessionPartitions[topicPartition] = data
                toSend.append((topicPartition, data))
            }
        }
        var toForget: [TopicPartition] = []
        if sessionPartitions.count > wanted.count {
            for topicPartition in sessionPartitions.keys where !wanted.contains(topicPartition) { toForget.append(topicPartition) }
            for topicPartition in toForget { sessionPartitions[topicPartition] = nil }
            toForget.sort()
        }
        return Request(sessionID: sessionID, epoch: epoch, toSend: toSend, toForget: toForget, isFull: false)
    }

    /// Kafka's `handleResponse`: moves the session on after `request`'s response. Returns false when
    /// the response cannot be used (an error, or partitions the session does not hold); the next
    /// request is then full.
    public mutating func handleResponse(
        to request: Request, errorCode: Int16, responseSessionID: Int32, partitions: [TopicPartition]
    ) -> Bool {
        if errorCode != KafkaErrorCode.none.rawValue {
            if KafkaErrorCode(rawValue: errorCode) == .fetchSessionIDNotFound {
                reset()
            } else {
                closeExisting()
            }
            return false
        }
        if request.isFull {
            if responseSessionID == 0 {
                reset()
            } else {
                sessionID = responseSessionID
                epoch = 1
            }
            return true
        }
        if partitions.contains(where: { sessionPartitions[$0] == nil }) {
            closeExisting()
            return false
        }
        if responseSessionID == 0 {
            // The broker closed the session.
            reset()
        } else {
            epoch = epoch == Int32.max ? 1 : epoch + 1
        }
        return true
    }

    /// Kafka's `handleError` (a failed send): the next request is full and replaces the session.
    public mutating func handleError() { closeExisting() }

    private mutating func reset() {
        sessionID = 0
        epoch = 0
    }

    private mutating func closeExisting() { epoch = 0 }
}
