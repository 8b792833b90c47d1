internal import CZooKeeper
import Synchronization

/// A znode's data and stat, as one read of a pipelined batch answers it.
public typealias ZNodeRead = Result<(data: [UInt8]?, stat: ZNodeStat), ZooKeeperError>

extension ZooKeeperClient {
    /// Reads many znodes with up to `window` requests in flight (default
    /// ``ZooKeeperConfiguration/bulkInFlightRequests``), and calls `completion` once, on the C client's
    /// completion thread, with every answer in the order of `paths`.
    ///
    /// Each read's completion callback issues the next queued read itself, so the pipeline is refilled without a
    /// task, a continuation or a hop through Swift's cooperative pool per read (issue 14: on two cores a broker's
    /// own request handling holds that pool while its controller loads 100,000 partition states). No watches.
    /// The batch keeps a window of its own beside the session's (``InFlightWindow``), like ``withBulkWindow(_:)``
    /// work. `completion` must not block: it runs where the C client delivers every answer of the session.
    public func getDataPipelined(
        _ paths: [String], window: Int? = nil, completion: @escaping @Sendable ([ZNodeRead]) -> Void
    ) {
        let batch = PipelinedGetData(
            paths: paths, handle: handle, window: max(1, window ?? configuration.bulkInFlightRequests), completion: completion)
        batch.start()
    }

    /// ``getDataPipelined(_:window:completion:)`` for async callers.
    public func getDataPipelined(_ paths: [String], window: Int? = nil) async -> [ZNodeRead] {
        await withCheckedContinuation { continuation in
            getDataPipelined(paths, window: window) { continuation.resume(returning: $0) }
        }
    }
}

/// One pipelined batch of `zoo_aget` calls. The submitting thread issues the first `window` reads; every
/// completion stores its answer and issues the next one (from the C completion thread, which may call the C
/// client's asynchronous functions: it only queues the request for the I/O thread). Reads refused at once
/// (the session is closing) are answered in the same loop, not by recursion.
final class PipelinedGetData: @unchecked Sendable {
    private struct State {
        var next = 0
        var completed = 0
        var results: [ZNodeRead?]
    }

    /// One read's context pointer: the batch and the index of its path.
    final class Slot {
        let batch: PipelinedGetData
        let index: Int
        init(batch: PipelinedGetData, index: Int) {
            self.batch = batch
            self.index = index
        }
    }

    let paths: [String]
    let handle: ZooKeeperHandle
    let window: Int
    private let completion: @Sendable ([ZNodeRead]) -> Void
    private let state: Mutex<State>

    init(paths: [String], handle: ZooKeeperHandle, window: Int, completion: @escaping @Sendable ([ZNodeRead]) -> Void) {
        self.paths = paths
        self.handle = handle
        self.window = window
        self.completion = completion
        self.state = Mutex(State(results: Array(repeating: nil, count: paths.count)))
    }

    func start() {
        guard !paths.isEmpty else {
            completion([])
            return
        }
        for _ in 0..<min(window, paths.count) { issueNext() }
    }

    /// Issues the next unissued read, if any; a read refused at once is answered and the next one tried.
    private func issueNext() {
        while true {
            let index = state.withLock { state -> Int? in
                guard state.next < paths.count else { return nil }
                defer { state.next += 1 }
                return state.next
            }
            guard let index else { return }
            let context = Unmanaged.passRetained(Slot(batch: self, index: index)).toOpaque()
            let path = paths[index]
            let rc = handle.withHandle { zh in
                zoo_aget(
                    zh, path, 0,
                    { rc, value, length, stat, context in
                        guard let context else { return }
                        let slot = Unmanaged<PipelinedGetData.Slot>.fromOpaque(context).takeRetainedValue()
                        let answer: ZNodeRead =
                            rc == 0
                            ? .success((copyBytes(value, length), ZNodeStat(stat)))
                            : .failure(ZooKeeperError(code: .init(rawValue: rc), operation: .getData, path: slot.batch.paths[slot.index]))
                        slot.batch.answer(slot.index, answer, issueNext: true)
                    }, context)
            } ?? ZooKeeperError.Code.closing.rawValue
            if rc == 0 { return }
            Unmanaged<Slot>.fromOpaque(context).release()
            answer(index, .failure(ZooKeeperError(code: .init(rawValue: rc), operation: .getData, path: path)), issueNext: false)
        }
    }

    private func answer(_ index: Int, _ result: ZNodeRead, issueNext: Bool) {
        let finished = state.withLock { state -> [ZNodeRead]? in
            state.results[index] = result
            state.completed += 1
            guard state.completed == paths.count else { return nil }
            return state.results.map { $0! }
        }
        if let finished {
            completion(finished)
        } else if issueNext {
            self.issueNext()
        }
    }
}
