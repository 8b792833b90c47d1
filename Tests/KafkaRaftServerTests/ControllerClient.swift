import Foundation
import KafkaTestKit
import KafkaClient
import KafkaMetadataRecords
import KafkaProtocol
import KafkaQuorumController
import KafkaRaft
import KafkaRaftProtocol
import KafkaRaftServer

/// A small test client of the controller quorum: sends controller APIs to whichever controller is active
/// (trying each until one does not answer NOT_CONTROLLER, as a broker's controller channel does), and reads
/// the committed metadata log as a Raft observer, replaying it into a `QuorumControllerState`.
struct ControllerClient {
    let quorum: ControllerQuorumProcesses

    /// The first controller (in `ids` order, then the rest) whose answer is not NOT_CONTROLLER, with that answer.
    func toActive<Request: KafkaRequest>(
        _ request: Request, version: Int16 = 0, ids: [Int32]? = nil, timeout: Duration = .seconds(5),
        notController: (Request.Response) -> Bool
    ) async -> (controller: Int32, response: Request.Response)? {
        for id in ids ?? quorum.runningIDs {
            guard let port = quorum.ports[id],
                let connection = try? await KafkaConnection.connect(host: "127.0.0.1", port: port, timeout: .seconds(2))
            else { continue }
            let response = try? await connection.send(request, version: version, timeout: timeout)
            await connection.close()
            if let response, !notController(response) { return (id, response) }
        }
        return nil
    }

    func register(_ broker: Int32, incarnation: KafkaUUID, ids: [Int32]? = nil) async -> (controller: Int32, response: BrokerRegistrationResponse)? {
        let request = BrokerRegistrationRequest(
            brokerId: broker, clusterId: quorum.clusterID, incarnationId: incarnation,
            listeners: [.init(name: "PLAINTEXT", host: "127.0.0.1", port: UInt16(19_000 + broker), securityProtocol: 0)])
        return await toActive(request, ids: ids) { $0.errorCode == KafkaErrorCode.notController.rawValue }
    }

    func heartbeat(
        _ broker: Int32, epoch: Int64, metadataOffset: Int64, wantShutDown: Bool = false
    ) async -> (controller: Int32, response: BrokerHeartbeatResponse)? {
        let request = BrokerHeartbeatRequest(
            brokerId: broker, brokerEpoch: epoch, currentMetadataOffset: metadataOffset, wantFence: false,
            wantShutDown: wantShutDown)
        return await toActive(request) { $0.errorCode == KafkaErrorCode.notController.rawValue }
    }

    func createTopic(
        _ name: String, partitions: Int32, replicationFactor: Int16, timeout: Duration = .seconds(5)
    ) async -> CreateTopicsResponse? {
        let request = CreateTopicsRequest(
            topics: [.init(name: name, numPartitions: partitions, replicationFactor: replicationFactor)], timeoutMs: 5000)
        return await toActive(request, version: 5, timeout: timeout) {
            $0.topics.contains { $0.errorCode == KafkaErrorCode.notController.rawValue }
        }?.response
    }

    /// The committed metadata as an observer (`replicaId` = `observerID`) of controller `id` sees it: fetches from
    /// offset 0 (downloading the snapshot when the log starts later) up to the high watermark and replays it.
    func observedState(from id: Int32, observerID: Int32) async throws -> (state: QuorumControllerState, highWatermark: Int64, snapshotLoaded: Bool) {
        let connection = try await KafkaConnection.connect(host: "127.0.0.1", port: quorum.ports[id]!, timeout: .seconds(2))
        return try await withClosing(connection) { connection async throws in
            try await observedState(on: connection, observerID: observerID)
        }
    }

    private func observedState(
        on connection: KafkaConnection, observerID: Int32
    ) async throws -> (state: QuorumControllerState, highWatermark: Int64, snapshotLoaded: Bool) {
        var snapshot: RaftSnapshot?
        var records: [RaftRecord] = []
        var startOffset: Int64 = 0
        var highWatermark: Int64 = 0
        var lastEpoch: Int32 = 0
        var leaderEpoch: Int32 = -1
        while true {
            let response = try await MetadataLogObserverFetch.fetch(
                .init(replicaId: observerID, currentLeaderEpoch: leaderEpoch, fetchOffset: startOffset + Int64(records.count),
                      lastFetchedEpoch: records.last?.epoch ?? lastEpoch, maxWaitMs: 0),
                clusterID: quorum.clusterID, on: connection, timeout: .seconds(5))
            if response.errorCode == .fencedLeaderEpoch, response.leaderEpoch > leaderEpoch {
                // Observers fetch in the epoch they know; the answer names the current one.
                leaderEpoch = response.leaderEpoch
                continue
            }
            guard response.errorCode == .none else { throw QuorumTestError("observer fetch failed: \(response.errorCode)") }
            if let id = response.snapshotId {
                var data: [UInt8] = []
                while true {
                    let chunk = try await MetadataLogObserverFetch.fetchSnapshot(
                        .init(replicaId: observerID, currentLeaderEpoch: leaderEpoch, snapshotId: id, position: Int64(data.count),
                              maxBytes: 1 << 20),
                        clusterID: quorum.clusterID, on: connection, timeout: .seconds(5))
                    data += chunk.unalignedRecords
                    if Int64(data.count) >= chunk.size || chunk.unalignedRecords.isEmpty { break }
                }
                snapshot = RaftSnapshot(id: id, data: data)
                startOffset = id.offset
                lastEpoch = id.epoch
                records = []
                continue
            }
            records += response.records
            highWatermark = response.highWatermark
            if response.records.isEmpty || startOffset + Int64(records.count) >= response.highWatermark { break }
        }
        var replayer = MetadataLogReplayer()
        _ = try replayer.catchUp(
            log: RaftLog(snapshot: snapshot, startOffset: startOffset, records: records), highWatermark: highWatermark)
        return (replayer.state, highWatermark, snapshot != nil)
    }
}
