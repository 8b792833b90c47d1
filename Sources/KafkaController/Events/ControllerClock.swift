import Foundation

/// Where the controller reads time: injected so tests can drive queue-wait and processing-time
/// measurements without sleeping (Kafka's `Time`, `MockTime` in tests).
public protocol ControllerClock: Sendable {
    /// A monotonic reading in nanoseconds, for durations only.
    func nanoseconds() -> UInt64
    /// Milliseconds since the Unix epoch, for timestamps in logs and traces.
    func wallClockMilliseconds() -> Int64
}

/// The real clock: `DispatchTime` for durations, `Date` for timestamps.
public struct SystemControllerClock: ControllerClock {
    public init() {}
    public func nanoseconds() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
    public func wallClockMilliseconds() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// A clock that only moves when told to: for tests (Kafka's `MockTime`). Thread-safe.
public final class ManualControllerClock: ControllerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var now: UInt64
    private let wallClockOrigin: Int64

    /// - Parameters:
    ///   - nanoseconds: the initial monotonic reading.
    ///   - wallClockOriginMilliseconds: the wall-clock reading that corresponds to a monotonic reading of 0.
    public init(nanoseconds: UInt64 = 0, wallClockOriginMilliseconds: Int64 = 1_700_000_000_000) {
        self.now = nanoseconds
        self.wallClockOrigin = wallClockOriginMilliseconds
    }

    public func nanoseconds() -> UInt64 { lock.withLock { now } }

    public func wallClockMilliseconds() -> Int64 {
        lock.withLock { wallClockOrigin + Int64(now / 1_000_000) }
    }

    /// Moves the clock forward.
    public func advance(nanoseconds: UInt64) { lock.withLock { now += nanoseconds } }

    /// Moves the clock forward by whole milliseconds.
    public func advance(milliseconds: UInt64) { advance(nanoseconds: milliseconds * 1_000_000) }
}
