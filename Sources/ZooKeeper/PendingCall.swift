internal import CZooKeeper
import Glibc

/// What a completed C call produced, already copied out of the C client's buffers (which are only
/// valid during the callback).
enum CallOutcome: Sendable {
    case none
    case string(String)
    case data([UInt8]?, ZNodeStat)
    case stat(ZNodeStat)
    case children([String], ZNodeStat)
    case acl([ACL], ZNodeStat)
    case multi([ZooKeeperOperationResult])
}

/// The context of one asynchronous C call: passed to `zoo_a*` as its `data` pointer with a +1 retain,
/// which the completion takes back exactly once (or the submitter, if the call was refused).
///
/// Threading: created on the caller's task; completed on the C client's completion thread (or on the
/// thread running `zookeeper_close`, which answers pending calls with `ZCLOSING`). It only copies
/// values, returns the in-flight slot and resumes the continuation: it never calls back into the C
/// client, which would deadlock its completion thread.
final class PendingCall: @unchecked Sendable {
    let continuation: CheckedContinuation<CallOutcome, any Error>
    let operation: ZooKeeperError.Operation
    let path: String?
    let window: InFlightWindow
    /// C memory a multi's results are written into; freed when the call is.
    var multiStorage: MultiOperationStorage?

    init(
        continuation: CheckedContinuation<CallOutcome, any Error>, operation: ZooKeeperError.Operation,
        path: String?, window: InFlightWindow
    ) {
        self.continuation = continuation
        self.operation = operation
        self.path = path
        self.window = window
    }

    /// Takes back the retain passed to C and finishes the call with `rc` and, on success, `outcome()`.
    static func complete(_ context: UnsafeRawPointer?, _ rc: Int32, _ outcome: (PendingCall) -> CallOutcome) {
        guard let context else { return }
        let call = Unmanaged<PendingCall>.fromOpaque(context).takeRetainedValue()
        call.window.release()
        if rc == 0 {
            call.continuation.resume(returning: outcome(call))
        } else if call.operation == .multi, let storage = call.multiStorage, rc != ZooKeeperError.Code.closing.rawValue,
            rc != ZooKeeperError.Code.connectionLoss.rawValue, rc != ZooKeeperError.Code.sessionExpired.rawValue
        {
            // An op failed: report every op's result, naming the first failing op's path.
            let results = storage.results(failed: true)
            let failing = results.firstIndex { if case .failed(let code) = $0 { code.rawValue == rc } else { false } }
            call.continuation.resume(
                throwing: ZooKeeperError(
                    code: .init(rawValue: rc), operation: .multi, path: failing.map { storage.paths[$0] },
                    multiResults: results))
        } else {
            call.continuation.resume(
                throwing: ZooKeeperError(code: .init(rawValue: rc), operation: call.operation, path: call.path))
        }
    }
}

// MARK: - Copying C values into Swift

extension ZNodeStat {
    init(_ pointer: UnsafePointer<Stat>?) {
        if let pointer { self.init(pointer.pointee) } else { self.init() }
    }
}

func copyBytes(_ value: UnsafePointer<CChar>?, _ length: Int32) -> [UInt8]? {
    guard let value, length >= 0 else { return nil }
    return value.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
        Array(UnsafeBufferPointer(start: $0, count: Int(length)))
    }
}

func copyStrings(_ vector: UnsafePointer<String_vector>?) -> [String] {
    guard let vector, let data = vector.pointee.data else { return [] }
    return (0..<Int(vector.pointee.count)).compactMap { data[$0].map { String(cString: $0) } }
}

func copyACLs(_ vector: UnsafePointer<ACL_vector>?) -> [ACL] {
    guard let vector, let data = vector.pointee.data else { return [] }
    return (0..<Int(vector.pointee.count)).map { index in
        let entry = data[index]
        return ACL(
            permissions: ACL.Permissions(rawValue: entry.perms),
            scheme: entry.id.scheme.map { String(cString: $0) } ?? "",
            id: entry.id.id.map { String(cString: $0) } ?? "")
    }
}

/// A C `ACL_vector` built from Swift values; the C client serializes it during the `zoo_a*` call,
/// so it only has to live that long (or, for a multi, until the call is freed).
final class CACLVector {
    let vector: UnsafeMutablePointer<ACL_vector>

    init(_ acls: [ACL]) {
        vector = .allocate(capacity: 1)
        let entries = UnsafeMutablePointer<CZooKeeper.ACL>.allocate(capacity: max(acls.count, 1))
        for (index, acl) in acls.enumerated() {
            entries[index] = CZooKeeper.ACL(
                perms: acl.permissions.rawValue, id: Id(scheme: strdup(acl.scheme), id: strdup(acl.id)))
        }
        vector.pointee = ACL_vector(count: Int32(acls.count), data: entries)
    }

    deinit {
        if let data = vector.pointee.data {
            for index in 0..<Int(vector.pointee.count) {
                free(data[index].id.scheme)
                free(data[index].id.id)
            }
            data.deallocate()
        }
        vector.deallocate()
    }
}
