/// What the event thread hands each event to: the controller proper (Kafka's `ControllerEventProcessor`,
/// implemented there by `KafkaController`).
///
/// Threading contract: ``process(_:)`` is only ever called on the controller event thread, one event at a
/// time, so an implementation may keep all of its state unsynchronised as long as only `process` touches it.
/// ``preempt(_:)`` runs on whichever thread called ``ControllerEventQueue/clearAndPut(_:)`` (or `put` after
/// close) and must not touch controller state — it only answers reply closures.
public protocol ControllerEventProcessor: AnyObject, Sendable {
    /// Handles one event on the event thread. A thrown error is caught, logged and counted by the
    /// ``ControllerEventManager``; the thread carries on with the next event.
    func process(_ event: ControllerEvent) throws

    /// Answers an event that was drained before it could be processed. Exactly one of `process` and
    /// `preempt` runs for every queued event.
    func preempt(_ event: ControllerEvent)
}

extension ControllerEventProcessor {
    /// Default: answer the event's reply closure with a "not the controller" failure.
    public func preempt(_ event: ControllerEvent) { event.preemptReply() }
}
