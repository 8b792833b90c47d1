import Foundation
import KafkaBroker
import KafkaModel
import KafkaProtocol
import KafkaServer
import NIOCore

/// `zkafka bench broker`'s decode step: the memory a LeaderAndIsr v5 of N partitions takes while it
/// is decoded, the old way (the generated request decoded whole, then converted into the broker's
/// states, both alive together) beside the converting decoder the broker uses (each partition
/// state converted as it is read). Peak growth is read from VmHWM after resetting it
/// (`/proc/self/clear_refs`, Linux 4.0+).
enum BenchBrokerDecodeStep {
    static func encodedRequest(_ states: [ReplicaManager.BecomeLeaderOrFollower]) -> ByteBuffer {
        var topics: [LeaderAndIsrRequest.LeaderAndIsrTopicState] = []
        for state in states {
            let leadership = state.leadership.leaderAndISR
            let partition = LeaderAndIsrRequest.LeaderAndIsrPartitionState(
                partitionIndex: state.topicPartition.partition, controllerEpoch: 1, leader: leadership.leader,
                leaderEpoch: leadership.leaderEpoch, isr: leadership.isr, zkVersion: leadership.zkVersion,
                replicas: state.replicas, isNew: true)
            if topics.last?.topicName == state.topicPartition.topic {
                topics[topics.count - 1].partitionStates.append(partition)
            } else {
                topics.append(.init(topicName: state.topicPartition.topic, partitionStates: [partition]))
            }
        }
        let request = LeaderAndIsrRequest(
            controllerId: 2, controllerEpoch: 1, brokerEpoch: 1, topicStates: topics,
            liveLeaders: (1...3).map { .init(brokerId: $0, hostName: "127.0.0.1", port: 9091 + $0) })
        return request.encoded(version: 5)
    }

    static func convert(_ state: LeaderAndIsrRequest.LeaderAndIsrPartitionState, topic: String) -> ReplicaManager.BecomeLeaderOrFollower {
        ReplicaManager.BecomeLeaderOrFollower(state, topic: topic)
    }

    /// Peak RSS growth (KB) while decoding `bytes` whole and converting, then with the converting decoder.
    static func measure(_ bytes: ByteBuffer) throws -> (whole: Int, converting: Int, count: Int) {
        func peakGrowth(_ body: () throws -> Int) rethrows -> (Int, Int) {
            HeapTuning.trim()
            resetPeak()
            let base = ProcessMemory.current().rssKB
            let count = try body()
            return (ProcessMemory.current().peakKB - base, count)
        }
        let (whole, count) = try peakGrowth {
            var buffer = bytes
            let request = try LeaderAndIsrRequest(from: &buffer, version: 5)
            let states = request.topicStates.flatMap { topic in topic.partitionStates.map { convert($0, topic: topic.topicName) } }
            return withExtendedLifetime(request) { states.count }
        }
        let (converting, _) = try peakGrowth {
            var buffer = bytes
            return try LeaderAndIsrRequest.decode(from: &buffer, version: 5, convertingPartitions: convert).partitions.count
        }
        return (whole, converting, count)
    }

    private static func resetPeak() {
        // "5" resets the peak resident set size (VmHWM) to the current one.
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }
}
