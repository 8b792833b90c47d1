import Dispatch
import Foundation
import KafkaController
import KafkaModel
import Testing

/// Records what it processes; can block on chosen events, throw on others, and advance a manual clock.
final class RecordingProcessor: ControllerEventProcessor, @unchecked Sendable {
    struct Failure: Error {}

    private let lock = NSLock()
    private var processedNames: [String] = []
    private var processedBrokerIDs: [BrokerID] = []
    private var threadIdentities: Set<ObjectIdentifier> = []
    private var onEventThread: [Bool] = []
    weak var manager: ControllerEventManager?
    private var preemptedNames: [String] = []
    let gate = DispatchSemaphore(value: 0)
    var blockOn: Set<String> = []
    var throwOn: Set<String> = []
    var clock: ManualControllerClock?
    var processingMilliseconds: [String: UInt64] = [:]

    func process(_ event: ControllerEvent) throws {
        lock.withLock {
            processedNames.append(event.name)
            if case .brokerModifications(let id) = event { processedBrokerIDs.append(id) }
            threadIdentities.insert(ObjectIdentifier(Thread.current))
            onEventThread.append(manager?.isCurrentThreadEventThread ?? false)
        }
        if let ms = processingMilliseconds[event.name] { clock?.advance(milliseconds: ms) }
        if blockOn.contains(event.name) { gate.wait() }
        if throwOn.contains(event.name) { throw Failure() }
    }

    func preempt(_ event: ControllerEvent) {
        lock.withLock { preemptedNames.append(event.name) }
        event.preemptReply()
    }

    var processed: [String] { lock.withLock { processedNames } }
    var brokerIDs: [BrokerID] { lock.withLock { processedBrokerIDs } }
    var threads: Set<ObjectIdentifier> { lock.withLock { threadIdentities } }
    var allOnEventThread: Bool { lock.withLock { onEventThread.allSatisfy { $0 } } }
    var preempted: [String] { lock.withLock { preemptedNames } }
}

/// Collects reply-closure answers across threads.
final class ReplyBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Value] = []
    func append(_ value: Value) { lock.withLock { stored.append(value) } }
    var values: [Value] { lock.withLock { stored } }
}

@Suite(.tags(.unit), .timeLimit(.minutes(1))) struct ControllerEventManagerTests {
    @Test func put_concurrentProducers_processedInPerProducerFIFOOrderOnTheEventThread() throws {
        let processor = RecordingProcessor()
        let manager = ControllerEventManager(processor: processor)
        processor.manager = manager
        manager.start()
        let producers = 8
        let perProducer = 250
        DispatchQueue.concurrentPerform(iterations: producers) { producer in
            for i in 0..<perProducer {
                manager.put(.brokerModifications(brokerID: BrokerID(producer * 10_000 + i)))
            }
        }
        let sentinel = manager.put(.topicChange)
        #expect(sentinel.awaitProcessing(timeout: .seconds(30)))
        manager.close()
        let ids = processor.brokerIDs
        #expect(ids.count == producers * perProducer)
        for producer in 0..<producers {
            let mine = ids.filter { $0 / 10_000 == producer }
            #expect(mine == (0..<perProducer).map { BrokerID(producer * 10_000 + $0) })
        }
        #expect(processor.processed.last == "TopicChange")
        #expect(processor.threads.count == 1)
        #expect(processor.allOnEventThread)
        #expect(!manager.isCurrentThreadEventThread)
    }

    @Test func clearAndPut_preemptsDrainedEventsOnCallerThread_thenProcessesNewEvent() throws {
        let processor = RecordingProcessor()
        processor.blockOn = ["BrokerChange"]
        let manager = ControllerEventManager(processor: processor)
        manager.start()
        let blocking = manager.put(.brokerChange)
        #expect(blocking.awaitProcessing(timeout: .seconds(10)))

        let shutdownReplies = ReplyBox<Result<Set<TopicPartition>, ControllerError>>()
        let electionReplies = ReplyBox<[TopicPartition: Result<BrokerID, ControllerError>]>()
        let partition = tp("t", 0)
        let drained1 = manager.put(.controlledShutdown(brokerID: 2, brokerEpoch: 7) { shutdownReplies.append($0) })
        let drained2 = manager.put(
            .replicaLeaderElection(partitions: [partition], electionType: .preferred, trigger: .adminClientTriggered) {
                electionReplies.append($0)
            })
        manager.put(.topicChange)
        #expect(manager.queueSize == 3)

        let expire = manager.clearAndPut(.expire)
        // Preemption ran synchronously on this thread, before clearAndPut returned.
        #expect(shutdownReplies.values.count == 1)
        if case .failure(let error) = shutdownReplies.values.first {
            #expect(error.code == .controllerMoved)
        } else {
            Issue.record("the preempted controlled shutdown was answered \(String(describing: shutdownReplies.values.first)), not CONTROLLER_MOVED")
        }
        let electionAnswer = try #require(electionReplies.values.first?[partition])
        if case .failure(let error) = electionAnswer {
            #expect(error.code == .notController)
        } else {
            Issue.record("expected a NOT_CONTROLLER failure")
        }
        #expect(drained1.isSpent && drained2.isSpent)
        #expect(processor.preempted == ["ControlledShutdown", "ReplicaLeaderElection", "TopicChange"])

        processor.gate.signal()
        #expect(expire.awaitProcessing(timeout: .seconds(10)))
        manager.close()
        #expect(processor.processed == ["BrokerChange", "Expire"])
        #expect(manager.eventStatistics.preemptedEvents >= 3)
    }

    @Test func process_throwingProcessor_errorIsCaughtAndThreadContinues() throws {
        let processor = RecordingProcessor()
        processor.throwOn = ["TopicChange"]
        let sink = InMemoryControllerTraceSink()
        let manager = ControllerEventManager(processor: processor, traceSink: sink)
        manager.start()
        manager.put(.topicChange)
        manager.put(.topicChange)
        let last = manager.put(.isrChangeNotification)
        #expect(last.awaitProcessing(timeout: .seconds(10)))
        manager.close()
        #expect(processor.processed == ["TopicChange", "TopicChange", "IsrChangeNotification"])
        let stats = manager.eventStatistics
        #expect(stats[.topicChange].count == 2)
        #expect(stats[.topicChange].failures == 2)
        #expect(stats[.isrChange].count == 1)
        #expect(sink.events.map(\.outcome) == [.failed, .failed, .processed])
    }

    @Test func statistics_manualClock_recordQueueWaitAndPerStateProcessingTime() throws {
        let clock = ManualControllerClock()
        let processor = RecordingProcessor()
        processor.clock = clock
        processor.processingMilliseconds = ["BrokerChange": 5, "TopicChange": 2]
        let sink = InMemoryControllerTraceSink()
        let manager = ControllerEventManager(processor: processor, clock: clock, traceSink: sink)
        manager.put(.brokerChange)
        let second = manager.put(.topicChange)
        clock.advance(milliseconds: 10)
        manager.start()
        #expect(second.awaitProcessing(timeout: .seconds(10)))
        manager.close()

        let stats = manager.eventStatistics
        #expect(stats.recentQueueWaitNanoseconds == [10_000_000, 15_000_000])
        #expect(stats.maxQueueWaitNanoseconds == 15_000_000)
        #expect(stats[.brokerChange].count == 1)
        #expect(stats[.brokerChange].totalProcessingNanoseconds == 5_000_000)
        #expect(stats[.topicChange].maxProcessingNanoseconds == 2_000_000)
        #expect(stats[.idle].count == 0)
        #expect(stats.processedEvents == 2)
        #expect(sink.events.map(\.type) == ["BrokerChange", "TopicChange"])
        #expect(sink.events.map(\.queueWaitMs) == [10, 15])
        #expect(sink.events.map(\.processingMs) == [5, 2])
        #expect(sink.events.map(\.state) == ["BrokerChange", "TopicChange"])
    }

    @Test func state_duringProcessing_isTheEventsStateThenIdle() throws {
        let processor = RecordingProcessor()
        processor.blockOn = ["ControlledShutdown"]
        let manager = ControllerEventManager(processor: processor)
        #expect(manager.state == .idle)
        manager.start()
        let event = manager.put(.controlledShutdown(brokerID: 1, brokerEpoch: 1) { _ in })
        #expect(event.awaitProcessing(timeout: .seconds(10)))
        #expect(manager.state == .controlledShutdown)
        processor.gate.signal()
        manager.close()
        #expect(manager.state == .idle)
    }

    @Test func close_isIdempotent_stopsThread_andPreemptsLaterPuts() throws {
        let processor = RecordingProcessor()
        let manager = ControllerEventManager(processor: processor)
        manager.start()
        #expect(manager.isRunning)
        manager.close()
        #expect(!manager.isRunning)
        manager.close()
        let replies = ReplyBox<Result<Set<TopicPartition>, ControllerError>>()
        let late = manager.put(.controlledShutdown(brokerID: 1, brokerEpoch: 1) { replies.append($0) })
        #expect(late.isSpent)
        #expect(replies.values.count == 1)
        #expect(processor.processed.isEmpty)
    }

    @Test func close_withoutStart_preemptsQueuedEvents() {
        let processor = RecordingProcessor()
        let manager = ControllerEventManager(processor: processor)
        manager.put(.brokerChange)
        manager.close()
        manager.close()
        #expect(processor.preempted == ["BrokerChange"])
        #expect(!manager.isRunning)
    }

    @Test func queuedEvent_processOrPreempt_runsExactlyOnce() throws {
        let processor = RecordingProcessor()
        let queue = ControllerEventQueue { _ in }
        let queued = queue.put(.topicChange)
        #expect(try queued.process(with: processor))
        #expect(!queued.preempt(with: processor))
        #expect(try !queued.process(with: processor))
        #expect(processor.processed == ["TopicChange"])
        #expect(processor.preempted.isEmpty)
        #expect(queued.hasStartedProcessing)
    }

    @Test func queue_takeAndPoll_areFIFO() {
        let queue = ControllerEventQueue { _ in }
        queue.put(.brokerChange)
        queue.put(.topicChange)
        #expect(queue.count == 2)
        #expect(queue.take().event.name == "BrokerChange")
        #expect(queue.poll(timeout: .milliseconds(10))?.event.name == "TopicChange")
        #expect(queue.poll(timeout: .milliseconds(10)) == nil)
    }
}
