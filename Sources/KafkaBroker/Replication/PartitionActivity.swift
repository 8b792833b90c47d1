import KafkaModel
import Synchronization

/// Wakes requests parked on partitions (Kafka's `DelayedOperationPurgatory` keyed by partition):
/// long-polling fetches wait for new data, acks=all produces for the high watermark. Appends and
/// high-watermark moves call ``notify(_:)``; a waiter re-checks its own condition when woken.
///
/// A waiter first takes a ``mark()``, then checks its condition, then waits "for anything after
/// the mark": a change between the check and the wait is never missed.
public final class PartitionActivity: Sendable {
    private struct Waiter {
        var partitions: Set<TopicPartition>
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var clock: UInt64 = 0
        var lastChange: [TopicPartition: UInt64] = [:]
        var nextWaiterID: UInt64 = 0
        var waiters: [UInt64: Waiter] = [:]
        var waitersByPartition: [TopicPartition: Set<UInt64>] = [:]
        /// Waiters whose timer fired before they were registered.
        var expiredEarly: Set<UInt64> = []
    }

    private let state = Mutex(State())

    public init() {}

    public typealias Mark = UInt64

    public func mark() -> Mark { state.withLock { $0.clock } }

    /// Something changed on `partition`: wake every request waiting on it.
    public func notify(_ partition: TopicPartition) {
        let woken: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.clock += 1
            state.lastChange[partition] = state.clock
            guard let ids = state.waitersByPartition[partition] else { return [] }
            return ids.compactMap { Self.remove($0, from: &state)?.continuation }
        }
        for continuation in woken { continuation.resume() }
    }

    /// Forgets a partition that is no longer hosted.
    public func forget(_ partition: TopicPartition) {
        notify(partition)
        state.withLock { _ = $0.lastChange.removeValue(forKey: partition) }
    }

    /// Returns once one of `partitions` changed after `mark`, or after `timeout`, or at once if a
    /// change already happened.
    public func wait(for partitions: Set<TopicPartition>, after mark: Mark, timeout: Duration) async {
        guard !partitions.isEmpty, timeout > .zero else { return }
        let id: UInt64? = state.withLock { state in
            if partitions.contains(where: { (state.lastChange[$0] ?? 0) > mark }) { return nil }
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
                if partitions.contains(where: { (state.lastChange[$0] ?? 0) > mark }) { return true }
                if state.expiredEarly.remove(id) != nil { return true }
                state.waiters[id] = Waiter(partitions: partitions, continuation: continuation)
                for partition in partitions { state.waitersByPartition[partition, default: []].insert(id) }
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

    private static func remove(_ id: UInt64, from state: inout State) -> Waiter? {
        guard let waiter = state.waiters.removeValue(forKey: id) else { return nil }
        for partition in waiter.partitions {
            state.waitersByPartition[partition]?.remove(id)
            if state.waitersByPartition[partition]?.isEmpty == true { state.waitersByPartition[partition] = nil }
        }
        return waiter
    }
}
