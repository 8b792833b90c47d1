import KafkaRaft

/// The replicated state machine of the simulation: a digest folded over every committed record,
/// so a snapshot is eight bytes and two members agree iff their digests at an offset agree.
struct SimulatedStateMachine {
    static let initialDigest: UInt64 = 0xCBF2_9CE4_8422_2325

    var appliedOffset: Int64 = 0
    var digest: UInt64 = initialDigest

    init() {}

    init(snapshot: RaftSnapshot?) {
        if let snapshot { load(snapshot) }
    }

    static func fold(_ digest: UInt64, _ record: RaftRecord) -> UInt64 {
        var hash = digest
        func mix(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        withUnsafeBytes(of: record.epoch.littleEndian) { $0.forEach(mix) }
        switch record.payload {
        case .leaderChange(let leaderId, _):
            mix(1)
            withUnsafeBytes(of: leaderId.littleEndian) { $0.forEach(mix) }
        case .data(let bytes):
            mix(2)
            bytes.forEach(mix)
        }
        return hash
    }

    mutating func apply(_ record: RaftRecord) {
        digest = Self.fold(digest, record)
        appliedOffset += 1
    }

    mutating func load(_ snapshot: RaftSnapshot) {
        appliedOffset = snapshot.id.offset
        digest = snapshot.data.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    var snapshotData: [UInt8] { withUnsafeBytes(of: digest) { Array($0) } }
}

/// Client payloads are unique ids, so the simulation can tell which appends got committed.
enum ClientPayload {
    static func make(_ id: UInt64) -> [UInt8] { withUnsafeBytes(of: id.littleEndian) { Array($0) } }
    static func id(of record: RaftRecord) -> UInt64? {
        guard case .data(let bytes) = record.payload, bytes.count == 8 else { return nil }
        return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
    }
}
