import KafkaMetadataRecords
import KafkaModel
import KafkaProtocol
import KafkaQuorumController

/// A controller whose appends commit at once, recording every record so a standby can replay them.
struct QuorumControllerFixture {
    var controller: QuorumController
    var log: [MetadataRecord] = []
    var epochs: [BrokerID: Int64] = [:]
    var now: Int64 = 1_000

    init(config: QuorumControllerConfig = QuorumControllerConfig()) {
        controller = QuorumController(config: config, now: 0)
    }

    static func uuid(_ n: UInt64) -> KafkaUUID { KafkaUUID(mostSignificantBits: 0, leastSignificantBits: n) }

    mutating func commit<R>(_ result: ControllerResult<R>) -> R {
        log += result.records
        return controller.commit(result)
    }

    @discardableResult
    mutating func register(_ id: BrokerID, incarnation: UInt64? = nil) -> BrokerRegistrationOutcome {
        let input = BrokerRegistrationInput(
            brokerID: id, incarnationID: Self.uuid(incarnation ?? UInt64(id)),
            endpoints: [BrokerEndpoint(listenerName: "PLAINTEXT", host: "broker\(id)", port: 9090 + id, securityProtocol: "PLAINTEXT")],
            rack: nil)
        let outcome = commit(controller.registerBroker(input, now: now))
        if outcome.errorCode == .none { epochs[id] = outcome.brokerEpoch }
        return outcome
    }

    @discardableResult
    mutating func heartbeat(
        _ id: BrokerID, offset: Int64? = nil, wantFence: Bool = false, wantShutDown: Bool = false
    ) -> BrokerHeartbeatOutcome {
        let input = BrokerHeartbeatInput(
            brokerID: id, brokerEpoch: epochs[id] ?? -1,
            currentMetadataOffset: offset ?? (controller.nextWriteOffset - 1), wantFence: wantFence,
            wantShutDown: wantShutDown)
        return commit(controller.processBrokerHeartbeat(input, now: now))
    }

    /// Registers and unfences `ids`.
    mutating func startBrokers(_ ids: [BrokerID]) {
        for id in ids { register(id) }
        for id in ids { heartbeat(id) }
    }

    @discardableResult
    mutating func createTopic(_ name: String, partitions: Int32, replicationFactor: Int16, id: UInt64 = 100) -> CreateTopicOutcome {
        commit(controller.createTopics([
            CreateTopicInput(name: name, topicID: Self.uuid(id), numPartitions: partitions, replicationFactor: replicationFactor)
        ]))[0]
    }

    /// Fences every stale broker at `now`, one per call as Kafka does.
    mutating func fenceStaleBrokers() -> [BrokerID] {
        var fenced: [BrokerID] = []
        while let id = commit(controller.fenceOneStaleBroker(now: now)) { fenced.append(id) }
        return fenced
    }

    func partition(_ topic: String, _ id: Int32) -> PartitionRegistration? {
        controller.state.partition(TopicPartition(topic: topic, partition: id))
    }

    /// A standby's state: the same records replayed from offset 0.
    var standbyState: QuorumControllerState {
        var state = QuorumControllerState()
        for (offset, record) in log.enumerated() { state.replay(record, offset: Int64(offset)) }
        return state
    }
}
