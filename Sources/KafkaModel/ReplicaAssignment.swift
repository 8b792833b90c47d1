/// A partition's replicas in preference order (the first is the preferred leader), plus the
/// replicas an in-flight reassignment is adding and removing: Kafka's `ReplicaAssignment`.
public struct ReplicaAssignment: Sendable, Hashable, CustomStringConvertible {
    public var replicas: [BrokerID]
    public var addingReplicas: [BrokerID]
    public var removingReplicas: [BrokerID]

    public init(replicas: [BrokerID], addingReplicas: [BrokerID] = [], removingReplicas: [BrokerID] = []) {
        self.replicas = replicas
        self.addingReplicas = addingReplicas
        self.removingReplicas = removingReplicas
    }

    /// Whether a reassignment is in flight for this partition.
    public var isBeingReassigned: Bool { !addingReplicas.isEmpty || !removingReplicas.isEmpty }

    /// The replicas the partition will have once the reassignment completes.
    public var targetReplicas: [BrokerID] { replicas.filter { !removingReplicas.contains($0) } }

    public var description: String {
        "(replicas=\(replicas.map(String.init).joined(separator: ",")), addingReplicas=\(addingReplicas.map(String.init).joined(separator: ",")), removingReplicas=\(removingReplicas.map(String.init).joined(separator: ",")))"
    }
}
