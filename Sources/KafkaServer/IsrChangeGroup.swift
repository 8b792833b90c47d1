import Synchronization

/// Who waits for one queued ISR change of an ``IsrChangeManager``: a single submitter's continuation, or one
/// change of a pass submitted together (``IsrChangeGroup``).
enum IsrChangeWaiter: Sendable {
    case one(CheckedContinuation<Int32?, Never>)
    case member(IsrChangeGroup, Int)

    /// Hands over the change's outcome: the new version, or nil when not applied.
    func resume(_ version: Int32?) {
        switch self {
        case .one(let continuation): continuation.resume(returning: version)
        case .member(let group, let index): group.answer(index, version)
        }
    }
}

/// The changes of one `writeLeaderAndIsr(_:eachAnswered:)` call: reports each outcome as it comes and resumes
/// the caller once all are in. One object for the pass instead of a suspended task per change (issue 14).
final class IsrChangeGroup: Sendable {
    private let eachAnswered: @Sendable (Int, Result<Int32?, any Error>) -> Void
    private let remaining: Mutex<(count: Int, done: CheckedContinuation<Void, Never>?)>

    init(
        count: Int, eachAnswered: @escaping @Sendable (Int, Result<Int32?, any Error>) -> Void,
        done: CheckedContinuation<Void, Never>
    ) {
        self.eachAnswered = eachAnswered
        remaining = Mutex((count, done))
    }

    func answer(_ index: Int, _ version: Int32?) {
        eachAnswered(index, .success(version))
        let done: CheckedContinuation<Void, Never>? = remaining.withLock { state in
            state.count -= 1
            guard state.count == 0 else { return nil }
            defer { state.done = nil }
            return state.done
        }
        done?.resume()
    }
}
