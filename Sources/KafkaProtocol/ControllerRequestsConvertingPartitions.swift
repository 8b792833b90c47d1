import NIOCore

/// A controller request decoded with its partition states converted one at a time into the
/// receiver's own type. `request` holds everything else (header fields, topic names and ids, live
/// brokers) with its partition-state arrays left empty.
///
/// Why: a LeaderAndIsr or UpdateMetadata of 100,000 partitions decoded whole and then converted
/// had both representations alive at once, tens of megabytes on every broker during a failover.
/// Decoding reads the same bytes in the same order as the generated decoder.
public struct ConvertedPartitionStates<Request: Sendable, Partition: Sendable>: Sendable {
    public var request: Request
    public var partitions: [Partition]
}

extension LeaderAndIsrRequest {
    /// Decodes like `init(from:version:)`, handing each partition state and its topic name to
    /// `convert` as soon as it is read.
    public static func decode<Partition>(
        from buffer: inout ByteBuffer, version: Int16,
        convertingPartitions convert: (LeaderAndIsrPartitionState, _ topicName: String) -> Partition
    ) throws(KafkaProtocolError) -> ConvertedPartitionStates<LeaderAndIsrRequest, Partition> {
        guard validVersions.contains(version) else {
            throw KafkaProtocolError(.unsupportedVersion(apiKey: 4, version: version), field: "LeaderAndIsrRequest")
        }
        var request = LeaderAndIsrRequest()
        var partitions: [Partition] = []
        let flexible = version >= 4
        request.controllerId = try buffer.readKafkaInt32(field: "LeaderAndIsrRequest.controllerId")
        request.controllerEpoch = try buffer.readKafkaInt32(field: "LeaderAndIsrRequest.controllerEpoch")
        if version >= 2 {
            request.brokerEpoch = try buffer.readKafkaInt64(field: "LeaderAndIsrRequest.brokerEpoch")
        }
        if version >= 5 {
            request.type = try buffer.readKafkaInt8(field: "LeaderAndIsrRequest.type")
        }
        if version <= 1 {
            let count = try buffer.readKafkaNonNullArrayCount(compact: flexible, field: "LeaderAndIsrRequest.ungroupedPartitionStates")
            partitions.reserveCapacity(count)
            for _ in 0..<count {
                let state = try LeaderAndIsrPartitionState(from: &buffer, version: version)
                partitions.append(convert(state, state.topicName))
            }
        } else {
            let count = try buffer.readKafkaNonNullArrayCount(compact: flexible, field: "LeaderAndIsrRequest.topicStates")
            request.topicStates.reserveCapacity(count)
            for _ in 0..<count {
                var topic = LeaderAndIsrTopicState()
                topic.topicName = try buffer.readKafkaString(compact: flexible, field: "LeaderAndIsrRequest.LeaderAndIsrTopicState.topicName")
                if version >= 5 {
                    topic.topicId = try buffer.readKafkaUUID(field: "LeaderAndIsrRequest.LeaderAndIsrTopicState.topicId")
                }
                let states = try buffer.readKafkaNonNullArrayCount(
                    compact: flexible, field: "LeaderAndIsrRequest.LeaderAndIsrTopicState.partitionStates")
                for _ in 0..<states {
                    partitions.append(convert(try LeaderAndIsrPartitionState(from: &buffer, version: version), topic.topicName))
                }
                if flexible {
                    try buffer.skipKafkaTaggedFields(field: "LeaderAndIsrRequest.LeaderAndIsrTopicState.taggedFields")
                }
                request.topicStates.append(topic)
            }
        }
        let leaders = try buffer.readKafkaNonNullArrayCount(compact: flexible, field: "LeaderAndIsrRequest.liveLeaders")
        request.liveLeaders.reserveCapacity(leaders)
        for _ in 0..<leaders {
            request.liveLeaders.append(try LeaderAndIsrLiveLeader(from: &buffer, version: version))
        }
        if flexible {
            try buffer.skipKafkaTaggedFields(field: "LeaderAndIsrRequest.taggedFields")
        }
        return ConvertedPartitionStates(request: request, partitions: partitions)
    }
}

extension UpdateMetadataRequest {
    /// Decodes like `init(from:version:)`, handing each partition state and its topic name to
    /// `convert` as soon as it is read.
    public static func decode<Partition>(
        from buffer: inout ByteBuffer, version: Int16,
        convertingPartitions convert: (UpdateMetadataPartitionState, _ topicName: String) -> Partition
    ) throws(KafkaProtocolError) -> ConvertedPartitionStates<UpdateMetadataRequest, Partition> {
        guard validVersions.contains(version) else {
            throw KafkaProtocolError(.unsupportedVersion(apiKey: 6, version: version), field: "UpdateMetadataRequest")
        }
        var request = UpdateMetadataRequest()
        var partitions: [Partition] = []
        let flexible = version >= 6
        request.controllerId = try buffer.readKafkaInt32(field: "UpdateMetadataRequest.controllerId")
        request.controllerEpoch = try buffer.readKafkaInt32(field: "UpdateMetadataRequest.controllerEpoch")
        if version >= 5 {
            request.brokerEpoch = try buffer.readKafkaInt64(field: "UpdateMetadataRequest.brokerEpoch")
        }
        if version <= 4 {
            let count = try buffer.readKafkaNonNullArrayCount(compact: flexible, field: "UpdateMetadataRequest.ungroupedPartitionStates")
            partitions.reserveCapacity(count)
            for _ in 0..<count {
                let state = try UpdateMetadataPartitionState(from: &buffer, version: version)
                partitions.append(convert(state, state.topicName))
            }
        } else {
            let count = try buffer.readKafkaNonNullArrayCount(compact: flexible, field: "UpdateMetadataRequest.topicStates")
            request.topicStates.reserveCapacity(count)
            for _ in 0..<count {
                var topic = UpdateMetadataTopicState()
                topic.topicName = try buffer.readKafkaString(compact: flexible, field: "UpdateMetadataRequest.UpdateMetadataTopicState.topicName")
                if version >= 7 {
                    topic.topicId = try buffer.readKafkaUUID(field: "UpdateMetadataRequest.UpdateMetadataTopicState.topicId")
                }
                let states = try buffer.readKafkaNonNullArrayCount(
                    compact: flexible, field: "UpdateMetadataRequest.UpdateMetadataTopicState.partitionStates")
                for _ in 0..<states {
                    partitions.append(convert(try UpdateMetadataPartitionState(from: &buffer, version: version), topic.topicName))
                }
                if flexible {
                    try buffer.skipKafkaTaggedFields(field: "UpdateMetadataRequest.UpdateMetadataTopicState.taggedFields")
                }
                request.topicStates.append(topic)
            }
        }
        let brokers = try buffer.readKafkaNonNullArrayCount(compact: flexible, field: "UpdateMetadataRequest.liveBrokers")
        request.liveBrokers.reserveCapacity(brokers)
        for _ in 0..<brokers {
            request.liveBrokers.append(try UpdateMetadataBroker(from: &buffer, version: version))
        }
        if flexible {
            try buffer.skipKafkaTaggedFields(field: "UpdateMetadataRequest.taggedFields")
        }
        return ConvertedPartitionStates(request: request, partitions: partitions)
    }
}
