import Foundation
import LocalCluster
import Testing
import ZooKeeper
import KafkaTestKit

/// Watches and session life cycle against a real 3-node ensemble: ephemerals, one-shot watches,
/// failover to another member, expiry, and closing with requests and watches outstanding.
@Suite(.tags(.ensemble), .requiresZooKeeper, .ensemble, .serialized, .timeLimit(.minutes(3)))
struct ZooKeeperWatchAndSessionTests {
    @Test func dataWatch_firesExactlyOnce() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            _ = try await zk.create("/w", data: bytes("0"))
            let recorder = WatchRecorder()
            _ = try await zk.getData("/w", watch: recorder.handler)
            try await zk.setData("/w", data: bytes("1"))
            try await zk.setData("/w", data: bytes("2"))
            #expect(await recorder.next() == WatchEvent(type: .nodeDataChanged, path: "/w"))
            // The second change fires nothing: the watch was one-shot.
            #expect(await recorder.next(within: .seconds(1)) == nil)
            #expect(zk.pendingWatchCount == 0)
        }
    }

    /// Handlers run off the C client's completion thread: one that blocks until a request it issued
    /// itself completes would deadlock if it ran there.
    @Test func watchHandler_mayWaitOnTheClientItself() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            _ = try await zk.create("/w", data: bytes("0"))
            let recorder = WatchRecorder()
            _ = try await zk.getData("/w") { event in
                let done = DispatchSemaphore(value: 0)
                let reread = Task {
                    defer { done.signal() }
                    return try await zk.getData(event.path).data
                }
                let finished = done.wait(timeout: .now() + 10) == .success
                recorder.handler(WatchEvent(type: finished ? event.type : .sessionEnded(.closed), path: event.path))
                _ = reread
            }
            try await zk.setData("/w", data: bytes("1"))
            #expect(await recorder.next(within: .seconds(15)) == WatchEvent(type: .nodeDataChanged, path: "/w"))
        }
    }

    @Test func existsAndChildWatches_fireOnCreationChildrenAndDeletion() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            let exists = WatchRecorder()
            #expect(try await zk.exists("/topics", watch: exists.handler) == nil)
            #expect(zk.pendingWatchCount == 1)  // exists on a missing node leaves a creation watch
            _ = try await zk.create("/topics", data: nil)
            #expect(await exists.next() == WatchEvent(type: .nodeCreated, path: "/topics"))

            let children = WatchRecorder()
            _ = try await zk.getChildren("/topics", watch: children.handler)
            _ = try await zk.create("/topics/t1", data: nil)
            #expect(await children.next() == WatchEvent(type: .nodeChildrenChanged, path: "/topics"))

            let data = WatchRecorder()
            let childAgain = WatchRecorder()
            _ = try await zk.getData("/topics/t1", watch: data.handler)
            _ = try await zk.getChildren("/topics/t1", watch: childAgain.handler)
            try await zk.delete("/topics/t1")
            // Deletion fires both the data and the child watch on the node, once each.
            #expect(await data.next() == WatchEvent(type: .nodeDeleted, path: "/topics/t1"))
            #expect(await childAgain.next() == WatchEvent(type: .nodeDeleted, path: "/topics/t1"))
            #expect(await data.next(within: .milliseconds(500)) == nil)
        }
    }

    @Test func failedRead_leavesNoWatch() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            let recorder = WatchRecorder()
            await #expect(throws: ZooKeeperError.self) { _ = try await zk.getData("/absent", watch: recorder.handler) }
            #expect(zk.pendingWatchCount == 0)
            _ = try await zk.create("/absent", data: nil)
            #expect(await recorder.next(within: .milliseconds(500)) == nil)
        }
    }

    @Test func ephemeral_vanishesWhenItsSessionCloses() async throws {
        let ensemble = try RunningEnsemble.current
        let (owner, root) = try await ensemble.isolatedClient()
        _ = try await owner.create("/brokers", data: nil)
        _ = try await owner.create("/brokers/1", data: bytes("{}"), mode: .ephemeral)
        try await withClosing(try await ensemble.client(chroot: root)) { observer async throws in
            let recorder = WatchRecorder()
            #expect(try await observer.exists("/brokers/1", watch: recorder.handler) != nil)
            await owner.close()
            #expect(owner.state == .closed)
            #expect(await recorder.next() == WatchEvent(type: .nodeDeleted, path: "/brokers/1"))
            #expect(try await observer.exists("/brokers/1") == nil)
            // A closed client refuses further requests with `closing`.
            await #expect(throws: ZooKeeperError(code: .closing, operation: .getData, path: "/brokers")) {
                _ = try await owner.getData("/brokers")
            }
            await owner.close()  // closing twice is harmless
        }
    }

    @Test func close_answersOutstandingRequestsAndWatches() async throws {
        let (zk, _) = try await RunningEnsemble.current.isolatedClient(maxInFlight: 50)
        _ = try await zk.create("/x", data: bytes("x"))
        let recorder = WatchRecorder()
        _ = try await zk.getData("/x", watch: recorder.handler)
        let reads = Task {
            await withTaskGroup(of: Result<Void, any Error>.self) { group in
                for _ in 0..<200 {
                    group.addTask {
                        do {
                            _ = try await zk.getData("/x")
                            return .success(())
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: [Result<Void, any Error>]()) { $0.append($1) }
            }
        }
        await zk.close()
        let outcomes = await reads.value
        // Every request finished (none hangs); those cut off say why.
        #expect(outcomes.count == 200)
        for case .failure(let error) in outcomes {
            let code = (error as? ZooKeeperError)?.code
            #expect(code == .closing || code == .connectionLoss, "unexpected \(error)")
        }
        #expect(await recorder.next() == WatchEvent(type: .sessionEnded(.closed), path: "/x"))
    }

    /// Expire the session as ZooKeeper's own tests do: a second handle with the same id and password
    /// closes it, and the first handle learns of the expiry when it next talks to the ensemble.
    @Test func sessionExpiry_isDetectedAndReported() async throws {
        let ensemble = try RunningEnsemble.current
        let (zk, root) = try await ensemble.isolatedClient()
        _ = try await zk.create("/eph", data: nil, mode: .ephemeral)
        // The watch sits on a persistent znode that nothing changes, so only the session's end can
        // answer it. (A watch on /eph could legitimately fire nodeDeleted first: the twin's close
        // deletes /eph while this client's old connection may still be registered on another member.)
        _ = try await zk.create("/stay", data: nil)
        let recorder = WatchRecorder()
        _ = try await zk.getData("/stay", watch: recorder.handler)
        let events = zk.sessionEvents()
        let credentials = try #require(zk.session)
        let twin = try await ensemble.client(chroot: root, session: credentials)
        #expect(twin.session?.sessionID == credentials.sessionID)
        await twin.close()

        var seen: [SessionState] = []
        let expired = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                var states: [SessionState] = []
                for await event in events {
                    states.append(event.state)
                    if event.state == .expired { return true }
                }
                return false
            }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        seen.append(zk.state)
        #expect(expired, "states seen: \(seen)")
        #expect(zk.state == .expired)
        #expect(await recorder.next() == WatchEvent(type: .sessionEnded(.expired), path: "/stay"))
        await #expect(throws: ZooKeeperError.self) { _ = try await zk.getData("/") }
        // The owner opens a new session; the old ephemeral is gone.
        try await withClosing(try await ensemble.client(chroot: root)) { fresh async throws in
            #expect(try await fresh.exists("/eph") == nil)
            #expect(fresh.session?.sessionID != credentials.sessionID)
            await zk.close()
        }
    }

    /// Kill -9 the member the client is connected to: with a quorum left, the C client reconnects to
    /// another member and the session (and its ephemeral znode) survives.
    @Test func sessionSurvives_whenItsServerIsKilled() async throws {
        let ensemble = try RunningEnsemble.current
        try await ensemble.withIsolatedClient { zk, _ async throws in
            _ = try await zk.create("/alive", data: nil, mode: .ephemeral)
            let sessionID = try #require(zk.session?.sessionID)
            let server = try #require(zk.connectedServer)
            let member = try #require(ensemble.descriptor.zookeeper.servers.first { $0.clientPort == server.port })
            try ensemble.cluster.kill(.zookeeper(member.id), signal: .kill)
            defer { try? ensemble.cluster.start(.zookeeper(member.id)) }

            try await pollUntil("the client reconnected to another server", timeout: .seconds(30)) {
                guard zk.state == .connected, let now = zk.connectedServer else { return false }
                return now.port != server.port
            }
            #expect(zk.session?.sessionID == sessionID)
            let stat = try await zk.exists("/alive")
            #expect(stat?.ephemeralOwner == sessionID)
            _ = try await zk.create("/after", data: bytes("ok"))
            #expect(try await zk.getData("/after").data == bytes("ok"))
            try ensemble.cluster.start(.zookeeper(member.id))
        }
    }
}
