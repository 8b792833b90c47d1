import KafkaModel

/// What a leader knows of each follower of one partition (Kafka's remote `Replica`s), as a small
/// array searched linearly: a partition has a handful of replicas, and a dictionary per partition
/// cost a hash table allocation each — about 250 bytes per partition, 25 MB at 100,000.
public struct FollowerStates: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var replica: BrokerID
        var state: PartitionReplicationState.FollowerState
    }

    private var entries: [Entry] = []

    public init() {}

    public subscript(replica: BrokerID) -> PartitionReplicationState.FollowerState? {
        get { entries.first { $0.replica == replica }?.state }
        set {
            let index = entries.firstIndex { $0.replica == replica }
            switch (index, newValue) {
            case (let index?, let state?): entries[index].state = state
            case (let index?, nil): entries.remove(at: index)
            case (nil, let state?): entries.append(Entry(replica: replica, state: state))
            case (nil, nil): break
            }
        }
    }

    /// The followers, in the order they were added.
    public var keys: [BrokerID] { entries.map(\.replica) }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
}
