import Foundation
import KafkaGroupCoordinator
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends a `GroupTraceRecord` line to `<log.dir>/group-coordinator-trace.jsonl` (beside the
/// controller's `controller-trace.jsonl`) whenever a group this coordinator owns changes state,
/// generation, protocol, leader, members or assignments — and a Dead line when it is unloaded or
/// deleted. The coordinator calls ``observe(_:groupId:broker:)`` under its lock, so lines of one group
/// are in order. The file is opened in append mode: a restarted broker continues its trace. A write
/// error is logged and the line dropped; the trace never stops the coordinator.
final class GroupTraceWriter: Sendable {
    static let fileName = "group-coordinator-trace.jsonl"

    /// What a record shows, compared without decoding assignments.
    private struct Fingerprint: Hashable {
        var state: GroupState
        var generation: Int32
        var protocolName: String?
        var leader: String?
        var members: [String]
        var assignments: [[UInt8]]

        init(_ group: ConsumerGroup) {
            let members = group.allMembers
            state = group.state
            generation = group.generationId
            protocolName = group.protocolName
            leader = group.leaderId
            self.members = members.map(\.memberId)
            assignments = members.map(\.assignment)
        }
    }

    private struct State {
        var descriptor: Int32
        var traced: [String: Fingerprint] = [:]
    }

    let path: String
    private let logger: Logger
    private let state: Mutex<State>

    init(directory: String, logger: Logger) throws {
        path = (directory as NSString).appendingPathComponent(Self.fileName)
        self.logger = logger
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        state = Mutex(State(descriptor: descriptor))
    }

    deinit { close() }

    /// Writes the group's record if it differs from the last one written; `group` nil (or Dead)
    /// writes one Dead record for a group that was traced.
    func observe(_ group: ConsumerGroup?, groupId: String, broker: Int32) {
        state.withLock { state in
            guard state.descriptor >= 0 else { return }
            let now = GroupCoordinator.nowMs()
            guard let group, group.state != .dead else {
                guard let last = state.traced.removeValue(forKey: groupId) else { return }
                let record = GroupTraceRecord(
                    timeMs: now, broker: broker, group: groupId, state: GroupState.dead.rawValue, generation: last.generation,
                    protocolName: last.protocolName, leader: nil, members: [])
                write(record, &state)
                return
            }
            let fingerprint = Fingerprint(group)
            guard state.traced[groupId] != fingerprint else { return }
            state.traced[groupId] = fingerprint
            write(GroupTraceRecord.snapshot(of: group, broker: broker, timeMs: now), &state)
        }
    }

    func close() {
        state.withLock { state in
            guard state.descriptor >= 0 else { return }
            _ = Glibc.close(state.descriptor)
            state.descriptor = -1
        }
    }

    private func write(_ record: GroupTraceRecord, _ state: inout State) {
        guard let line = try? record.jsonLine() else { return }
        let bytes = Array((line + "\n").utf8)
        let descriptor = state.descriptor
        let failed = bytes.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                offset += written
            }
            return false
        }
        if failed { logger.warning("Could not append to the group coordinator trace", metadata: ["path": "\(path)"]) }
    }
}
