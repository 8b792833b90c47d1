import Foundation
import Testing
@testable import ZooKeeper
import KafkaTestKit

/// Every operation against a real 3-node ensemble. Each test works under its own chroot.
@Suite(.tags(.ensemble), .requiresZooKeeper, .ensemble, .serialized, .timeLimit(.minutes(3)))
struct ZooKeeperOperationsTests {
    @Test func createGetSetDelete_roundTripWithStats() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            #expect(try await zk.create("/a", data: bytes("one")) == "/a")
            let (data, stat) = try await zk.getData("/a")
            #expect(data == bytes("one"))
            #expect(stat.version == 0)
            #expect(stat.dataLength == 3)
            #expect(!stat.isEphemeral)
            let updated = try await zk.setData("/a", data: bytes("two"), version: 0)
            #expect(updated.version == 1)
            #expect(updated.czxid == stat.czxid)
            #expect(updated.mzxid > stat.mzxid)
            #expect(try await zk.getData("/a").data == bytes("two"))
            // Null data stays null, and empty data stays empty.
            _ = try await zk.create("/null", data: nil)
            #expect(try await zk.getData("/null").data == nil)
            _ = try await zk.create("/empty", data: [])
            #expect(try await zk.getData("/empty").data == [])
            // Large values are not truncated (Perfect-ZooKeeper's fixed 10 KiB buffer was).
            let large = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            _ = try await zk.create("/large", data: large)
            #expect(try await zk.getData("/large").data == large)
            try await zk.delete("/a", version: 1)
            #expect(try await zk.exists("/a") == nil)
        }
    }

    @Test func getDataPipelined_answersEveryPathInOrder_refillingFromCompletions() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            for index in 0..<300 { _ = try await zk.create("/p\(index)", data: bytes("v\(index)")) }
            // 300 reads through a window of 7: most are issued from another read's completion callback.
            var paths = (0..<300).map { "/p\($0)" }
            paths.insert("/missing", at: 150)
            let answers = await zk.getDataPipelined(paths, window: 7)
            #expect(answers.count == 301)
            for (index, path) in paths.enumerated() where path != "/missing" {
                #expect((try? answers[index].get().data) == bytes("v\(path.dropFirst(2))"))
            }
            #expect(throws: ZooKeeperError(code: .noNode, operation: .getData, path: "/missing")) { try answers[150].get() }
            #expect(await zk.getDataPipelined([]).isEmpty)
        }
    }

    @Test func createModes_sequentialAndEphemeral() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            try await zk.createRecursive("/isr_change_notification")
            let first = try await zk.create("/isr_change_notification/isr_change_", data: nil, mode: .persistentSequential)
            let second = try await zk.create("/isr_change_notification/isr_change_", data: nil, mode: .persistentSequential)
            #expect(first == "/isr_change_notification/isr_change_0000000000")
            #expect(second == "/isr_change_notification/isr_change_0000000001")
            let ephemeral = try await zk.create("/e", data: bytes("x"), mode: .ephemeral)
            #expect(ephemeral == "/e")
            let stat = try #require(try await zk.exists("/e"))
            #expect(stat.isEphemeral)
            #expect(stat.ephemeralOwner == zk.session?.sessionID)
            let sequential = try await zk.create("/es-", data: nil, mode: .ephemeralSequential)
            #expect(sequential.hasPrefix("/es-") && sequential.count == "/es-".count + 10)
            let (children, parent) = try await zk.getChildren("/isr_change_notification")
            #expect(children.sorted() == ["isr_change_0000000000", "isr_change_0000000001"])
            #expect(parent.numChildren == 2)
        }
    }

    @Test func errors_carryCodeOperationAndPath() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            await #expect(throws: ZooKeeperError(code: .noNode, operation: .getData, path: "/missing")) {
                _ = try await zk.getData("/missing")
            }
            _ = try await zk.create("/p", data: nil)
            _ = try await zk.create("/p/c", data: nil)
            await #expect(throws: ZooKeeperError(code: .nodeExists, operation: .create, path: "/p")) {
                _ = try await zk.create("/p", data: nil)
            }
            await #expect(throws: ZooKeeperError(code: .notEmpty, operation: .delete, path: "/p")) {
                try await zk.delete("/p")
            }
            await #expect(throws: ZooKeeperError(code: .noNode, operation: .create, path: "/nope/child")) {
                _ = try await zk.create("/nope/child", data: nil)
            }
            _ = try await zk.create("/eph", data: nil, mode: .ephemeral)
            await #expect(throws: ZooKeeperError(code: .noChildrenForEphemerals, operation: .create, path: "/eph/c")) {
                _ = try await zk.create("/eph/c", data: nil)
            }
        }
    }

    @Test func staleConditionalWrite_failsWithBadVersion() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            _ = try await zk.create("/controller_epoch", data: bytes("1"))
            try await zk.setData("/controller_epoch", data: bytes("2"), version: 0)
            // A second writer still holding version 0 loses, and the value is unchanged.
            await #expect(throws: ZooKeeperError(code: .badVersion, operation: .setData, path: "/controller_epoch")) {
                try await zk.setData("/controller_epoch", data: bytes("99"), version: 0)
            }
            await #expect(throws: ZooKeeperError(code: .badVersion, operation: .delete, path: "/controller_epoch")) {
                try await zk.delete("/controller_epoch", version: 0)
            }
            #expect(try await zk.getData("/controller_epoch").data == bytes("2"))
        }
    }

    @Test func multi_appliesAllOps_andReportsEachResult() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            _ = try await zk.create("/epoch", data: bytes("5"))
            _ = try await zk.create("/old", data: nil)
            let results = try await zk.multi([
                .check(path: "/epoch", version: 0),
                .create(path: "/state", data: bytes("{}")),
                .create(path: "/seq-", data: nil, mode: .persistentSequential),
                .setData(path: "/epoch", data: bytes("6"), version: 0),
                .delete(path: "/old"),
            ])
            #expect(results.count == 5)
            #expect(results[0] == .checked)
            #expect(results[1] == .created(path: "/state"))
            guard case .created(let sequential) = results[2] else { Issue.record("expected created, got \(results[2])"); return }
            #expect(sequential.hasPrefix("/seq-") && sequential.count == "/seq-".count + 10)
            guard case .setData(let stat) = results[3] else { Issue.record("expected setData, got \(results[3])"); return }
            #expect(stat.version == 1)
            #expect(results[4] == .deleted)
            #expect(try await zk.getData("/epoch").data == bytes("6"))
            #expect(try await zk.exists("/old") == nil)
        }
    }

    /// Kafka's epoch fencing: a multi whose check fails must change nothing at all.
    @Test func multi_withOneFailingCheck_changesNothing() async throws {
        try await RunningEnsemble.current.withIsolatedClient { zk, _ async throws in
            _ = try await zk.create("/controller_epoch", data: bytes("1"))
            try await zk.setData("/controller_epoch", data: bytes("2"))  // now at version 1
            _ = try await zk.create("/state", data: bytes("before"))
            do {
                try await zk.multi([
                    .create(path: "/new", data: bytes("x")),
                    .check(path: "/controller_epoch", version: 0),
                    .setData(path: "/state", data: bytes("after")),
                ])
                Issue.record("the multi should have failed")
            } catch let error as ZooKeeperError {
                #expect(error.code == .badVersion)
                #expect(error.operation == .multi)
                #expect(error.path == "/controller_epoch")
                #expect(error.multiResults == [.failed(.ok), .failed(.badVersion), .failed(.runtimeInconsistency)])
            }
            #expect(try await zk.exists("/new") == nil)
            #expect(try await zk.getData("/state").data == bytes("before"))
        }
    }

    @Test func sync_andPipelinedBurst_withinTheWindow() async throws {
        try await RunningEnsemble.current.withIsolatedClient(maxInFlight: 10) { zk, _ async throws in
            try await zk.createRecursive("/burst")
            // 500 creates issued at once: the window holds 10 in flight and the rest wait; all land.
            let created = try await withThrowingTaskGroup(of: String.self) { group in
                for index in 0..<500 {
                    group.addTask { try await zk.create("/burst/n\(index)", data: bytes("\(index)")) }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(Set(created).count == 500)
            #expect(zk.handle.window.highWaterMark == 10)
            #expect(zk.handle.window.available == 10)
            try await zk.sync("/burst")
            #expect(try await zk.getChildren("/burst").children.count == 500)
            #expect(try await zk.getData("/burst/n499").data == bytes("499"))
        }
    }

    @Test func chroot_isAppliedToPathsAndWatches() async throws {
        let ensemble = try RunningEnsemble.current
        try await ensemble.withIsolatedClient { zk, root async throws in
            let recorder = WatchRecorder()
            #expect(try await zk.exists("/brokers", watch: recorder.handler) == nil)
            try await withClosing(try await ensemble.client()) { admin async throws in
                _ = try await admin.create("\(root)/brokers", data: bytes("x"))
                let event = await recorder.next()
                #expect(event == WatchEvent(type: .nodeCreated, path: "/brokers"))
                #expect(try await zk.getData("/brokers").data == bytes("x"))
            }
        }
    }

    @Test func digestACL_deniesUnauthenticatedWrites() async throws {
        let ensemble = try RunningEnsemble.current
        try await ensemble.withIsolatedClient { owner, root async throws in
            try await owner.addDigestAuth(user: "kafka", password: "secret")
            _ = try await owner.create("/secure", data: bytes("v1"), acl: ACL.creatorAll)
            let (acl, _) = try await owner.getACL("/secure")
            #expect(acl == [ACL.digest(user: "kafka", password: "secret")])

            try await withClosing(try await ensemble.client(chroot: root)) { stranger async throws in
                await #expect(throws: ZooKeeperError(code: .noAuth, operation: .setData, path: "/secure")) {
                    try await stranger.setData("/secure", data: bytes("hacked"))
                }
                // The same credentials grant access from another session.
                try await stranger.addDigestAuth(user: "kafka", password: "secret")
                try await stranger.setData("/secure", data: bytes("v2"))
                #expect(try await owner.getData("/secure").data == bytes("v2"))
                // A world-readable ACL lets anyone read but not write.
                _ = try await owner.create("/public", data: bytes("r"), acl: ACL.readUnsafe)
                try await withClosing(try await ensemble.client(chroot: root)) { reader async throws in
                    #expect(try await reader.getData("/public").data == bytes("r"))
                    await #expect(throws: ZooKeeperError(code: .noAuth, operation: .setData, path: "/public")) {
                        try await reader.setData("/public", data: bytes("w"))
                    }
                }
            }
        }
    }
}
