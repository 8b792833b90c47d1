import KafkaBroker
import KafkaMetadataRecords
import KafkaModel
import KafkaQuorumController
import KafkaRaft
import KafkaRaftServer
import Logging

/// A KRaft broker's state machine on the metadata log (Kafka 3.3's `BrokerMetadataListener` and
/// `BrokerMetadataPublisher`): committed records from the Raft observer are replayed into a
/// ``MetadataDelta`` over the current ``MetadataImage``; each delta is published through the same
/// broker code ZooKeeper mode's requests drive (``KRaftMetadataPublication``): the metadata cache,
/// leaders and followers, replicas to delete. Deliveries are processed one at a time, in log order,
/// on a task of their own, so the Raft node's queue is never blocked by the data plane.
final class BrokerMetadataListener: Sendable {
    enum Event: Sendable {
        case commit(RaftCommitListener.Batch)
        case snapshot(RaftSnapshot)
        case leader(id: Int32?, epoch: Int32)
    }

    private let brokerID: BrokerID
    private let interBrokerListener: String
    private let front: BrokerFrontEnd
    private let view: KRaftMetadataView
    private let logger: Logger
    private let events: AsyncStream<Event>
    private let continuation: AsyncStream<Event>.Continuation
    /// Called after each publication with the last offset applied (heartbeats report it).
    private let onApplied: @Sendable (Int64) -> Void

    init(
        brokerID: BrokerID, interBrokerListener: String, front: BrokerFrontEnd, view: KRaftMetadataView, logger: Logger,
        onApplied: @escaping @Sendable (Int64) -> Void
    ) {
        self.brokerID = brokerID
        self.interBrokerListener = interBrokerListener
        self.front = front
        self.view = view
        self.logger = logger
        self.onApplied = onApplied
        (events, continuation) = AsyncStream.makeStream(of: Event.self)
    }

    /// What the Raft node calls (on its queue): enqueue and return.
    var raftListener: RaftCommitListener {
        let continuation = self.continuation
        return RaftCommitListener(
            handleCommit: { continuation.yield(.commit($0)) },
            handleSnapshot: { continuation.yield(.snapshot($0)) },
            handleLeaderChange: { continuation.yield(.leader(id: $0, epoch: $1)) })
    }

    func finish() { continuation.finish() }

    /// Processes deliveries until `finish`.
    func run() async {
        var image = MetadataImage.empty
        var raftEpoch: Int32 = 0
        for await event in events {
            switch event {
            case .leader(_, let epoch):
                raftEpoch = epoch
            case .snapshot(let snapshot):
                // The snapshot replaces everything: replay its records over an empty image, then
                // publish as one delta from the current image (so removed topics are deleted).
                var delta = MetadataDelta(base: image)
                do {
                    let state = QuorumControllerState(
                        snapshotRecords: try MetadataSnapshotCodec.decode(snapshot.data), lastAppliedOffset: snapshot.id.offset - 1)
                    delta = MetadataDelta(base: image, replacingWith: MetadataImage(state: state))
                } catch {
                    logger.error("Could not load metadata snapshot \(snapshot.fileName): \(error)")
                    continue
                }
                image = await publish(delta, raftEpoch: raftEpoch, lastOffset: snapshot.id.offset - 1)
            case .commit(let batch):
                var delta = MetadataDelta(base: image)
                for (offset, bytes) in batch.records {
                    do {
                        delta.replay(try MetadataRecordSerde.decode(bytes).record, offset: offset)
                    } catch {
                        // Kafka's MetadataLoader faults on an undecodable record; the broker keeps the
                        // rest of the log rather than stopping the data plane.
                        logger.error("Skipping undecodable metadata record at offset \(offset): \(error)")
                    }
                }
                image = await publish(delta, raftEpoch: raftEpoch, lastOffset: batch.lastOffset)
            }
        }
    }

    private func publish(_ delta: MetadataDelta, raftEpoch: Int32, lastOffset: Int64) async -> MetadataImage {
        let controllerID = KRaftMetadataPublication.controllerID(image: delta.image) { $0.randomElement() }
        let publication = KRaftMetadataPublication(
            delta: delta, broker: brokerID, controllerID: controllerID, raftEpoch: raftEpoch,
            interBrokerListener: interBrokerListener)
        view.publish(delta.image)
        front.applyMetadataUpdate(publication.metadataUpdate)
        if !publication.deletes.isEmpty {
            logger.info("Deleting replicas no longer hosted: \(publication.deletes.map(\.description).joined(separator: ", "))")
            for (partition, refusal) in front.applyStopReplicas(publication.deletes, delete: true) {
                logger.warning("Could not delete \(partition): \(refusal)")
            }
        }
        if !publication.leadership.isEmpty {
            let configs = publication.topicConfigs
            let refused = await front.applyLeadership(
                publication.leadership, leaderEndpoints: publication.leaderEndpoints,
                topicConfig: { topic in configs[topic] })
            for (partition, refusal) in refused {
                logger.debug("Leadership change of \(partition) not applied: \(refusal)")
            }
        }
        onApplied(lastOffset)
        return delta.image
    }
}
