import NIOConcurrencyHelpers

/// Thread-safe counters behind ``SocketServerMetrics`` that processors update.
final class NetworkMetricsRecorder: Sendable {
    private let state = NIOLockedValueBox(SocketServerMetrics())

    func connectionOpened() {
        state.withLockedValue {
            $0.connectionsAccepted += 1
            $0.connectionsOpen += 1
        }
    }

    func connectionClosed(_ reason: ConnectionCloseReason) {
        state.withLockedValue {
            $0.connectionsOpen -= 1
            $0.connectionsClosed[reason, default: 0] += 1
        }
    }

    func requestReceived(bytes: Int) {
        state.withLockedValue {
            $0.requestsReceived += 1
            $0.bytesIn += bytes
        }
    }

    func responseSent(bytes: Int) {
        state.withLockedValue {
            $0.responsesSent += 1
            $0.bytesOut += bytes
        }
    }

    func requestWithoutResponse() {
        state.withLockedValue { $0.requestsWithoutResponse += 1 }
    }

    var snapshot: SocketServerMetrics { state.withLockedValue { $0 } }
}
