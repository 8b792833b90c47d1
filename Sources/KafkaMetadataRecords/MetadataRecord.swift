import KafkaProtocol
import NIOCore

/// One `__cluster_metadata` record: Kafka 3.3's `ApiMessageAndVersion` restricted to the record types this
/// project writes and reads. The case selects the record type id (`MetadataRecordType`, the spec's
/// `apiKey`); `version` is the record's version, written beside it by ``MetadataRecordSerde``.
public enum MetadataRecord: Sendable, Hashable {
    case registerBroker(RegisterBrokerRecord)
    case unregisterBroker(UnregisterBrokerRecord)
    case topic(TopicRecord)
    case partition(PartitionRecord)
    case config(ConfigRecord)
    case partitionChange(PartitionChangeRecord)
    case fenceBroker(FenceBrokerRecord)
    case unfenceBroker(UnfenceBrokerRecord)
    case removeTopic(RemoveTopicRecord)
    case featureLevel(FeatureLevelRecord)
    case brokerRegistrationChange(BrokerRegistrationChangeRecord)
    case noOp(NoOpRecord)
    case producerIDs(ProducerIdsRecord)

    /// The metadata record type id (`MetadataRecordType.id()`, the spec's `apiKey`).
    public var typeID: Int16 {
        switch self {
        case .registerBroker: RegisterBrokerRecord.apiKey.rawValue
        case .unregisterBroker: UnregisterBrokerRecord.apiKey.rawValue
        case .topic: TopicRecord.apiKey.rawValue
        case .partition: PartitionRecord.apiKey.rawValue
        case .config: ConfigRecord.apiKey.rawValue
        case .partitionChange: PartitionChangeRecord.apiKey.rawValue
        case .fenceBroker: FenceBrokerRecord.apiKey.rawValue
        case .unfenceBroker: UnfenceBrokerRecord.apiKey.rawValue
        case .removeTopic: RemoveTopicRecord.apiKey.rawValue
        case .featureLevel: FeatureLevelRecord.apiKey.rawValue
        case .brokerRegistrationChange: BrokerRegistrationChangeRecord.apiKey.rawValue
        case .noOp: NoOpRecord.apiKey.rawValue
        case .producerIDs: ProducerIdsRecord.apiKey.rawValue
        }
    }

    /// The version Kafka 3.3.2's controller writes at metadata.version 3.3-IV3: the highest valid version
    /// of each record (RegisterBrokerRecord v1 carries InControlledShutdown, KIP-841).
    public var defaultVersion: Int16 {
        switch self {
        case .registerBroker: RegisterBrokerRecord.validVersions.upperBound
        case .unregisterBroker: UnregisterBrokerRecord.validVersions.upperBound
        case .topic: TopicRecord.validVersions.upperBound
        case .partition: PartitionRecord.validVersions.upperBound
        case .config: ConfigRecord.validVersions.upperBound
        case .partitionChange: PartitionChangeRecord.validVersions.upperBound
        case .fenceBroker: FenceBrokerRecord.validVersions.upperBound
        case .unfenceBroker: UnfenceBrokerRecord.validVersions.upperBound
        case .removeTopic: RemoveTopicRecord.validVersions.upperBound
        case .featureLevel: FeatureLevelRecord.validVersions.upperBound
        case .brokerRegistrationChange: BrokerRegistrationChangeRecord.validVersions.upperBound
        case .noOp: NoOpRecord.validVersions.upperBound
        case .producerIDs: ProducerIdsRecord.validVersions.upperBound
        }
    }

    /// The record's body at `version` (no frame).
    public func encodeBody(into buffer: inout ByteBuffer, version: Int16) {
        switch self {
        case .registerBroker(let r): r.encode(into: &buffer, version: version)
        case .unregisterBroker(let r): r.encode(into: &buffer, version: version)
        case .topic(let r): r.encode(into: &buffer, version: version)
        case .partition(let r): r.encode(into: &buffer, version: version)
        case .config(let r): r.encode(into: &buffer, version: version)
        case .partitionChange(let r): r.encode(into: &buffer, version: version)
        case .fenceBroker(let r): r.encode(into: &buffer, version: version)
        case .unfenceBroker(let r): r.encode(into: &buffer, version: version)
        case .removeTopic(let r): r.encode(into: &buffer, version: version)
        case .featureLevel(let r): r.encode(into: &buffer, version: version)
        case .brokerRegistrationChange(let r): r.encode(into: &buffer, version: version)
        case .noOp(let r): r.encode(into: &buffer, version: version)
        case .producerIDs(let r): r.encode(into: &buffer, version: version)
        }
    }

    /// Decodes the body of a record of type `typeID` at `version` (`MetadataRecordSerde.apiMessageFor`).
    public static func decodeBody(
        typeID: Int16, version: Int16, from buffer: inout ByteBuffer
    ) throws(KafkaProtocolError) -> MetadataRecord {
        switch typeID {
        case RegisterBrokerRecord.apiKey.rawValue: .registerBroker(try .init(from: &buffer, version: version))
        case UnregisterBrokerRecord.apiKey.rawValue: .unregisterBroker(try .init(from: &buffer, version: version))
        case TopicRecord.apiKey.rawValue: .topic(try .init(from: &buffer, version: version))
        case PartitionRecord.apiKey.rawValue: .partition(try .init(from: &buffer, version: version))
        case ConfigRecord.apiKey.rawValue: .config(try .init(from: &buffer, version: version))
        case PartitionChangeRecord.apiKey.rawValue: .partitionChange(try .init(from: &buffer, version: version))
        case FenceBrokerRecord.apiKey.rawValue: .fenceBroker(try .init(from: &buffer, version: version))
        case UnfenceBrokerRecord.apiKey.rawValue: .unfenceBroker(try .init(from: &buffer, version: version))
        case RemoveTopicRecord.apiKey.rawValue: .removeTopic(try .init(from: &buffer, version: version))
        case FeatureLevelRecord.apiKey.rawValue: .featureLevel(try .init(from: &buffer, version: version))
        case BrokerRegistrationChangeRecord.apiKey.rawValue:
            .brokerRegistrationChange(try .init(from: &buffer, version: version))
        case NoOpRecord.apiKey.rawValue: .noOp(try .init(from: &buffer, version: version))
        case ProducerIdsRecord.apiKey.rawValue: .producerIDs(try .init(from: &buffer, version: version))
        default: throw KafkaProtocolError(.unknownApiKey(typeID), field: "MetadataRecord.type")
        }
    }
}
