/// Decides, from the C client's handle state (`zoo_state`), whether a request may be handed to the
/// C client at all. Pure; called under the handle's lock just before the `zoo_a*` call.
///
/// Why: libzookeeper-mt 3.8's `zoo_amulti` mishandles an op whose request init fails (the handle is
/// already expired, `is_unrecoverable`): for every later op it skips the init but still calls
/// `free_duplicate_path(req.path, ...)` on the *uninitialized* stack `req`, whose leftover is usually
/// the previous op's path pointer. It so frees memory it does not own, twice for three ops or more
/// (with a chroot, even the first op's path is freed twice): "free(): double free detected in
/// tcache 2". The C client marks the session expired on its I/O thread as soon as the reconnect
/// reply says so, before the Swift side hears of it, so a broker writing a multi right then crashed.
///
/// The handle state only turns expired while the C client is (re)associating, never straight out of
/// `connected`, so a multi is only sent on a connected session; anything else is refused with
/// `connectionLoss` (retriable, and what the C client answers queued requests with when a connection
/// attempt fails). Every request on an expired or auth-failed handle is refused with that state's
/// code (the C client would answer `ZINVALIDSTATE`).
enum SubmissionGate {
    /// The C client's `ZOO_*_STATE` values (fixed in its `zookeeper.c`).
    static let connectedState: Int32 = 3
    static let readOnlyState: Int32 = 5
    static let expiredState: Int32 = -112
    static let authFailedState: Int32 = -113

    /// Nil if the request may go; otherwise the code to refuse it with.
    static func refusal(cState: Int32, onlyWhenConnected: Bool) -> ZooKeeperError.Code? {
        switch cState {
        case expiredState: return .sessionExpired
        case authFailedState: return .authFailed
        case let state where state < 0: return .invalidState
        case connectedState, readOnlyState: return nil
        default: return onlyWhenConnected ? .connectionLoss : nil
        }
    }
}
