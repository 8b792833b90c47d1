import KafkaModel
import KafkaProtocol
import NIOCore

/// The key of a `__consumer_offsets` record (Kafka 2.8 `GroupMetadataManager.readMessageKey`):
/// key versions 0 and 1 are offset commits `(group, topic, partition)`, version 2 is a group's
/// metadata. Kafka 2.8 writes offset keys as version 1 and group keys as version 2.
public enum GroupRecordKey: Sendable, Hashable {
    case offset(groupId: String, TopicPartition)
    case group(String)

    public var groupId: String {
        switch self {
        case .offset(let groupId, _), .group(let groupId): groupId
        }
    }
}

/// Reads and writes the keys and values of `__consumer_offsets` records byte for byte as Kafka 2.8
/// does (INT16 schema version, then the non-flexible struct), so a log written by either can be
/// loaded by the other.
public enum GroupRecordCodec {
    public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    // MARK: Keys

    public static func encodeKey(_ key: GroupRecordKey) -> [UInt8] {
        var buffer = ByteBuffer()
        switch key {
        case .offset(let groupId, let topicPartition):
            buffer.writeInteger(Int16(1))
            buffer.writeKafkaString(groupId, compact: false)
            buffer.writeKafkaString(topicPartition.topic, compact: false)
            buffer.writeInteger(topicPartition.partition)
        case .group(let groupId):
            buffer.writeInteger(Int16(2))
            buffer.writeKafkaString(groupId, compact: false)
        }
        return Array(buffer.readableBytesView)
    }

    public static func decodeKey(_ bytes: [UInt8]) throws(DecodingError) -> GroupRecordKey {
        var buffer = ByteBuffer(bytes: bytes)
        do {
            let version = try buffer.readKafkaInt16(field: "key.version")
            switch version {
            case 0, 1:
                let group = try buffer.readKafkaString(compact: false, field: "key.group")
                let topic = try buffer.readKafkaString(compact: false, field: "key.topic")
                let partition = try buffer.readKafkaInt32(field: "key.partition")
                return .offset(groupId: group, TopicPartition(topic: topic, partition: partition))
            case 2:
                return .group(try buffer.readKafkaString(compact: false, field: "key.group"))
            default:
                throw DecodingError(description: "unknown group metadata key version \(version)")
            }
        } catch let error as KafkaProtocolError {
            throw DecodingError(description: "malformed group metadata key: \(error)")
        } catch let error as DecodingError {
            throw error
        } catch {
            throw DecodingError(description: "\(error)")
        }
    }

    // MARK: Offset values

    /// Kafka 2.8 (inter-broker protocol ≥ 2.1): version 3 (offset, leader epoch, metadata, commit
    /// timestamp), or version 1 (with the expire timestamp) when the commit set a retention time.
    public static func encodeOffset(_ value: OffsetAndMetadata) -> [UInt8] {
        var buffer = ByteBuffer()
        if let expire = value.expireTimestampMs {
            buffer.writeInteger(Int16(1))
            buffer.writeInteger(value.offset)
            buffer.writeKafkaString(value.metadata, compact: false)
            buffer.writeInteger(value.commitTimestampMs)
            buffer.writeInteger(expire)
        } else {
            buffer.writeInteger(Int16(3))
            buffer.writeInteger(value.offset)
            buffer.writeInteger(value.leaderEpoch ?? -1)
            buffer.writeKafkaString(value.metadata, compact: false)
            buffer.writeInteger(value.commitTimestampMs)
        }
        return Array(buffer.readableBytesView)
    }

    public static func decodeOffset(_ bytes: [UInt8]) throws(DecodingError) -> OffsetAndMetadata {
        var buffer = ByteBuffer(bytes: bytes)
        do {
            let version = try buffer.readKafkaInt16(field: "offset.version")
            let offset = try buffer.readKafkaInt64(field: "offset.offset")
            switch version {
            case 0, 2:
                // v0: offset, metadata, timestamp; v2: offset, metadata, commit_timestamp.
                let metadata = try buffer.readKafkaString(compact: false, field: "offset.metadata")
                let timestamp = try buffer.readKafkaInt64(field: "offset.commit_timestamp")
                return OffsetAndMetadata(offset: offset, metadata: metadata, commitTimestampMs: timestamp)
            case 1:
                let metadata = try buffer.readKafkaString(compact: false, field: "offset.metadata")
                let timestamp = try buffer.readKafkaInt64(field: "offset.commit_timestamp")
                let expire = try buffer.readKafkaInt64(field: "offset.expire_timestamp")
                return OffsetAndMetadata(
                    offset: offset, metadata: metadata, commitTimestampMs: timestamp, expireTimestampMs: expire == -1 ? nil : expire)
            case 3:
                let epoch = try buffer.readKafkaInt32(field: "offset.leader_epoch")
                let metadata = try buffer.readKafkaString(compact: false, field: "offset.metadata")
                let timestamp = try buffer.readKafkaInt64(field: "offset.commit_timestamp")
                return OffsetAndMetadata(
                    offset: offset, leaderEpoch: epoch < 0 ? nil : epoch, metadata: metadata, commitTimestampMs: timestamp)
            default:
                throw DecodingError(description: "unknown offset commit value version \(version)")
            }
        } catch let error as KafkaProtocolError {
            throw DecodingError(description: "malformed offset commit value: \(error)")
        } catch let error as DecodingError {
            throw error
        } catch {
            throw DecodingError(description: "\(error)")
        }
    }

    // MARK: Group values

    /// Kafka 2.8 (inter-broker protocol ≥ 2.3) writes group metadata value version 3: members
    /// carry `group_instance_id` (KIP-345) and the value carries `current_state_timestamp`.
    public static func encodeGroup(_ value: GroupMetadataValue) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeInteger(Int16(3))
        buffer.writeKafkaString(value.protocolType, compact: false)
        buffer.writeInteger(value.generation)
        buffer.writeKafkaNullableString(value.protocolName, compact: false)
        buffer.writeKafkaNullableString(value.leader, compact: false)
        buffer.writeInteger(value.currentStateTimestampMs)
        buffer.writeInteger(Int32(value.members.count))
        for member in value.members {
            buffer.writeKafkaString(member.memberId, compact: false)
            buffer.writeKafkaNullableString(member.groupInstanceId, compact: false)
            buffer.writeKafkaString(member.clientId, compact: false)
            buffer.writeKafkaString(member.clientHost, compact: false)
            buffer.writeInteger(member.rebalanceTimeoutMs)
            buffer.writeInteger(member.sessionTimeoutMs)
            buffer.writeKafkaBytes(member.subscription, compact: false)
            buffer.writeKafkaBytes(member.assignment, compact: false)
        }
        return Array(buffer.readableBytesView)
    }

    /// Reads value versions 0–3 (Kafka's `readGroupMessageValue`).
    public static func decodeGroup(groupId: String, _ bytes: [UInt8]) throws(DecodingError) -> GroupMetadataValue {
        var buffer = ByteBuffer(bytes: bytes)
        do {
            let version = try buffer.readKafkaInt16(field: "group.version")
            guard (0...3).contains(version) else { throw DecodingError(description: "unknown group metadata value version \(version)") }
            let protocolType = try buffer.readKafkaString(compact: false, field: "group.protocol_type")
            let generation = try buffer.readKafkaInt32(field: "group.generation")
            let protocolName = try buffer.readKafkaNullableString(compact: false, field: "group.protocol")
            let leader = try buffer.readKafkaNullableString(compact: false, field: "group.leader")
            let timestamp = version >= 2 ? try buffer.readKafkaInt64(field: "group.current_state_timestamp") : -1
            let count = try buffer.readKafkaNonNullArrayCount(compact: false, field: "group.members")
            var members: [GroupMetadataValue.Member] = []
            for _ in 0..<count {
                let memberId = try buffer.readKafkaString(compact: false, field: "member.member_id")
                let instanceId = version >= 3 ? try buffer.readKafkaNullableString(compact: false, field: "member.group_instance_id") : nil
                let clientId = try buffer.readKafkaString(compact: false, field: "member.client_id")
                let clientHost = try buffer.readKafkaString(compact: false, field: "member.client_host")
                let rebalanceTimeout = version >= 1 ? try buffer.readKafkaInt32(field: "member.rebalance_timeout") : nil
                let sessionTimeout = try buffer.readKafkaInt32(field: "member.session_timeout")
                let subscription = try buffer.readKafkaBytes(compact: false, field: "member.subscription")
                let assignment = try buffer.readKafkaBytes(compact: false, field: "member.assignment")
                members.append(.init(
                    memberId: memberId, groupInstanceId: instanceId, clientId: clientId, clientHost: clientHost,
                    // v0 had no rebalance timeout: Kafka uses the session timeout.
                    rebalanceTimeoutMs: rebalanceTimeout ?? sessionTimeout, sessionTimeoutMs: sessionTimeout,
                    subscription: subscription, assignment: assignment))
            }
            return GroupMetadataValue(
                groupId: groupId, protocolType: protocolType, generation: generation, protocolName: protocolName, leader: leader,
                currentStateTimestampMs: timestamp, members: members)
        } catch let error as KafkaProtocolError {
            throw DecodingError(description: "malformed group metadata value of \(groupId): \(error)")
        } catch let error as DecodingError {
            throw error
        } catch {
            throw DecodingError(description: "\(error)")
        }
    }
}
