import KafkaModel

/// Kafka 2.8's `ReplicaAssignment` reassignment arithmetic (RS = replicas, AR = adding, RR = removing).
extension ReplicaAssignment {
    /// The replicas before the reassignment started: RS − AR (Kafka's `originReplicas`).
    public var originReplicas: [BrokerID] { replicas.filter { !addingReplicas.contains($0) } }

    /// The in-flight assignment that moves this one to `target` (Kafka's `reassignTo`): RS = TRS followed by
    /// the origin replicas not in it, AR = RS − ORS, RR = RS − TRS. Reassigning an in-flight assignment
    /// starts from its origin replicas.
    public func reassignTo(_ target: [BrokerID]) -> ReplicaAssignment {
        var full: [BrokerID] = []
        for replica in target + originReplicas where !full.contains(replica) { full.append(replica) }
        let origin = originReplicas
        return ReplicaAssignment(
            replicas: full, addingReplicas: full.filter { !origin.contains($0) },
            removingReplicas: full.filter { !target.contains($0) })
    }
}
