import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import NIOCore

extension QuorumControllerState {
    /// The records that rebuild this state from nothing (KIP-630; Kafka 3.3's `SnapshotGenerator` asks each
    /// control manager for its `iterator(epoch)`): feature levels, one RegisterBrokerRecord per broker carrying
    /// its current fenced and controlled-shutdown flags, then per topic its TopicRecord, ConfigRecords and one
    /// PartitionRecord per partition with its current leader, ISR and epochs. Sorted, so equal states give
    /// equal snapshots.
    public func snapshotRecords() -> [MetadataRecord] {
        var records: [MetadataRecord] = featureLevels.keys.sorted().map {
            .featureLevel(FeatureLevelRecord(name: $0, featureLevel: featureLevels[$0]!))
        }
        for id in brokers.keys.sorted() {
            let broker = brokers[id]!
            records.append(.registerBroker(RegisterBrokerRecord(
                brokerId: id, incarnationId: broker.incarnationID, brokerEpoch: broker.epoch,
                endPoints: broker.endpoints.map {
                    .init(name: $0.listenerName, host: $0.host, port: UInt16(clamping: $0.port),
                          securityProtocol: SecurityProtocolID.id($0.securityProtocol))
                },
                rack: broker.rack, fenced: broker.fenced, inControlledShutdown: broker.inControlledShutdown)))
        }
        for topic in topics.values.sorted(by: { $0.name < $1.name }) {
            records.append(.topic(TopicRecord(name: topic.name, topicId: topic.id)))
            let configs = topicConfigs[topic.name] ?? [:]
            for key in configs.keys.sorted() {
                records.append(.config(ConfigRecord(
                    resourceType: Self.topicResourceType, resourceName: topic.name, name: key, value: configs[key])))
            }
            for id in topic.partitions.keys.sorted() {
                records.append(.partition(topic.partitions[id]!.record(topicID: topic.id, partitionID: id)))
            }
        }
        return records
    }

    /// A state whose records are `records`, replayed as of `lastAppliedOffset` (a snapshot's end offset - 1).
    public init(snapshotRecords records: [MetadataRecord], lastAppliedOffset: Int64) {
        self.init()
        for record in records { replay(record, offset: lastAppliedOffset) }
        self.lastAppliedOffset = lastAppliedOffset
    }

    /// A record that is not a metadata record (the Raft LeaderChange control record) still takes an offset:
    /// the next record is replayed after it, as Kafka's replay tracks the last committed offset across control
    /// batches. Keeps `lastAppliedOffset + 1` equal to the next log offset.
    public mutating func skipControlRecord(offset: Int64) {
        lastAppliedOffset = offset
    }
}

/// The bytes of a metadata snapshot (`<endOffset>-<epoch>.checkpoint` and FetchSnapshot): a sequence of
/// INT32-length-prefixed `MetadataRecordSerde` frames. Kafka writes snapshots as record batches between a
/// SnapshotHeader and a SnapshotFooter control record; here the Raft layer keeps a snapshot as opaque bytes
/// (docs/kraft.md), so the framing inside is this simpler one.
public enum MetadataSnapshotCodec {
    public static func encode(_ records: [MetadataRecord]) -> [UInt8] {
        var buffer = ByteBuffer()
        for record in records {
            let frame = MetadataRecordSerde.encode(MetadataRecordAndVersion(record))
            buffer.writeInteger(Int32(frame.count))
            buffer.writeBytes(frame)
        }
        return Array(buffer.readableBytesView)
    }

    public static func decode(_ bytes: [UInt8]) throws(KafkaProtocolError) -> [MetadataRecord] {
        var buffer = ByteBuffer(bytes: bytes)
        var records: [MetadataRecord] = []
        while buffer.readableBytes > 0 {
            let field = "MetadataSnapshot.record[\(records.count)]"
            guard let length: Int32 = buffer.readInteger() else {
                throw KafkaProtocolError(.truncated(needed: 4, remaining: buffer.readableBytes), field: field)
            }
            guard length >= 0 else { throw KafkaProtocolError(.negativeLength(Int64(length)), field: field) }
            guard let frame = buffer.readBytes(length: Int(length)) else {
                throw KafkaProtocolError(.truncated(needed: Int(length), remaining: buffer.readableBytes), field: field)
            }
            records.append(try MetadataRecordSerde.decode(frame).record)
        }
        return records
    }
}
