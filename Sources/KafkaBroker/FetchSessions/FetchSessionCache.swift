import KafkaModel
import KafkaProtocol

/// How one Fetch request is answered (Kafka's `FetchContext` subclasses).
public enum FetchContext: Sendable {
    /// No session: read and answer every requested partition, session id 0 (epoch -1, or the cache
    /// declined; Kafka's `SessionlessFetchContext`).
    case sessionless([(TopicPartition, FetchRequest.FetchPartition)])
    /// Epoch 0: answer every requested partition, then try to cache a new session for them
    /// (`FullFetchContext`).
    case full([(TopicPartition, FetchRequest.FetchPartition)], privileged: Bool)
    /// A known session at the expected epoch: read all of its partitions, answer only those with
    /// something new (`IncrementalFetchContext`).
    case incremental(sessionID: Int32, [(TopicPartition, FetchRequest.FetchPartition)])
    /// Unknown session or wrong epoch: a top-level error and no partitions (`SessionErrorContext`).
    case error(KafkaErrorCode)
}

/// Kafka's `FetchSessionCache` (KIP-227): at most `max.incremental.fetch.session.cache.slots`
/// sessions. A new session may evict one idle for longer than `evictionMs`, else the least valuable
/// evictable one: followers' (privileged) sessions may evict client sessions, and any session older
/// than `evictionMs` may be evicted by a bigger one. A value type: the broker keeps it under a lock.
public struct FetchSessionCache: Sendable {
    public let maxEntries: Int
    /// Kafka's `MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS`.
    public let evictionMs: Int64
    public private(set) var sessions: [Int32: FetchSession] = [:]
    /// Sessions created and evicted so far (Kafka's `IncrementalFetchSessionEvictionsPerSec`).
    public private(set) var created = 0
    public private(set) var evictions = 0

    public init(maxEntries: Int, evictionMs: Int64 = 120_000) {
        self.maxEntries = maxEntries
        self.evictionMs = evictionMs
    }

    /// Total partitions cached in all sessions (Kafka's `NumIncrementalFetchPartitionsCached`).
    public var cachedPartitions: Int { sessions.values.reduce(0) { $0 + $1.size } }

    /// Kafka's `FetchManager.newContext`. `request` holds the request's partitions in order;
    /// `forget` its forgotten topics (v7+). An incremental context advances the session's epoch.
    public mutating func newContext(
        sessionID: Int32, epoch: Int32, fetch: [(TopicPartition, FetchRequest.FetchPartition)],
        forget: [TopicPartition], isFromFollower: Bool, nowMs: Int64
    ) -> FetchContext {
        if epoch == FetchSessionEpoch.initial || epoch == FetchSessionEpoch.final {
            // A full request closes any session it names.
            if sessionID != FetchSessionEpoch.invalidSessionID { sessions[sessionID] = nil }
            return epoch == FetchSessionEpoch.final ? .sessionless(fetch) : .full(fetch, privileged: isFromFollower)
        }
        guard let known = sessions[sessionID] else { return .error(.fetchSessionIDNotFound) }
        guard known.epoch == epoch else { return .error(.invalidFetchSessionEpoch) }
        // Taken out of the dictionary so its partition map is uniquely referenced and updated in
        // place: a copy left behind would make the update copy all (100,000) cached partitions.
        var session = sessions.removeValue(forKey: sessionID)!
        _ = session.update(fetch, forget: forget)
        if session.size == 0 { return .sessionless(fetch) }
        session.lastUsedMs = nowMs
        session.epoch = FetchSessionEpoch.next(session.epoch)
        let list = session.fetchList
        sessions[sessionID] = session
        return .incremental(sessionID: sessionID, list)
    }

    /// After a full response: caches a session for `partitions` (with what was answered) if there
    /// is room or something can be evicted. Returns its id, or 0 when no session was created.
    ///
    /// `connectionOpen` false: the client is gone (a follower whose full fetch of 100,000 partitions
    /// timed out closes its connection and sends another), so nobody can ever use the session; none
    /// is created. Kafka creates it anyway and lets eviction reclaim it — here such sessions piled up
    /// to a gigabyte on a busy leader (docs/differences.md).
    public mutating func maybeCreateSession(
        privileged: Bool, partitions: [(TopicPartition, FetchRequest.FetchPartition)],
        answers: [TopicPartition: FetchResponse.FetchablePartitionResponse], nowMs: Int64,
        connectionOpen: Bool = true, newID: () -> Int32
    ) -> Int32 {
        maybeCreateSession(
            privileged: privileged, partitions: partitions, nowMs: nowMs, connectionOpen: connectionOpen, newID: newID,
            answer: { _, topicPartition in answers[topicPartition] })
    }

    /// The same, with the answers in the order of `partitions` (as the fetch handler reads them): matched by
    /// position, so no map of a full fetch's answers is built (17 MB for two followers' full fetches of 66,000
    /// partitions on a leader; issue 14). An answer out of place counts as no answer.
    public mutating func maybeCreateSession(
        privileged: Bool, partitions: [(TopicPartition, FetchRequest.FetchPartition)],
        answersInOrder answers: [(TopicPartition, FetchResponse.FetchablePartitionResponse)], nowMs: Int64,
        connectionOpen: Bool = true, newID: () -> Int32
    ) -> Int32 {
        maybeCreateSession(
            privileged: privileged, partitions: partitions, nowMs: nowMs, connectionOpen: connectionOpen, newID: newID,
            answer: { index, topicPartition in
                index < answers.count && answers[index].0 == topicPartition ? answers[index].1 : nil
            })
    }

    private mutating func maybeCreateSession(
        privileged: Bool, partitions: [(TopicPartition, FetchRequest.FetchPartition)], nowMs: Int64,
        connectionOpen: Bool, newID: () -> Int32,
        answer: (Int, TopicPartition) -> FetchResponse.FetchablePartitionResponse?
    ) -> Int32 {
        guard connectionOpen, !partitions.isEmpty, maxEntries > 0 else { return FetchSessionEpoch.invalidSessionID }
        if sessions.count >= maxEntries, !tryEvict(privileged: privileged, size: partitions.count, nowMs: nowMs) {
            return FetchSessionEpoch.invalidSessionID
        }
        var id = newID()
        while id == FetchSessionEpoch.invalidSessionID || sessions[id] != nil { id = newID() }
        let cached = partitions.indices.map { index in
            let (topicPartition, request) = partitions[index]
            var partition = CachedFetchPartition(request)
            if let answer = answer(index, topicPartition) { _ = partition.mustRespond(answer, update: true) }
            return (topicPartition, partition)
        }
        sessions[id] = FetchSession(id: id, privileged: privileged, nowMs: nowMs, partitions: cached)
        created += 1
        return id
    }

    /// The answers an incremental response carries: those `mustRespond` selects against the
    /// session's cached state (all of them if the session is gone).
    public func selectResponse(
        sessionID: Int32, _ answers: [(TopicPartition, FetchResponse.FetchablePartitionResponse)]
    ) -> [(TopicPartition, FetchResponse.FetchablePartitionResponse)] {
        guard let session = sessions[sessionID] else { return answers }
        return answers.filter { topicPartition, answer in
            guard var cached = session.partitions[topicPartition] else { return true }
            return cached.mustRespond(answer, update: false)
        }
    }

    /// After an incremental response: remembers what it carried.
    public mutating func recordResponse(
        sessionID: Int32, answered: [TopicPartition: FetchResponse.FetchablePartitionResponse]
    ) {
        sessions[sessionID]?.recordResponse(answered)
    }

    /// The same from the response's list, in its order (no map of the answers is built).
    public mutating func recordResponse(
        sessionID: Int32, answeredInOrder answered: [(TopicPartition, FetchResponse.FetchablePartitionResponse)]
    ) {
        sessions[sessionID]?.recordResponse(answered)
    }

    public mutating func remove(_ sessionID: Int32) { sessions[sessionID] = nil }

    /// Kafka's `tryEvict`: the least recently used session if it is stale, else the smallest
    /// evictable session if the new one is worth more (privileged first, then size).
    mutating func tryEvict(privileged: Bool, size: Int, nowMs: Int64) -> Bool {
        if let oldest = sessions.values.min(by: { ($0.lastUsedMs, $0.id) < ($1.lastUsedMs, $1.id) }),
            nowMs - oldest.lastUsedMs > evictionMs
        {
            sessions[oldest.id] = nil
            evictions += 1
            return true
        }
        // Kafka's evictableByAll holds sessions older than evictionMs; evictableByPrivileged adds
        // every unprivileged session.
        let candidates = sessions.values.filter { session in
            nowMs - session.creationMs > evictionMs || (privileged && !session.privileged)
        }
        func key(_ session: FetchSession) -> (Int, Int, Int32) { (session.privileged ? 1 : 0, session.size, session.id) }
        guard let weakest = candidates.min(by: { key($0) < key($1) }) else { return false }
        guard (privileged ? 1 : 0, size, Int32(0)) >= key(weakest) else { return false }
        sessions[weakest.id] = nil
        evictions += 1
        return true
    }
}
