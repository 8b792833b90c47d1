import Foundation
import KafkaRaft

/// The `quorum-state` file (Kafka 3.3's `FileBasedStateStore`): one line of `QuorumStateData` JSON
/// plus `data_version`, written to `quorum-state.tmp`, fsynced and renamed over the old file, so a
/// vote is durable before it is granted.
///
///     {"clusterId":"","leaderId":1,"leaderEpoch":2,"votedId":-1,"appliedOffset":0,"currentVoters":[{"voterId":1}],"data_version":0}
public struct FileQuorumStateStore: Sendable {
    public let path: String

    public init(directory: String) { path = directory + "/quorum-state" }

    public func read() throws(RaftStorageError) -> QuorumStateData? {
        guard let bytes = try DurableFile.readAll(path) else { return nil }
        return try Self.decode(bytes, path: path)
    }

    public func write(_ data: QuorumStateData) throws(RaftStorageError) {
        try DurableFile.replace(path, with: Array(Self.encode(data).utf8))
    }

    public static func encode(_ data: QuorumStateData) -> String {
        let voters = data.currentVoters.map { "{\"voterId\":\($0)}" }.joined(separator: ",")
        let clusterId = data.clusterId.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "{\"clusterId\":\"\(clusterId)\",\"leaderId\":\(data.leaderId ?? -1),\"leaderEpoch\":\(data.leaderEpoch),"
            + "\"votedId\":\(data.votedId ?? -1),\"appliedOffset\":\(data.appliedOffset),\"currentVoters\":[\(voters)],"
            + "\"data_version\":0}"
    }

    public static func decode(_ bytes: [UInt8], path: String = "quorum-state") throws(RaftStorageError) -> QuorumStateData {
        func invalid(_ reason: String) -> RaftStorageError { RaftStorageError(operation: "parse", path: path, reason: reason) }
        let line = bytes.split(separator: UInt8(ascii: "\n")).first.map(Array.init) ?? []
        guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
            throw invalid("not a JSON object")
        }
        guard object["data_version"] != nil else { throw invalid("no data_version field") }
        func int(_ key: String) throws(RaftStorageError) -> Int64 {
            guard let number = object[key] as? NSNumber else { throw invalid("missing \(key)") }
            return number.int64Value
        }
        let leaderId = try int("leaderId")
        let votedId = try int("votedId")
        let voterObjects = object["currentVoters"] as? [[String: Any]] ?? []
        var data = QuorumStateData(
            leaderEpoch: Int32(try int("leaderEpoch")), leaderId: leaderId < 0 ? nil : Int32(leaderId),
            votedId: votedId < 0 ? nil : Int32(votedId),
            currentVoters: voterObjects.compactMap { ($0["voterId"] as? NSNumber).map { Int32($0.int32Value) } })
        data.appliedOffset = (object["appliedOffset"] as? NSNumber)?.int64Value ?? 0
        data.clusterId = object["clusterId"] as? String ?? ""
        return data
    }
}
