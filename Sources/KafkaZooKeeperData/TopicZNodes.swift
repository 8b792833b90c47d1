import KafkaModel

/// `/brokers/topics/<topic>`: the replica assignment, version 3 as Kafka 2.8 writes it.
public struct TopicZNode: Sendable, Equatable {
    public var topic: String
    /// KIP-516 topic id (base64url, 22 characters), when assigned.
    public var topicID: String?
    public var partitions: [Int32: ReplicaAssignment]

    public init(topic: String, topicID: String?, partitions: [Int32: ReplicaAssignment]) {
        self.topic = topic
        self.topicID = topicID
        self.partitions = partitions
    }

    public func encode() -> [UInt8] {
        let ordered = partitions.sorted { $0.key < $1.key }
        func idList(_ ids: [Int32]) -> JSONText.Value { .array(ids.map { .int(Int64($0)) }) }
        var pairs: [(String, JSONText.Value)] = [("version", .int(3))]
        if let topicID { pairs.append(("topic_id", .string(topicID))) }
        pairs.append(("partitions", .object(ordered.map { (String($0.key), idList($0.value.replicas)) })))
        pairs.append(("adding_replicas", .object(ordered.filter { !$0.value.addingReplicas.isEmpty }.map { (String($0.key), idList($0.value.addingReplicas)) })))
        pairs.append(("removing_replicas", .object(ordered.filter { !$0.value.removingReplicas.isEmpty }.map { (String($0.key), idList($0.value.removingReplicas)) })))
        return JSONText.encode(.object(pairs))
    }

    /// Decodes versions 1–3; absent adding/removing entries are empty (`TopicZNode.decode`).
    public static func decode(topic: String, data: [UInt8]?) throws(ZNodeDataError) -> TopicZNode {
        let path = ZNodePaths.topic(topic)
        let fields = try JSONText.object(data, path: path)
        guard let partitionsObject = try fields.object("partitions") else {
            throw .malformed(path: path, reason: "missing field 'partitions'")
        }
        let replicas = try replicaLists(partitionsObject, fields: fields)
        let adding = try replicaLists(try fields.object("adding_replicas"), fields: fields)
        let removing = try replicaLists(try fields.object("removing_replicas"), fields: fields)
        var partitions: [Int32: ReplicaAssignment] = [:]
        for (partition, list) in replicas {
            partitions[partition] = ReplicaAssignment(
                replicas: list, addingReplicas: adding[partition] ?? [], removingReplicas: removing[partition] ?? [])
        }
        return TopicZNode(topic: topic, topicID: fields.optionalString("topic_id"), partitions: partitions)
    }

    /// `{"<partition>": [replica, ...], ...}` into a map, rejecting non-numeric partition keys.
    private static func replicaLists(_ object: JSONFields?, fields: JSONFields) throws(ZNodeDataError) -> [Int32: [Int32]] {
        var result: [Int32: [Int32]] = [:]
        for (key, value) in object?.pairs ?? [] {
            guard let partition = Int32(key), partition >= 0 else {
                throw .malformed(path: fields.path, reason: "partition id '\(key)' is not a non-negative integer")
            }
            result[partition] = try fields.int32Array(value, field: "partitions.\(key)")
        }
        return result
    }
}

/// `/brokers/topics/<t>/partitions/<p>/state`: leader, ISR and epochs, version 1. The znode's
/// version is the partition's compare-and-set token (`LeaderAndISR.zkVersion`).
public enum TopicPartitionStateZNode {
    public static func encode(_ state: LeaderISRAndControllerEpoch) -> [UInt8] {
        let leaderAndISR = state.leaderAndISR
        return JSONText.encode(.object([
            ("controller_epoch", .int(Int64(state.controllerEpoch))),
            ("leader", .int(Int64(leaderAndISR.leader))),
            ("version", .int(1)),
            ("leader_epoch", .int(Int64(leaderAndISR.leaderEpoch))),
            ("isr", .array(leaderAndISR.isr.map { .int(Int64($0)) })),
        ]))
    }

    /// Decodes the data with the znode's version as `zkVersion`.
    public static func decode(
        _ topicPartition: TopicPartition, data: [UInt8]?, zkVersion: Int32
    ) throws(ZNodeDataError) -> LeaderISRAndControllerEpoch {
        let path = ZNodePaths.partitionState(topicPartition.topic, topicPartition.partition)
        let fields = try JSONText.object(data, path: path)
        guard let isrValue = fields.value("isr") else { throw .malformed(path: path, reason: "missing field 'isr'") }
        return LeaderISRAndControllerEpoch(
            leaderAndISR: LeaderAndISR(
                leader: try fields.int32("leader"), leaderEpoch: try fields.int32("leader_epoch"),
                isr: try fields.int32Array(isrValue, field: "isr"), zkVersion: zkVersion),
            controllerEpoch: try fields.int32("controller_epoch"))
    }
}
