import Foundation
import KafkaRaft
import KafkaRaftStorage
import Testing

/// Three members on real files, messages routed in memory: elect, commit, stop one member,
/// reopen it from its directory, and see it catch up — with the fsync on the driver's thread
/// (`.synchronous`) and handed out to run elsewhere (`.deferred`, as `RaftQuorumNode` runs it).
@Suite(.tags(.unit)) struct RaftStorageDriverTests {
    final class Quorum {
        let root: String
        let flushMode: RaftStorageDriver.FlushMode
        var drivers: [Int32: RaftStorageDriver] = [:]
        var inFlight: [RaftEnvelope] = []
        var now: Int64 = 0
        /// `.deferred`: the fsync each member was handed and has not run yet.
        var pendingFlushes: [Int32: PendingLogFlush] = [:]
        /// While true, handed-out fsyncs do not run (a disk whose fsync takes as long as the test wants).
        var holdFlushes = false
        /// Per member: the log end its last completed fsync covered (what survives a crash).
        var durableEnd: [Int32: Int64] = [:]
        /// Fetches whose offset acknowledged records their sender had not fsynced.
        var unflushedAcknowledgements: [String] = []

        init(flushMode: RaftStorageDriver.FlushMode) throws {
            self.flushMode = flushMode
            root = RaftStorageTests.temporaryDirectory()
            for id: Int32 in [1, 2, 3] { try open(id) }
        }

        deinit { try? FileManager.default.removeItem(atPath: root) }

        func open(_ id: Int32) throws {
            let driver = try RaftStorageDriver(
                directory: "\(root)/node-\(id)", localId: id, voters: [1, 2, 3], now: now, seed: UInt64(id), flushMode: flushMode)
            drivers[id] = driver
            pendingFlushes[id] = nil
            durableEnd[id] = driver.instance.log.endOffset
            collect(id, try driver.start(now: now))
        }

        func stop(_ id: Int32) {
            drivers[id] = nil
            pendingFlushes[id] = nil
        }

        func collect(_ id: Int32, _ output: RaftStorageDriver.Output) {
            inFlight += output.messages
            if let flush = output.flush { pendingFlushes[id] = flush }
        }

        func append(_ payloads: [[UInt8]], to id: Int32) throws -> Int64? {
            let (offset, output) = try drivers[id]!.append(payloads, now: now)
            collect(id, output)
            return offset
        }

        func runFlushes() throws {
            for id in pendingFlushes.keys.sorted() {
                let flush = pendingFlushes.removeValue(forKey: id)!
                try flush.run()
                durableEnd[id] = max(durableEnd[id] ?? 0, flush.endOffset)
                collect(id, try drivers[id]!.flushCompleted(flush, now: now))
            }
        }

        func run(for milliseconds: Int64) throws {
            let end = now + milliseconds
            while now < end {
                now += 1
                for id in drivers.keys.sorted() where drivers[id]!.instance.nextDeadline <= now {
                    collect(id, try drivers[id]!.tick(now: now))
                }
                repeat {
                    while !inFlight.isEmpty {
                        let envelope = inFlight.removeFirst()
                        if case .fetchRequest(let fetch) = envelope.message, flushMode == .deferred,
                            fetch.fetchOffset > durableEnd[envelope.source] ?? 0
                        {
                            unflushedAcknowledgements.append(
                                "member \(envelope.source) fetched at \(fetch.fetchOffset), durable to \(durableEnd[envelope.source] ?? 0)")
                        }
                        guard let driver = drivers[envelope.destination] else { continue }
                        collect(envelope.destination, try driver.receive(envelope, now: now))
                    }
                    if !holdFlushes { try runFlushes() }
                } while !inFlight.isEmpty
            }
        }

        var leader: RaftStorageDriver? { drivers.values.first { $0.instance.state.isLeader } }
    }

    @Test(arguments: [RaftStorageDriver.FlushMode.synchronous, .deferred])
    func quorumOnDisk_survivesAMemberRestart(flushMode: RaftStorageDriver.FlushMode) throws {
        let quorum = try Quorum(flushMode: flushMode)
        try quorum.run(for: 3000)
        let leader = try #require(quorum.leader)
        for value in UInt8(1)...10 {
            #expect(try quorum.append([[value]], to: leader.instance.localId) != nil)
        }
        try quorum.run(for: 200)
        let committed = leader.instance.highWatermark
        #expect(committed == 11)

        let stopped = [Int32(1), 2, 3].first { $0 != leader.instance.localId }!
        quorum.stop(stopped)
        for value in UInt8(11)...15 { _ = try quorum.append([[value]], to: leader.instance.localId) }
        try quorum.run(for: 200)

        try quorum.open(stopped)
        let reopened = quorum.drivers[stopped]!
        #expect(reopened.instance.log.endOffset >= committed, "a restarted member keeps its flushed log")
        try quorum.run(for: 1000)
        #expect(reopened.instance.log.records == leader.instance.log.records)
        #expect(reopened.instance.highWatermark == leader.instance.highWatermark)
        let text = try String(contentsOfFile: "\(quorum.root)/node-\(stopped)/__cluster_metadata-0/quorum-state", encoding: .utf8)
        #expect(text.contains("\"leaderId\":\(leader.instance.localId)"))
        #expect(quorum.unflushedAcknowledgements.isEmpty, "\(quorum.unflushedAcknowledgements)")
    }

    /// A disk whose fsync never finishes while the test holds it: appends and Fetches are still handled at once
    /// (nothing waits for the fsync), but nothing un-fsynced is acknowledged — followers fetch no further than they
    /// flushed and the high watermark stays put — until the fsyncs complete, when everything commits.
    @Test func slowFsync_blocksNoInput_andNothingUnflushedIsAcknowledged() throws {
        let quorum = try Quorum(flushMode: .deferred)
        try quorum.run(for: 3000)
        let leader = try #require(quorum.leader)
        let leaderID = leader.instance.localId
        let committedBefore = leader.instance.highWatermark
        let endBefore = leader.instance.log.endOffset
        #expect(committedBefore == endBefore, "the LeaderChange record is committed")

        quorum.holdFlushes = true
        for value in UInt8(1)...5 {
            #expect(try quorum.append([[value], [value, value]], to: leaderID) != nil, "an append returns with its fsync pending")
        }
        #expect(quorum.pendingFlushes[leaderID] != nil, "the leader's fsync was handed out, not run")
        #expect(leader.isFlushInFlight)
        try quorum.run(for: 500)

        #expect(leader.instance.log.endOffset == endBefore + 10)
        for (id, driver) in quorum.drivers where id != leaderID {
            // It fetched records into its page cache, and fetches no more until they are flushed.
            #expect(driver.instance.log.endOffset > endBefore, "member \(id) fetched records")
            #expect(driver.instance.flushedOffset == endBefore, "member \(id) has not flushed them")
            #expect(quorum.pendingFlushes[id] != nil, "member \(id)'s fsync is pending")
        }
        #expect(leader.instance.highWatermark == committedBefore, "no majority has them on disk")
        #expect(quorum.unflushedAcknowledgements.isEmpty, "\(quorum.unflushedAcknowledgements)")
        let described = try #require(leader.instance.describeQuorum(now: quorum.now))
        for voter in described.voters where voter.replicaId != leaderID {
            #expect(voter.logEndOffset <= endBefore, "voter \(voter.replicaId) acknowledged only flushed records")
        }
        #expect(leader.instance.state.isLeader, "the quorum kept its leader while the disk was slow")

        quorum.holdFlushes = false
        try quorum.run(for: 200)
        #expect(leader.instance.highWatermark == endBefore + 10)
        for driver in quorum.drivers.values { #expect(driver.instance.flushedOffset == endBefore + 10) }
        #expect(quorum.unflushedAcknowledgements.isEmpty, "\(quorum.unflushedAcknowledgements)")
    }

    /// A deferred fsync covers the log end as of when it was handed out, and its completion is taken once.
    @Test func aDeferredFlush_coversTheLogEndWhenTaken_andIsReportedOnce() throws {
        let quorum = try Quorum(flushMode: .deferred)
        try quorum.run(for: 3000)
        let leader = try #require(quorum.leader)
        let end = leader.instance.log.endOffset
        quorum.holdFlushes = true
        _ = try quorum.append([[1], [2], [3]], to: leader.instance.localId)
        let flush = try #require(quorum.pendingFlushes[leader.instance.localId])
        #expect(flush.endOffset == end + 3)
        #expect(leader.instance.flushedOffset == end, "nothing flushed before the fsync ran")
        try flush.run()
        quorum.pendingFlushes[leader.instance.localId] = nil
        let output = try leader.flushCompleted(flush, now: quorum.now)
        #expect(leader.instance.flushedOffset == end + 3)
        let again = try leader.flushCompleted(flush, now: quorum.now)
        #expect(again.messages.isEmpty && again.notifications.isEmpty && again.flush == nil, "a second report is ignored")
        quorum.collect(leader.instance.localId, output)
    }

    /// An observer fetches on without waiting for its fsync, so its log can be truncated (a diverging epoch) and
    /// rewritten while an fsync runs: that fsync's completion must not count the rewritten records as durable.
    @Test func aFlushCompletingAfterATruncation_reportsNoMoreThanTheTruncationPoint() throws {
        let directory = RaftStorageTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let observer = try RaftStorageDriver(
            directory: directory, localId: 4, voters: [1, 2, 3], now: 0, seed: 1, flushMode: .deferred)
        _ = try observer.start(now: 0)
        let firstFetch = try #require(try observer.tick(now: 5_000).messages.first)
        let voter = firstFetch.destination
        func respond(to fetch: RaftEnvelope, _ response: RaftMessage.FetchResponse) throws -> RaftStorageDriver.Output {
            try observer.receive(RaftEnvelope(
                source: fetch.destination, destination: 4, correlationId: fetch.correlationId, message: .fetchResponse(response)),
                now: 5_001)
        }
        func records(_ count: Int) -> [RaftRecord] { (0..<count).map { RaftRecord(epoch: 1, payload: .data([UInt8($0)])) } }

        let afterFirst = try respond(to: firstFetch, .init(
            errorCode: .none, leaderId: voter, leaderEpoch: 1, highWatermark: 0, logStartOffset: 0, recordsBaseOffset: 0,
            records: records(3)))
        let flush = try #require(afterFirst.flush)
        #expect(flush.endOffset == 3)
        let secondFetch = try #require(afterFirst.messages.first, "an observer fetches on while its fsync runs")
        let afterDivergence = try respond(to: secondFetch, .init(
            errorCode: .none, leaderId: voter, leaderEpoch: 1, highWatermark: 0, logStartOffset: 0,
            divergingEpoch: OffsetAndEpoch(offset: 1, epoch: 1)))
        #expect(observer.instance.log.endOffset == 1, "truncated to the leader's end of epoch 1")
        let thirdFetch = try #require(afterDivergence.messages.first)
        _ = try respond(to: thirdFetch, .init(
            errorCode: .none, leaderId: voter, leaderEpoch: 1, highWatermark: 0, logStartOffset: 0, recordsBaseOffset: 1,
            records: records(4)))
        #expect(observer.instance.log.endOffset == 5)

        try flush.run()
        let completed = try observer.flushCompleted(flush, now: 5_002)
        #expect(observer.instance.flushedOffset == 1, "the fsync began before offsets 1-4 were rewritten")
        let next = try #require(completed.flush, "the rest gets an fsync of its own")
        #expect(next.endOffset == 5)
        try next.run()
        _ = try observer.flushCompleted(next, now: 5_003)
        #expect(observer.instance.flushedOffset == 5)
    }
}
