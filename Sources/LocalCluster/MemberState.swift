/// What `cluster.json` records about a member's process: the launcher's intent, kept current by
/// `kill` and `start`. `ClusterStatus` checks it against the live process.
public enum MemberState: String, Codable, Sendable {
    /// Started and not signalled since; `pid` is set.
    case running
    /// Sent SIGSTOP; `pid` is set and the process still holds its ports.
    case paused
    /// Killed, terminated or never started; `pid` is null.
    case stopped
}
