import KafkaController
import KafkaModel
import KafkaZooKeeperData
import ZooKeeper

/// Broker start-up, failure and bounce (Kafka 2.8 `processBrokerChange`, `onBrokerStartup`,
/// `onBrokerFailure`, `onReplicasBecomeOffline`, `processBrokerModification`).
extension ZooKeeperModeController {
    func processBrokerChange() throws {
        guard isActive else { return }
        let handler = watch("children:" + ZNodePaths.brokerIDs) { .brokerChange }
        let current = try zooKeeper.brokers(watch: handler)
        let currentByID = Dictionary(current.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let known = context.liveOrShuttingDownBrokerIDs
        let newIDs = Set(currentByID.keys).subtracting(known)
        let deadIDs = known.subtracting(currentByID.keys)
        // A broker whose registration has a newer czxid restarted between two watch events.
        let bouncedIDs = Set(currentByID.keys).intersection(known).filter {
            (currentByID[$0]?.epoch ?? 0) > (context.brokerEpoch(of: $0) ?? 0)
        }
        logger.info("Newly added brokers: \(newIDs.sorted()), deleted brokers: \(deadIDs.sorted()), bounced brokers: \(bouncedIDs.sorted()), all live brokers: \(currentByID.keys.sorted())")
        traceBrokerChange(new: newIDs, dead: deadIDs, bounced: bouncedIDs, live: currentByID.keys)
        let newBrokers = newIDs.sorted().compactMap { currentByID[$0] }
        let bouncedBrokers = bouncedIDs.sorted().compactMap { currentByID[$0] }
        for broker in newBrokers { channelManager?.addBroker(broker) }
        for id in bouncedIDs { channelManager?.removeBroker(id) }
        for broker in bouncedBrokers { channelManager?.addBroker(broker) }
        for id in deadIDs { channelManager?.removeBroker(id) }
        if !newBrokers.isEmpty {
            context.addLiveBrokers(newBrokers)
            try onBrokerStartup(newIDs.sorted())
        }
        if !bouncedIDs.isEmpty {
            context.removeLiveBrokers(bouncedIDs)
            try onBrokerFailure(bouncedIDs.sorted())
            context.addLiveBrokers(bouncedBrokers)
            try onBrokerStartup(bouncedIDs.sorted())
        }
        if !deadIDs.isEmpty {
            context.removeLiveBrokers(deadIDs)
            try onBrokerFailure(deadIDs.sorted())
        }
    }

    /// Kafka's `onBrokerStartup`, plus the per-broker modification watch.
    func onBrokerStartup(_ newBrokers: [BrokerID]) throws {
        logger.info("New broker startup callback for \(newBrokers)")
        // Kafka flushes a batch per step; the steps' requests go out merged, one per broker and API.
        try coalescingRequests { try flows.onBrokerStartup(newBrokers) }
        for id in newBrokers { try watchBrokerModifications(id) }
    }

    /// Kafka's `onBrokerFailure`.
    func onBrokerFailure(_ deadBrokers: [BrokerID]) throws {
        logger.info("Broker failure callback for \(deadBrokers)")
        // As Kafka, the election's batch goes out when the election pass ends, before the ISR shrinks are
        // written, and the ISR shrink's after it (`ControllerFlows.sendPassRequests`); each merged into one
        // request per broker and API.
        try coalescingRequests { try flows.onBrokerFailure(deadBrokers) }
    }

    /// Kafka's `processBrokerModification`: a broker's registration changed (endpoints, rack).
    func processBrokerModifications(_ id: BrokerID) throws {
        guard isActive else { return }
        let handler = watch("data:" + ZNodePaths.broker(id)) { .brokerModifications(brokerID: id) }
        let updated = try zooKeeper.data(ZNodePaths.broker(id), watch: handler).map { read in
            let registration = try BrokerRegistrationZNode.decode(id: id, data: read.data)
            return BrokerInfo(id: id, endpoints: registration.endpoints, rack: registration.rack, epoch: read.stat.czxid)
        }
        guard let updated, let old = context.liveBrokers[id], old.epoch == updated.epoch,
            old.endpoints != updated.endpoints || old.rack != updated.rack
        else { return }
        logger.info("Updated broker epoch/endpoints of broker \(id): \(updated.endpoints)")
        context.updateBrokerMetadata(updated)
        sendUpdateMetadataRequest(to: context.liveOrShuttingDownBrokerIDs.sorted(), partitions: [])
    }
}
