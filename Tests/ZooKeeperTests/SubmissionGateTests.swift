import CZooKeeper
import Testing
@testable import ZooKeeper

/// Which handle states let a request reach the C client (see `SubmissionGate` for the C bug it avoids).
@Suite(.tags(.unit)) struct SubmissionGateTests {
    @Test func stateConstants_matchTheCClient() {
        #expect(SubmissionGate.connectedState == ZOO_CONNECTED_STATE)
        #expect(SubmissionGate.readOnlyState == ZOO_READONLY_STATE)
        #expect(SubmissionGate.expiredState == ZOO_EXPIRED_SESSION_STATE)
        #expect(SubmissionGate.authFailedState == ZOO_AUTH_FAILED_STATE)
    }

    @Test func expiredOrAuthFailedHandle_refusesEveryRequest() {
        for onlyWhenConnected in [false, true] {
            #expect(SubmissionGate.refusal(cState: ZOO_EXPIRED_SESSION_STATE, onlyWhenConnected: onlyWhenConnected) == .sessionExpired)
            #expect(SubmissionGate.refusal(cState: ZOO_AUTH_FAILED_STATE, onlyWhenConnected: onlyWhenConnected) == .authFailed)
        }
    }

    @Test func multi_goesOnlyOnAConnectedSession() {
        #expect(SubmissionGate.refusal(cState: ZOO_CONNECTED_STATE, onlyWhenConnected: true) == nil)
        #expect(SubmissionGate.refusal(cState: ZOO_READONLY_STATE, onlyWhenConnected: true) == nil)
        for state in [ZOO_CONNECTING_STATE, ZOO_ASSOCIATING_STATE, ZOO_NOTCONNECTED_STATE, 0] {
            #expect(SubmissionGate.refusal(cState: state, onlyWhenConnected: true) == .connectionLoss)
            // Other requests are queued by the C client until it reconnects.
            #expect(SubmissionGate.refusal(cState: state, onlyWhenConnected: false) == nil)
        }
    }
}
