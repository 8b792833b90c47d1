import Synchronization
import Testing
@testable import ZooKeeper

@Suite(.tags(.unit)) struct WatchRegistryTests {
    /// Which watch kinds each event fires, as ZooKeeper's ZKWatchManager.materialize decides.
    @Test func triggeredKinds_followZooKeeper() {
        #expect(WatchKind.triggered(by: .nodeCreated) == [.data, .exists])
        #expect(WatchKind.triggered(by: .nodeDataChanged) == [.data, .exists])
        #expect(WatchKind.triggered(by: .nodeChildrenChanged) == [.child])
        #expect(WatchKind.triggered(by: .nodeDeleted) == [.data, .exists, .child])
    }

    @Test func handlers_fireOnceForMatchingPathAndKind() {
        let registry = WatchRegistry()
        let fired = Recorder<String>()
        _ = registry.register(path: "/a", kind: .data) { _ in fired.append("data/a") }
        _ = registry.register(path: "/a", kind: .child) { _ in fired.append("child/a") }
        _ = registry.register(path: "/b", kind: .data) { _ in fired.append("data/b") }
        #expect(registry.count == 3)

        registry.take(WatchEvent(type: .nodeDataChanged, path: "/a")).forEach { $0(WatchEvent(type: .nodeDataChanged, path: "/a")) }
        #expect(fired.values == ["data/a"])
        // One-shot: the same event again fires nothing.
        #expect(registry.take(WatchEvent(type: .nodeDataChanged, path: "/a")).isEmpty)
        // Deletion fires the remaining child watch on /a only.
        #expect(registry.take(WatchEvent(type: .nodeDeleted, path: "/a")).count == 1)
        #expect(registry.count == 1)
    }

    @Test func cancelledRegistration_neverFires() {
        let registry = WatchRegistry()
        let registration = registry.register(path: "/x", kind: .exists) { _ in }
        let kept = registry.register(path: "/x", kind: .exists) { _ in }
        registry.cancel(registration)
        #expect(registry.take(WatchEvent(type: .nodeCreated, path: "/x")).count == 1)
        _ = kept
        #expect(registry.count == 0)
    }

    @Test func takeAll_emptiesTheTable() {
        let registry = WatchRegistry()
        _ = registry.register(path: "/x", kind: .exists) { _ in }
        _ = registry.register(path: "/y", kind: .child) { _ in }
        #expect(Set(registry.takeAll().map(\.path)) == ["/x", "/y"])
        #expect(registry.count == 0)
    }
}

@Suite(.tags(.unit)) struct InFlightWindowTests {
    @Test func acquireBeyondCapacity_waitsUntilARelease() async {
        let window = InFlightWindow(capacity: 2)
        await window.acquire()
        await window.acquire()
        #expect(window.available == 0)
        let acquired = Recorder<Bool>()
        let waiter = Task {
            await window.acquire()
            acquired.append(true)
        }
        // The waiter cannot get a slot until one is released.
        for _ in 0..<50 { await Task.yield() }
        #expect(acquired.values.isEmpty)
        window.release()
        await waiter.value
        #expect(acquired.values == [true])
        #expect(window.available == 0)
        window.release()
        window.release()
        #expect(window.available == 2)
    }

    @Test func waiters_areServedInArrivalOrder() async {
        let window = InFlightWindow(capacity: 1)
        await window.acquire()
        let order = Recorder<Int>()
        var tasks: [Task<Void, Never>] = []
        for index in 0..<5 {
            tasks.append(Task {
                await window.acquire()
                order.append(index)
                window.release()
            })
            // Let each task reach the queue before starting the next one.
            while window.waitingCount < index + 1 { await Task.yield() }
        }
        window.release()
        for task in tasks { await task.value }
        #expect(order.values == [0, 1, 2, 3, 4])
    }
}

@Suite(.tags(.unit)) struct SessionEventBroadcasterTests {
    @Test func subscribers_seeCurrentStateThenChanges_andFinishOnTerminalState() async {
        let broadcaster = SessionEventBroadcaster()
        let stream = broadcaster.subscribe()
        #expect(broadcaster.publish(.connected))
        #expect(!broadcaster.publish(.connected))  // repeats are not republished
        #expect(broadcaster.publish(.connecting))
        #expect(broadcaster.publish(.expired))
        #expect(!broadcaster.publish(.connected))  // nothing after a terminal state
        var seen: [SessionState] = []
        for await event in stream { seen.append(event.state) }
        #expect(seen == [.connecting, .connected, .connecting, .expired])
        // A late subscriber sees the terminal state and an ended stream.
        var late: [SessionState] = []
        for await event in broadcaster.subscribe() { late.append(event.state) }
        #expect(late == [.expired])
    }
}

/// A thread-safe list of values recorded by concurrent code under test.
final class Recorder<Value: Sendable>: Sendable {
    private let storage = Mutex<[Value]>([])
    func append(_ value: Value) { storage.withLock { $0.append(value) } }
    var values: [Value] { storage.withLock { $0 } }
}
