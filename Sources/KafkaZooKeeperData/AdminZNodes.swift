import KafkaModel

/// The `{"version":1,"partitions":[{"topic":..,"partition":..},...]}` lists that
/// `/admin/preferred_replica_election` and `/isr_change_notification/isr_change_<seq>` hold.
public enum PartitionListZNode {
    public static func encode(_ partitions: [TopicPartition]) -> [UInt8] {
        JSONText.encode(.object([
            ("version", .int(1)),
            ("partitions", .array(partitions.map { .object([("topic", .string($0.topic)), ("partition", .int(Int64($0.partition)))]) })),
        ]))
    }

    public static func decode(_ data: [UInt8]?, path: String) throws(ZNodeDataError) -> [TopicPartition] {
        let fields = try JSONText.object(data, path: path)
        guard let items = try fields.array("partitions") else { throw .malformed(path: path, reason: "missing field 'partitions'") }
        var result: [TopicPartition] = []
        for item in items {
            guard case .object(let pairs) = item else { throw .malformed(path: path, reason: "partition entry is not an object") }
            let entry = JSONFields(pairs: pairs, path: path)
            result.append(TopicPartition(topic: try entry.string("topic"), partition: try entry.int32("partition")))
        }
        return result
    }
}

/// `/admin/reassign_partitions` (legacy): `{"version":1,"partitions":[{"topic":..,"partition":..,"replicas":[..]}]}`.
public enum ReassignPartitionsZNode {
    public static func encode(_ reassignments: [TopicPartition: [Int32]]) -> [UInt8] {
        JSONText.encode(.object([
            ("version", .int(1)),
            ("partitions", .array(reassignments.sorted { $0.key < $1.key }.map { partition, replicas in
                .object([
                    ("topic", .string(partition.topic)), ("partition", .int(Int64(partition.partition))),
                    ("replicas", .array(replicas.map { .int(Int64($0)) })),
                ])
            })),
        ]))
    }

    public static func decode(_ data: [UInt8]?) throws(ZNodeDataError) -> [TopicPartition: [Int32]] {
        let path = ZNodePaths.reassignPartitions
        let fields = try JSONText.object(data, path: path)
        guard let items = try fields.array("partitions") else { throw .malformed(path: path, reason: "missing field 'partitions'") }
        var result: [TopicPartition: [Int32]] = [:]
        for item in items {
            guard case .object(let pairs) = item else { throw .malformed(path: path, reason: "partition entry is not an object") }
            let entry = JSONFields(pairs: pairs, path: path)
            guard let replicas = entry.value("replicas") else { throw .malformed(path: path, reason: "missing field 'replicas'") }
            result[TopicPartition(topic: try entry.string("topic"), partition: try entry.int32("partition"))] =
                try entry.int32Array(replicas, field: "replicas")
        }
        return result
    }
}
