import Foundation
import LocalCluster

/// The one way tests wait: for a state, never for a length of time. A condition is looked at every
/// `every` until it holds; after `timeout` the test fails with `PollTimeout`, naming what it waited
/// for and the last error the condition threw (a broker that is briefly unreachable while the
/// cluster settles is retried, not fatal). The timeout only bounds a failing test: generous values
/// cost nothing when the state arrives. `what` is evaluated only on timeout, so it may interpolate the
/// state as it was last seen ("consumed \(records.count) of 600").
public struct PollTimeout: Error, CustomStringConvertible {
    public let what: String
    public let timeout: Duration
    public let lastError: (any Error)?
    public let detail: String

    public var description: String {
        var text = "timed out after \(timeout) waiting for \(what)"
        if let lastError { text += "; last error: \(lastError)" }
        if !detail.isEmpty { text += "; last seen: \(detail)" }
        return text
    }
}

/// Waits until `condition` holds.
public func pollUntil(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(50),
    detail: () -> String = { "" }, isolation: isolated (any Actor)? = #isolation,
    _ condition: () async throws -> Bool
) async throws {
    _ = try await poll(what(), timeout: timeout, every: interval, detail: detail) { try await condition() ? () : nil }
}

/// Waits until `produce` returns a value, and returns it.
public func poll<T>(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(50),
    detail: () -> String = { "" }, isolation: isolated (any Actor)? = #isolation,
    _ produce: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while true {
        do {
            if let value = try await produce() { return value }
            lastError = nil
        } catch {
            lastError = error
        }
        guard ContinuousClock.now < deadline else {
            throw PollTimeout(what: what(), timeout: timeout, lastError: lastError, detail: detail())
        }
        try await Task.sleep(for: interval)
    }
}

/// `pollUntil` for synchronous tests and helpers (it blocks the calling thread between looks).
public func pollUntilBlocking(
    _ what: @autoclosure () -> String, timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(50),
    detail: () -> String = { "" }, _ condition: () throws -> Bool
) throws {
    let deadline = ContinuousClock.now + timeout
    var lastError: (any Error)?
    while true {
        do {
            if try condition() { return }
            lastError = nil
        } catch {
            lastError = error
        }
        guard ContinuousClock.now < deadline else {
            throw PollTimeout(what: what(), timeout: timeout, lastError: lastError, detail: detail())
        }
        Thread.sleep(forTimeInterval: Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18)
    }
}

/// Polls a local cluster's `status()` until `condition` holds; returns the last status either way (callers
/// assert on it, which names what was wrong).
public func waitForStatus(
    _ cluster: LocalCluster, timeout: Duration = .seconds(30), until condition: (ClusterStatus) -> Bool
) throws -> ClusterStatus {
    var status = try cluster.status()
    try? pollUntilBlocking("the cluster status", timeout: timeout, every: .milliseconds(200)) {
        status = try cluster.status()
        return condition(status)
    }
    return status
}
