import CZooKeeper
import Testing
@testable import ZooKeeper

/// The Swift mirrors of the C client's constants must equal them: these tests read the C values.
@Suite(.tags(.unit)) struct CodeMappingTests {
    @Test func errorCodes_matchTheCClient() {
        let pairs: [(ZooKeeperError.Code, ZOO_ERRORS, String)] = [
            (.systemError, ZSYSTEMERROR, "SYSTEMERROR"), (.connectionLoss, ZCONNECTIONLOSS, "CONNECTIONLOSS"),
            (.operationTimeout, ZOPERATIONTIMEOUT, "OPERATIONTIMEOUT"), (.invalidState, ZINVALIDSTATE, "INVALIDSTATE"),
            (.noNode, ZNONODE, "NONODE"), (.noAuth, ZNOAUTH, "NOAUTH"), (.badVersion, ZBADVERSION, "BADVERSION"),
            (.nodeExists, ZNODEEXISTS, "NODEEXISTS"), (.notEmpty, ZNOTEMPTY, "NOTEMPTY"),
            (.sessionExpired, ZSESSIONEXPIRED, "SESSIONEXPIRED"), (.invalidACL, ZINVALIDACL, "INVALIDACL"),
            (.authFailed, ZAUTHFAILED, "AUTHFAILED"), (.closing, ZCLOSING, "CLOSING"),
            (.runtimeInconsistency, ZRUNTIMEINCONSISTENCY, "RUNTIMEINCONSISTENCY"),
            (.noChildrenForEphemerals, ZNOCHILDRENFOREPHEMERALS, "NOCHILDRENFOREPHEMERALS"),
            (.sessionMoved, ZSESSIONMOVED, "SESSIONMOVED"), (.throttledOperation, ZTHROTTLEDOP, "THROTTLEDOP"),
        ]
        for (code, cCode, name) in pairs {
            #expect(code.rawValue == cCode.rawValue, "\(name)")
            #expect(code.name == name)
        }
        #expect(ZooKeeperError.Code(rawValue: -999).name == "UNKNOWN(-999)")
    }

    @Test func retriableAndFatalClassification() {
        #expect(ZooKeeperError.Code.connectionLoss.isRetriable)
        #expect(!ZooKeeperError.Code.noNode.isRetriable)
        #expect(ZooKeeperError.Code.sessionExpired.isSessionFatal)
        #expect(!ZooKeeperError.Code.connectionLoss.isSessionFatal)
    }

    @Test func errorDescription_namesOperationPathAndCode() {
        let error = ZooKeeperError(code: .badVersion, operation: .setData, path: "/controller_epoch")
        #expect(error.description == "ZooKeeper setData /controller_epoch failed: BADVERSION")
    }

    @Test func sessionStates_matchTheCClient() {
        #expect(SessionState(cState: ZOO_CONNECTED_STATE) == .connected)
        #expect(SessionState(cState: ZOO_CONNECTING_STATE) == .connecting)
        #expect(SessionState(cState: ZOO_ASSOCIATING_STATE) == .associating)
        #expect(SessionState(cState: ZOO_READONLY_STATE) == .connectedReadOnly)
        #expect(SessionState(cState: ZOO_EXPIRED_SESSION_STATE) == .expired)
        #expect(SessionState(cState: ZOO_AUTH_FAILED_STATE) == .authFailed)
        #expect(SessionState(cState: ZOO_NOTCONNECTED_STATE) == .connecting)
    }

    @Test func watchEventTypes_matchTheCClient() {
        #expect(WatchKind.eventType(cType: ZOO_CREATED_EVENT) == .nodeCreated)
        #expect(WatchKind.eventType(cType: ZOO_DELETED_EVENT) == .nodeDeleted)
        #expect(WatchKind.eventType(cType: ZOO_CHANGED_EVENT) == .nodeDataChanged)
        #expect(WatchKind.eventType(cType: ZOO_CHILD_EVENT) == .nodeChildrenChanged)
        #expect(WatchKind.eventType(cType: ZOO_SESSION_EVENT) == nil)
        #expect(WatchKind.eventType(cType: ZOO_NOTWATCHING_EVENT) == nil)
    }

    @Test func createModesAndPermissions_matchTheCClient() {
        #expect(CreateMode.persistent.rawValue == ZOO_PERSISTENT)
        #expect(CreateMode.ephemeral.rawValue == ZOO_EPHEMERAL)
        #expect(CreateMode.persistentSequential.rawValue == ZOO_PERSISTENT_SEQUENTIAL)
        #expect(CreateMode.ephemeralSequential.rawValue == ZOO_EPHEMERAL_SEQUENTIAL)
        #expect(ACL.Permissions.all.rawValue == ZOO_PERM_ALL)
        #expect(ACL.Permissions.read.rawValue == ZOO_PERM_READ)
        #expect(ACL.Permissions.admin.rawValue == ZOO_PERM_ADMIN)
    }

    @Test func digestACL_matchesZooKeepersDigestProvider() {
        // base64(sha1("bob:secret")), as DigestAuthenticationProvider.generateDigest computes it.
        #expect(ACL.digest(user: "bob", password: "secret").id == "bob:fyVmFCwVbTJYrznoSu1koqYEYF0=")
        let empty = hex(SHA1.hash([]))
        #expect(empty == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        let thousandAs = hex(SHA1.hash(Array(repeating: UInt8(ascii: "a"), count: 1000)))
        #expect(thousandAs == "291e9a6c66994949b57ba5e650361e98fc36b1ba")
        #expect(Base64.encode(Array("ab".utf8)) == "YWI=")
        #expect(Base64.encode(Array("abc".utf8)) == "YWJj")
        #expect(Base64.encode(Array("a".utf8)) == "YQ==")
    }
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { byte -> String in
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }.joined()
}
