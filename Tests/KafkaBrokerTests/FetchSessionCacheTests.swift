import KafkaBroker
import KafkaModel
import KafkaProtocol
import NIOCore
import Testing

@Suite("Fetch sessions (KIP-227, Kafka 2.8 FetchSessionCache and FetchContext)", .tags(.unit))
struct FetchSessionCacheTests {
    let a0 = TopicPartition(topic: "a", partition: 0)
    let a1 = TopicPartition(topic: "a", partition: 1)
    let b0 = TopicPartition(topic: "b", partition: 0)

    func fetch(_ tp: TopicPartition, offset: Int64, epoch: Int32 = 5) -> (TopicPartition, FetchRequest.FetchPartition) {
        (tp, FetchRequest.FetchPartition(
            partition: tp.partition, currentLeaderEpoch: epoch, fetchOffset: offset, lastFetchedEpoch: -1,
            logStartOffset: -1, partitionMaxBytes: 1_048_576))
    }

    func answer(_ tp: TopicPartition, hw: Int64, records: Int = 0, error: KafkaErrorCode = .none) -> FetchResponse.FetchablePartitionResponse {
        var answer = FetchResponse.FetchablePartitionResponse(partition: tp.partition)
        answer.errorCode = error.rawValue
        answer.highWatermark = hw
        answer.lastStableOffset = hw
        answer.logStartOffset = 0
        answer.recordSet = ByteBuffer(repeating: 1, count: records)
        return answer
    }

    /// A cache holding one session over a0, a1 and b0, created by a full fetch at HW 10.
    func established(_ cache: inout FetchSessionCache, privileged: Bool = true, nowMs: Int64 = 1_000) -> Int32 {
        let list = [fetch(a0, offset: 10), fetch(a1, offset: 10), fetch(b0, offset: 10)]
        guard case .full(let partitions, let isPrivileged) = cache.newContext(
            sessionID: 0, epoch: 0, fetch: list, forget: [], isFromFollower: privileged, nowMs: nowMs)
        else {
            Issue.record("epoch 0 should give a full context")
            return 0
        }
        #expect(isPrivileged == privileged)
        let answers = Dictionary(uniqueKeysWithValues: partitions.map { ($0.0, answer($0.0, hw: 10)) })
        return cache.maybeCreateSession(privileged: privileged, partitions: partitions, answers: answers, nowMs: nowMs, newID: { 42 })
    }

    @Test("epoch 0 creates a session; epoch 1 fetches all its partitions with their cached offsets")
    func fullThenIncremental() {
        var cache = FetchSessionCache(maxEntries: 10)
        let id = established(&cache)
        #expect(id == 42)
        #expect(cache.sessions[42]?.epoch == 1)
        guard case .incremental(let sessionID, let partitions) = cache.newContext(
            sessionID: 42, epoch: 1, fetch: [fetch(a1, offset: 15)], forget: [], isFromFollower: true, nowMs: 1_100)
        else { Issue.record("expected an incremental context"); return }
        #expect(sessionID == 42)
        #expect(partitions.map(\.0) == [a0, a1, b0])
        #expect(partitions.map(\.1.fetchOffset) == [10, 15, 10])
        #expect(cache.sessions[42]?.epoch == 2)
    }

    @Test("an incremental response carries only partitions with records, a new high watermark or an error")
    func incrementalResponseSelection() {
        var cache = FetchSessionCache(maxEntries: 10)
        let id = established(&cache)
        _ = cache.newContext(sessionID: id, epoch: 1, fetch: [], forget: [], isFromFollower: true, nowMs: 1_100)
        let answers = [(a0, answer(a0, hw: 10)), (a1, answer(a1, hw: 12)), (b0, answer(b0, hw: 10, records: 100))]
        let selected = cache.selectResponse(sessionID: id, answers)
        #expect(selected.map(\.0) == [a1, b0])
        cache.recordResponse(sessionID: id, answered: Dictionary(uniqueKeysWithValues: selected))
        // The new high watermark is remembered; the answered partitions move to the end.
        #expect(cache.selectResponse(sessionID: id, [(a1, answer(a1, hw: 12))]).isEmpty)
        #expect(cache.sessions[id]?.order == [a0, a1, b0])
        // An error is always sent, and resets the cached high watermark so recovery is sent too.
        let failed = [(a0, answer(a0, hw: -1, error: .notLeaderOrFollower))]
        #expect(cache.selectResponse(sessionID: id, failed).count == 1)
        cache.recordResponse(sessionID: id, answered: Dictionary(uniqueKeysWithValues: failed))
        #expect(cache.sessions[id]?.order == [a1, b0, a0])
        #expect(cache.selectResponse(sessionID: id, [(a0, answer(a0, hw: -1))]).isEmpty)
        #expect(cache.selectResponse(sessionID: id, [(a0, answer(a0, hw: 10))]).count == 1)
    }

    @Test("a diverging epoch is always sent, even with nothing else new (Kafka's isDivergingEpoch)")
    func divergingEpochIsAlwaysSent() {
        var cache = FetchSessionCache(maxEntries: 10)
        let id = established(&cache)
        _ = cache.newContext(sessionID: id, epoch: 1, fetch: [], forget: [], isFromFollower: true, nowMs: 1_100)
        var diverging = answer(a0, hw: 10)
        diverging.divergingEpoch = .init(epoch: 3, endOffset: 8)
        #expect(cache.selectResponse(sessionID: id, [(a0, answer(a0, hw: 10)), (a1, answer(a1, hw: 10))]).isEmpty)
        #expect(cache.selectResponse(sessionID: id, [(a0, diverging)]).map(\.0) == [a0])
    }

    @Test("an unknown session id and a wrong epoch are top-level errors")
    func sessionErrors() {
        var cache = FetchSessionCache(maxEntries: 10)
        let id = established(&cache)
        guard case .error(let unknown) = cache.newContext(sessionID: 7, epoch: 1, fetch: [], forget: [], isFromFollower: true, nowMs: 1_100),
            case .error(let wrongEpoch) = cache.newContext(sessionID: id, epoch: 3, fetch: [], forget: [], isFromFollower: true, nowMs: 1_100)
        else { Issue.record("expected errors"); return }
        #expect(unknown == .fetchSessionIDNotFound)
        #expect(wrongEpoch == .invalidFetchSessionEpoch)
        #expect(cache.sessions[id]?.epoch == 1, "a refused request does not move the epoch")
    }

    @Test("forgotten partitions leave the session; a session left empty is closed")
    func forgetting() {
        var cache = FetchSessionCache(maxEntries: 10)
        let id = established(&cache)
        guard case .incremental(_, let partitions) = cache.newContext(
            sessionID: id, epoch: 1, fetch: [], forget: [a0, b0], isFromFollower: true, nowMs: 1_100)
        else { Issue.record("expected an incremental context"); return }
        #expect(partitions.map(\.0) == [a1])
        guard case .sessionless(let rest) = cache.newContext(
            sessionID: id, epoch: 2, fetch: [], forget: [a1], isFromFollower: true, nowMs: 1_200)
        else { Issue.record("an emptied session should be sessionless"); return }
        #expect(rest.isEmpty)
        #expect(cache.sessions[id] == nil)
    }

    @Test("a full request closes the session it names; epoch -1 creates none")
    func fullRequestsCloseSessions() {
        var cache = FetchSessionCache(maxEntries: 10)
        let id = established(&cache)
        guard case .sessionless(let list) = cache.newContext(
            sessionID: id, epoch: -1, fetch: [fetch(a0, offset: 1)], forget: [], isFromFollower: false, nowMs: 1_100)
        else { Issue.record("epoch -1 should be sessionless"); return }
        #expect(list.count == 1)
        #expect(cache.sessions.isEmpty)
    }

    @Test("a full cache: a follower evicts a client session, a client cannot, a stale session always goes")
    func eviction() {
        var cache = FetchSessionCache(maxEntries: 1, evictionMs: 120_000)
        let client = established(&cache, privileged: false, nowMs: 1_000)
        #expect(client == 42)
        let list = [fetch(a0, offset: 0)]
        let refused = cache.maybeCreateSession(privileged: false, partitions: list + list + list + list, answers: [:], nowMs: 2_000, newID: { 43 })
        #expect(refused == 0, "a younger client session is not evicted by another client")
        let follower = cache.maybeCreateSession(privileged: true, partitions: list, answers: [:], nowMs: 2_000, newID: { 44 })
        #expect(follower == 44)
        #expect(cache.sessions.keys.sorted() == [44])
        let late = cache.maybeCreateSession(privileged: false, partitions: list, answers: [:], nowMs: 200_000, newID: { 45 })
        #expect(late == 45, "a session idle for longer than the eviction time is evicted")
        #expect(cache.evictions == 2)
    }

    @Test("a full fetch answered after its connection closed caches no session and evicts nothing")
    func closedConnectionCreatesNoSession() {
        var cache = FetchSessionCache(maxEntries: 1, evictionMs: 120_000)
        let client = established(&cache, privileged: false, nowMs: 1_000)
        let list = [fetch(a0, offset: 0), fetch(a1, offset: 0)]
        let id = cache.maybeCreateSession(
            privileged: true, partitions: list, answers: [:], nowMs: 2_000, connectionOpen: false, newID: { 43 })
        #expect(id == 0)
        #expect(cache.sessions.keys.sorted() == [client], "the live client session was not evicted for a dead follower")
        #expect(cache.created == 1)
        #expect(cache.evictions == 0)
    }

    @Test("answers in request order cache the same session as answers by partition; one out of place is no answer")
    func answersInRequestOrder() {
        let list = [fetch(a0, offset: 10), fetch(a1, offset: 10), fetch(b0, offset: 10)]
        let inOrder = [(a0, answer(a0, hw: 10)), (a1, answer(a1, hw: 12)), (b0, answer(b0, hw: 11))]
        var byMap = FetchSessionCache(maxEntries: 10)
        var byOrder = FetchSessionCache(maxEntries: 10)
        let mapID = byMap.maybeCreateSession(
            privileged: true, partitions: list, answers: Dictionary(uniqueKeysWithValues: inOrder), nowMs: 1_000, newID: { 42 })
        let orderID = byOrder.maybeCreateSession(privileged: true, partitions: list, answersInOrder: inOrder, nowMs: 1_000, newID: { 42 })
        #expect(mapID == 42 && orderID == 42)
        #expect(byOrder.sessions[42]?.order == byMap.sessions[42]?.order)
        for tp in [a0, a1, b0] {
            #expect(byOrder.sessions[42]?.partitions[tp]?.highWatermark == byMap.sessions[42]?.partitions[tp]?.highWatermark)
        }
        #expect(byOrder.sessions[42]?.partitions[a1]?.highWatermark == 12)
        var shifted = FetchSessionCache(maxEntries: 10)
        _ = shifted.maybeCreateSession(
            privileged: true, partitions: list, answersInOrder: [(a1, answer(a1, hw: 12))], nowMs: 1_000, newID: { 42 })
        let unanswered = FetchSessionCache(maxEntries: 10).withSession(list)
        #expect(shifted.sessions[42]?.partitions[a1]?.highWatermark == unanswered.sessions[42]?.partitions[a1]?.highWatermark)
    }

    @Test("incremental requests update the cached session in place: offsets move, answered partitions go last")
    func incrementalUpdatesInPlace() {
        var cache = FetchSessionCache(maxEntries: 10)
        let id = established(&cache)
        _ = cache.newContext(sessionID: id, epoch: 1, fetch: [fetch(a0, offset: 12)], forget: [], isFromFollower: true, nowMs: 1_100)
        cache.recordResponse(sessionID: id, answered: [a0: answer(a0, hw: 12)])
        #expect(cache.sessions[id]?.order == [a1, b0, a0])
        #expect(cache.sessions[id]?.partitions[a0]?.fetchOffset == 12)
        #expect(cache.sessions[id]?.partitions[a0]?.highWatermark == 12)
        #expect(cache.sessions[id]?.partitions[b0]?.highWatermark == 10)
        #expect(cache.sessions[id]?.epoch == 2)
        #expect(cache.cachedPartitions == 3)
    }

    @Test("epochs count from 1 and wrap to 1; the final epoch stays final")
    func epochs() {
        #expect(FetchSessionEpoch.next(0) == 1)
        #expect(FetchSessionEpoch.next(41) == 42)
        #expect(FetchSessionEpoch.next(Int32.max) == 1)
        #expect(FetchSessionEpoch.next(-1) == -1)
    }
}

extension FetchSessionCache {
    /// A copy of this cache with a session (id 42) over `list`, nothing answered.
    fileprivate func withSession(_ list: [(TopicPartition, FetchRequest.FetchPartition)]) -> FetchSessionCache {
        var cache = self
        _ = cache.maybeCreateSession(privileged: true, partitions: list, answers: [:], nowMs: 1_000, newID: { 42 })
        return cache
    }
}
