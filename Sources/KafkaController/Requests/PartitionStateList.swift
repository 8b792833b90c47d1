import KafkaModel

/// A partition state a ``BrokerRequestBatch`` collects: one per partition per request, the last added winning.
public protocol BatchedPartitionState: Sendable {
    var topicPartition: TopicPartition { get }
    /// This state, added after `earlier` for the same partition: what the request carries (Kafka's batch keeps the
    /// sticky flags — `isNew`, `deletePartition` — of earlier additions).
    func absorbing(_ earlier: Self) -> Self
}

extension UpdateMetadataPartitionState: BatchedPartitionState {
    public func absorbing(_ earlier: Self) -> Self { self }
}

extension LeaderAndISRPartitionState: BatchedPartitionState {
    public func absorbing(_ earlier: Self) -> Self {
        var merged = self
        merged.isNew = isNew || earlier.isNew
        return merged
    }
}

extension StopReplicaPartitionState: BatchedPartitionState {
    public func absorbing(_ earlier: Self) -> Self {
        var merged = self
        merged.deletePartition = deletePartition || earlier.deletePartition
        return merged
    }
}

/// The states of one request of a batch, as an array in the order they were added: the state machines add
/// partitions in order, so the array is usually the request's sorted list already and is handed over as it is.
/// Out-of-order or repeated partitions are sorted and merged (``BatchedPartitionState/absorbing(_:)``, in the
/// order added) when the list is taken.
///
/// Kafka's `ControllerBrokerRequestBatch` keys its states by partition in hash maps; at 100,000 partitions a
/// Swift dictionary of them (262,144 buckets of ~120 bytes) was ~31 MB per broker, 46 MB while it grew, and
/// its sorted copy came on top when flushed: the controller's largest transient on a broker's restart (issue 14).
public struct PartitionStateList<State: BatchedPartitionState>: Sendable {
    public private(set) var states: [State] = []
    /// Partitions strictly increasing so far: the array is sorted and has one state per partition.
    private var sortedAndUnique = true

    public init() {}

    public var isEmpty: Bool { states.isEmpty }

    public mutating func add(_ state: State) {
        if let last = states.last, !(last.topicPartition < state.topicPartition) {
            if last.topicPartition == state.topicPartition {
                states[states.count - 1] = state.absorbing(last)
                return
            }
            sortedAndUnique = false
        }
        states.append(state)
    }

    /// The states sorted by partition, one per partition; the list is left empty.
    public mutating func take() -> [State] {
        let added = states
        let inOrder = sortedAndUnique
        self = PartitionStateList()
        guard !inOrder else { return added }
        let order = added.indices.sorted { (added[$0].topicPartition, $0) < (added[$1].topicPartition, $1) }
        var merged: [State] = []
        merged.reserveCapacity(added.count)
        for index in order {
            let state = added[index]
            if let last = merged.last, last.topicPartition == state.topicPartition {
                merged[merged.count - 1] = state.absorbing(last)
            } else {
                merged.append(state)
            }
        }
        return merged
    }

    /// The states by partition (for inspection; the batch itself never builds this).
    public var byPartition: [TopicPartition: State] {
        var copy = self
        return Dictionary(uniqueKeysWithValues: copy.take().map { ($0.topicPartition, $0) })
    }
}
