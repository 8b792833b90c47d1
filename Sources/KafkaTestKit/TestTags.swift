import Foundation
import LocalCluster
import Testing

/// How much a suite needs, so a run can pick: `swift test --filter` by name, or by tag in Xcode and
/// `swift test --skip-build` with Swift Testing's tag filters.
extension Tag {
    /// Pure values and in-process I/O only; fast, runs anywhere.
    @Tag public static var unit: Self
    /// Starts a real ZooKeeper ensemble (`@Suite(.ensemble)`).
    @Tag public static var ensemble: Self
    /// Starts real broker processes (`@Suite(.cluster)`, LocalCluster, `zkafka` subprocesses).
    @Tag public static var cluster: Self
}

/// Whether this machine can start a ZooKeeper server, for `.enabled(if: ZooKeeperAvailability.isInstalled)`:
/// without Debian's `zookeeper` package (and a JRE) such suites are skipped, with the reason shown.
public enum ZooKeeperAvailability {
    public static var isInstalled: Bool { LocalCluster.zooKeeperMissingReason() == nil }
}

extension Trait where Self == ConditionTrait {
    /// Skips the suite (saying why) when ZooKeeper or Java is not installed.
    public static var requiresZooKeeper: Self {
        .enabled("needs Debian's zookeeper package and a JRE") { ZooKeeperAvailability.isInstalled }
    }
}
