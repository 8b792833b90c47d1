import KafkaModel

extension ControllerBrokerRequest {
    /// `requests` with those for the same broker and API merged into one: per broker at most one `LeaderAndIsr`,
    /// one `UpdateMetadata` and one `StopReplica`, in that order (the order of Kafka's
    /// `ControllerBrokerRequestBatch.sendRequestsToBrokers`), brokers in id order.
    ///
    /// Kafka 2.8's `onControllerFailover` flushes three batches (`sendUpdateMetadataRequest`, then the replica
    /// and the partition state machines' startups), so every broker receives two or three `UpdateMetadata`
    /// requests carrying all N partitions and a `LeaderAndIsr` per batch. Merged, each broker applies and logs
    /// every partition once. A partition present in several requests keeps its latest state (the batches were
    /// flushed in order, so the latest is what the context holds); `isNew` and `deletePartition` are sticky, as
    /// within one Kafka batch; the header (controller and broker epochs) and the broker lists are the latest.
    public static func coalesced(_ requests: [ControllerBrokerRequest]) -> [ControllerBrokerRequest] {
        var leaderAndISRs: [BrokerID: LeaderAndISRRequest] = [:]
        var updateMetadatas: [BrokerID: UpdateMetadataRequest] = [:]
        var stopReplicas: [BrokerID: StopReplicaRequest] = [:]
        for request in requests {
            switch request {
            case .leaderAndISR(let new):
                guard var merged = leaderAndISRs[new.brokerID] else { leaderAndISRs[new.brokerID] = new; continue }
                merged.header = new.header
                merged.partitionStates = mergeSorted(merged.partitionStates, new.partitionStates, key: \.topicPartition) {
                    var state = $1
                    state.isNew = state.isNew || $0.isNew
                    return state
                }
                let leaders = Dictionary(merged.liveLeaders.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
                    .merging(new.liveLeaders.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
                merged.liveLeaders = leaders.values.sorted { $0.id < $1.id }
                leaderAndISRs[new.brokerID] = merged
            case .updateMetadata(let new):
                guard var merged = updateMetadatas[new.brokerID] else { updateMetadatas[new.brokerID] = new; continue }
                merged.header = new.header
                merged.liveBrokers = new.liveBrokers
                merged.partitionStates = mergeSorted(merged.partitionStates, new.partitionStates, key: \.topicPartition) { $1 }
                updateMetadatas[new.brokerID] = merged
            case .stopReplica(let new):
                guard var merged = stopReplicas[new.brokerID] else { stopReplicas[new.brokerID] = new; continue }
                merged.header = new.header
                merged.partitionStates = mergeSorted(merged.partitionStates, new.partitionStates, key: \.topicPartition) {
                    var state = $1
                    state.deletePartition = state.deletePartition || $0.deletePartition
                    return state
                }
                stopReplicas[new.brokerID] = merged
            }
        }
        var result: [ControllerBrokerRequest] = []
        result.reserveCapacity(leaderAndISRs.count + updateMetadatas.count + stopReplicas.count)
        for brokerID in leaderAndISRs.keys.sorted() { result.append(.leaderAndISR(leaderAndISRs[brokerID]!)) }
        for brokerID in updateMetadatas.keys.sorted() { result.append(.updateMetadata(updateMetadatas[brokerID]!)) }
        for brokerID in stopReplicas.keys.sorted() { result.append(.stopReplica(stopReplicas[brokerID]!)) }
        return result
    }

    /// Merges two lists sorted by `key` into one sorted list; an element of both is `combine(old, new)`.
    static func mergeSorted<Element>(
        _ old: [Element], _ new: [Element], key: (Element) -> TopicPartition,
        combine: (Element, Element) -> Element
    ) -> [Element] {
        if old.isEmpty { return new }
        if new.isEmpty { return old }
        var merged: [Element] = []
        merged.reserveCapacity(max(old.count, new.count))
        var i = 0
        var j = 0
        while i < old.count && j < new.count {
            let a = key(old[i])
            let b = key(new[j])
            if a < b {
                merged.append(old[i]); i += 1
            } else if b < a {
                merged.append(new[j]); j += 1
            } else {
                merged.append(combine(old[i], new[j])); i += 1; j += 1
            }
        }
        merged.append(contentsOf: old[i...])
        merged.append(contentsOf: new[j...])
        return merged
    }
}
