internal import CZooKeeper
import Glibc

/// The C memory behind one `zoo_amulti` call: the op array, the result array the C client fills in
/// when the reply arrives, and the buffers those results point into (created paths, set stats).
/// Everything lives until the completion has copied the results out.
final class MultiOperationStorage {
    let count: Int
    let ops: UnsafeMutablePointer<zoo_op_t>
    let cResults: UnsafeMutablePointer<zoo_op_result_t>
    let paths: [String]
    private var kinds: [Kind] = []
    private var cStrings: [UnsafeMutablePointer<CChar>] = []
    private var dataBuffers: [UnsafeMutablePointer<CChar>] = []
    private var pathBuffers: [UnsafeMutablePointer<CChar>?] = []
    private var stats: [UnsafeMutablePointer<Stat>?] = []
    private var acls: [CACLVector] = []

    private enum Kind { case create, delete, setData, check }

    /// Room for the created path: the requested path plus a 10-digit sequence suffix.
    private static func pathBufferLength(for path: String) -> Int { path.utf8.count + 16 }

    init(_ operations: [ZooKeeperOperation]) {
        count = operations.count
        ops = .allocate(capacity: max(count, 1))
        cResults = .allocate(capacity: max(count, 1))
        cResults.initialize(repeating: zoo_op_result_t(), count: max(count, 1))
        paths = operations.map(\.path)
        var kinds: [Kind] = []
        for (index, operation) in operations.enumerated() {
            let op = ops + index
            switch operation {
            case .create(let path, let data, let acl, let mode):
                let length = Self.pathBufferLength(for: path)
                let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: length)
                buffer.initialize(repeating: 0, count: length)
                pathBuffers.append(buffer)
                stats.append(nil)
                let vector = CACLVector(acl)
                acls.append(vector)
                let (bytes, byteCount) = copyData(data)
                zoo_create_op_init(
                    op, keep(path), bytes, byteCount, vector.vector, mode.rawValue, buffer, Int32(length))
                kinds.append(.create)
            case .delete(let path, let version):
                pathBuffers.append(nil)
                stats.append(nil)
                zoo_delete_op_init(op, keep(path), version)
                kinds.append(.delete)
            case .setData(let path, let data, let version):
                let stat = UnsafeMutablePointer<Stat>.allocate(capacity: 1)
                stat.initialize(to: Stat())
                pathBuffers.append(nil)
                stats.append(stat)
                let (bytes, byteCount) = copyData(data)
                zoo_set_op_init(op, keep(path), bytes, byteCount, version, stat)
                kinds.append(.setData)
            case .check(let path, let version):
                pathBuffers.append(nil)
                stats.append(nil)
                zoo_check_op_init(op, keep(path), version)
                kinds.append(.check)
            }
        }
        self.kinds = kinds
    }

    private func keep(_ string: String) -> UnsafeMutablePointer<CChar> {
        let copy = strdup(string)!
        cStrings.append(copy)
        return copy
    }

    private func copyData(_ data: [UInt8]?) -> (UnsafeMutablePointer<CChar>?, Int32) {
        guard let data else { return (nil, -1) }
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: max(data.count, 1))
        data.withUnsafeBytes { raw in
            if let base = raw.baseAddress { UnsafeMutableRawPointer(buffer).copyMemory(from: base, byteCount: data.count) }
        }
        dataBuffers.append(buffer)
        return (buffer, Int32(data.count))
    }

    /// Each op's result, read from what the C client wrote. In a failed transaction ZooKeeper answers
    /// every op with an error result: `ok` for the ops before the failing one (valid, but rolled back),
    /// the failing op's code, and `runtimeInconsistency` for the ops after it (ZooKeeper's
    /// `DataTree.processTxn` for multi), so `failed` maps each op to `.failed(code)`.
    func results(failed: Bool = false) -> [ZooKeeperOperationResult] {
        (0..<count).map { index in
            let result = cResults[index]
            guard result.err == 0, !failed else { return .failed(.init(rawValue: result.err)) }
            switch kinds[index] {
            case .create:
                return .created(path: pathBuffers[index].map { String(cString: $0) } ?? paths[index])
            case .delete: return .deleted
            case .setData: return .setData(ZNodeStat(UnsafePointer(stats[index])))
            case .check: return .checked
            }
        }
    }

    deinit {
        cStrings.forEach { free($0) }
        dataBuffers.forEach { $0.deallocate() }
        pathBuffers.forEach { $0?.deallocate() }
        stats.forEach { $0?.deallocate() }
        ops.deallocate()
        cResults.deallocate()
    }
}
