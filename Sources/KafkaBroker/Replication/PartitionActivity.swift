import KafkaModel
import Synchronization

/// Wakes requests parked on partitions (Kafka's `DelayedOperationPurgatory` keyed by partition):
/// long-polling fetches wait for new data, acks=all produces for the high watermark. Appends and
/// high-watermark moves call ``notify(_:)``; a waiter re-checks its own condition when woken.
///
/// A waiter first takes a ``mark()``, then checks its condition, then waits "for anything after
/// the mark": a change between the check and the wait is never missed.
///
/// A follower's fetch (session) covers tens of thousands of partitions; indexing such a waiter
/// under each of them on every fetch would cost more than the fetch. Waiters on more than
/// `broadWaiterThreshold` partitions are kept in a short list instead, which ``notify(_:)`` scans
/// with one set lookup each, and "changed after the mark" is answered from a ring of the most
/// recent changes when the mark is recent enough. An older mark counts as changed: the waiter
/// re-checks its condition and waits again with a fresh mark (issue 14: a per-partition map of
/// last changes answered it exactly, and cost about 66 bytes for every partition the broker hosts).
public final class PartitionActivity: Sendable {
    private struct Waiter {
        var partitions: Set<TopicPartition>
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var clock: UInt64 = 0
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        var waitersByPartition: [TopicPartition: Set<UInt64>] = [:]
        /// Waiters on many partitions, not indexed by partition.
        var broadWaiters: Set<UInt64> = []
        /// The last `recentCapacity` changes, oldest first from `recentStart`.
        var recent: [(clock: UInt64, partition: TopicPartition)] = []
        var recentStart = 0
        /// Waiters whose timer fired before they were registered.
        var expiredEarly: Set<UInt64> = []
    }

    private let state = Mutex(State())
    static let broadWaiterThreshold = 64
    static let recentCapacity = 4_096

    public init() {}

    public typealias Mark = UInt64

    public func mark() -> Mark { state.withLock { $0.clock } }

    /// Something changed on `partition`: wake every request waiting on it.
    public func notify(_ partition: TopicPartition) {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.clock += 1
            if state.recent.count < Self.recentCapacity {
                state.recent.append((state.clock, partition))
            } else {
                state.recent[state.recentStart] = (state.clock, partition)
                state.recentStart = (state.recentStart + 1) % Self.recentCapacity
            }
            var ids = state.waitersByPartition[partition].map(Array.init) ?? []
            for id in state.broadWaiters where state.waiters[id]?.partitions.contains(partition) == true { ids.append(id) }
            return ids.compactMap { Self.remove($0, from: &state)?.continuation }
        }
        for continuation in woken { continuation.resume() }
    }

    /// Forgets a partition that is no longer hosted: wakes its waiters.
    public func forget(_ partition: TopicPartition) {
        notify(partition)
    }

    /// Returns once one of `partitions` changed after `mark`, or after `timeout`, or at once if a
    /// change already happened.
    public func wait(for partitions: Set<TopicPartition>, after mark: Mark, timeout: Duration) async {
        guard !partitions.isEmpty, timeout > .zero else { return }
        let id: UInt64? = state.withLock { state in
            if Self.changed(partitions, after: mark, in: state) { return nil }
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        guard let id else { return }
        let timer = Task { [weak self] in
            do { try await Task.sleep(for: timeout) } catch { return }
            self?.expire(id)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow: Bool = state.withLock { state in
                // A change may have landed between taking the id and registering.
                if Self.changed(partitions, after: mark, in: state) { return true }
                if state.expiredEarly.remove(id) != nil { return true }
                state.waiters[id] = Waiter(partitions: partitions, continuation: continuation)
                if partitions.count > Self.broadWaiterThreshold {
                    state.broadWaiters.insert(id)
                } else {
                    for partition in partitions { state.waitersByPartition[partition, default: []].insert(id) }
                }
                return false
            }
            if resumeNow { continuation.resume() }
        }
        timer.cancel()
        state.withLock { _ = $0.expiredEarly.remove(id) }
    }

    private func expire(_ id: UInt64) {
        let waiter: Waiter? = state.withLock { state in
            guard let waiter = Self.remove(id, from: &state) else {
                state.expiredEarly.insert(id)
                return nil
            }
            return waiter
        }
        waiter?.continuation.resume()
    }

    /// Whether one of `partitions` changed after `mark`: nothing did if the clock has not moved; a
    /// recent mark is checked against the ring of recent changes; for a mark older than the ring the
    /// answer is yes (the caller re-checks its own condition, so a spurious wake-up costs one re-check).
    private static func changed(_ partitions: Set<TopicPartition>, after mark: Mark, in state: State) -> Bool {
        if state.clock <= mark { return false }
        if state.clock - mark <= UInt64(state.recent.count) {
            return state.recent.contains { $0.clock > mark && partitions.contains($0.partition) }
        }
        return true
    }

    private static func remove(_ id: UInt64, from state: inout State) -> Waiter? {
        guard let waiter = state.waiters.removeValue(forKey: id) else { return nil }
        if state.broadWaiters.remove(id) != nil { return waiter }
        for partition in waiter.partitions {
            state.waitersByPartition[partition]?.remove(id)
            if state.waitersByPartition[partition]?.isEmpty == true { state.waitersByPartition[partition] = nil }
        }
        return waiter
    }
}
