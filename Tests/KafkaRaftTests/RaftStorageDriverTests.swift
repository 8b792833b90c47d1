import Foundation
import KafkaRaft
import KafkaRaftStorage
import Testing

/// Three members on real files, messages routed in memory: elect, commit, stop one member,
/// reopen it from its directory, and see it catch up.
@Suite(.tags(.unit)) struct RaftStorageDriverTests {
    final class Quorum {
        let root: String
        var drivers: [Int32: RaftStorageDriver] = [:]
        var inFlight: [RaftEnvelope] = []
        var now: Int64 = 0

        init() throws {
            root = RaftStorageTests.temporaryDirectory()
            for id: Int32 in [1, 2, 3] { try open(id) }
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func open(_ id: Int32) throws {
            let driver = try RaftStorageDriver(directory: "\(root)/node-\(id)", localId: id, voters: [1, 2, 3], now: now, seed: UInt64(id))
            drivers[id] = driver
            inFlight += try driver.start(now: now).messages
        }

        func run(for milliseconds: Int64) throws {
            let end = now + milliseconds
            while now < end {
                now += 1
                for id in drivers.keys.sorted() where drivers[id]!.instance.nextDeadline <= now {
                    inFlight += try drivers[id]!.tick(now: now).messages
                }
                while !inFlight.isEmpty {
                    let envelope = inFlight.removeFirst()
                    guard let driver = drivers[envelope.destination] else { continue }
                    inFlight += try driver.receive(envelope, now: now).messages
                }
            }
        }

        var leader: RaftStorageDriver? { drivers.values.first { $0.instance.state.isLeader } }
    }

    @Test func quorumOnDisk_survivesAMemberRestart() throws {
        let quorum = try Quorum()
        try quorum.run(for: 3000)
        let leader = try #require(quorum.leader)
        for value in UInt8(1)...10 {
            let (offset, output) = try leader.append([[value]], now: quorum.now)
            #expect(offset != nil)
            quorum.inFlight += output.messages
        }
        try quorum.run(for: 200)
        let committed = leader.instance.highWatermark
        #expect(committed == 11)

        let stopped = [Int32(1), 2, 3].first { $0 != leader.instance.localId }!
        quorum.drivers[stopped] = nil
        for value in UInt8(11)...15 { quorum.inFlight += try leader.append([[value]], now: quorum.now).output.messages }
        try quorum.run(for: 200)

        try quorum.open(stopped)
        let reopened = quorum.drivers[stopped]!
        #expect(reopened.instance.log.endOffset >= committed, "a restarted member keeps its flushed log")
        try quorum.run(for: 1000)
        #expect(reopened.instance.log.records == leader.instance.log.records)
        #expect(reopened.instance.highWatermark == leader.instance.highWatermark)
        let text = try String(contentsOfFile: "\(quorum.root)/node-\(stopped)/__cluster_metadata-0/quorum-state", encoding: .utf8)
        #expect(text.contains("\"leaderId\":\(leader.instance.localId)"))
    }
}
