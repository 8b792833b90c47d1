import KafkaController

/// Holds what it is sent, as the shell does while an event holds its requests, and records each batch let out by
/// ``sendHeldBatches()`` together with what `snapshot` returned at that moment (e.g. the partitions written so far).
final class HoldingRequestSender<Snapshot>: ControllerRequestSender {
    struct Batch {
        var requests: [ControllerBrokerRequest]
        var snapshot: Snapshot
    }

    private(set) var held: [ControllerBrokerRequest] = []
    private(set) var batches: [Batch] = []
    let snapshot: () -> Snapshot

    init(snapshot: @escaping () -> Snapshot) {
        self.snapshot = snapshot
    }

    func send(_ requests: [ControllerBrokerRequest]) { held += requests }

    func sendHeldBatches() {
        guard !held.isEmpty else { return }
        batches.append(Batch(requests: ControllerBrokerRequest.coalesced(held), snapshot: snapshot()))
        held = []
    }

    /// Every request, let out or still held, in order.
    var all: [ControllerBrokerRequest] { batches.flatMap(\.requests) + held }
}
