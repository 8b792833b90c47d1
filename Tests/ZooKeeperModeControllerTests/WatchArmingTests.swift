import Synchronization
import Testing
import ZooKeeper

@testable import ZooKeeperModeController

@Suite(.tags(.unit)) struct WatchArmingTests {
    let key = "children:/brokers/ids"

    @Test func secondArming_ofASetWatch_getsNoHandler_firingArmsAgain() throws {
        let arming = WatchArming()
        let fired = Mutex(0)
        let handler = try #require(arming.handler(key) { _ in fired.withLock { $0 += 1 } })
        #expect(arming.handler(key) { _ in } == nil)
        handler(WatchEvent(type: .nodeChildrenChanged, path: "/brokers/ids"))
        #expect(fired.withLock { $0 } == 1)
        #expect(arming.handler(key) { _ in } != nil)
    }

    /// An expired session's watch is answered `.sessionEnded` after the new session armed the same key: that late
    /// delivery must not make the new session's watch look unset (which would add a second handler).
    @Test func lateSessionEndedOfTheOldSession_keepsTheNewSessionsArming() throws {
        let arming = WatchArming()
        let oldHandler = try #require(arming.handler(key) { _ in })
        arming.reset()  // session expired
        _ = try #require(arming.handler(key) { _ in })  // the new session re-arms
        oldHandler(WatchEvent(type: .sessionEnded(.expired), path: "/brokers/ids"))
        #expect(arming.isArmed(key))
        #expect(arming.handler(key) { _ in } == nil)
    }

    /// An event that armed a watch and then failed (the read may be what failed) leaves the key unarmed, so the
    /// next read sets the watch; an arming made by an earlier, successful event stays.
    @Test func failedEvent_forgetsItsArmings_only() throws {
        let arming = WatchArming()
        let earlier = "exists:/admin/preferred_replica_election"
        arming.beginEvent()
        _ = try #require(arming.handler(earlier) { _ in })
        arming.beginEvent()
        _ = try #require(arming.handler(key) { _ in })
        arming.disarmFailedEvent()
        #expect(!arming.isArmed(key))
        #expect(arming.isArmed(earlier))
        #expect(arming.handler(key) { _ in } != nil)
    }
}
