/// Writes trace records as `controller-trace.jsonl` lines, by hand: the same bytes Foundation's `JSONEncoder`
/// produces with `[.sortedKeys, .withoutEscapingSlashes]`, at a fraction of the cost (a 100,000-partition
/// broker change writes 100,000+ lines from the controller event thread).
///
/// The output, key for key:
/// - keys in sorted order (hard-coded per record type below: keep it sorted when adding a field);
/// - absent optionals left out (the synthesized `encodeIfPresent`);
/// - strings escaped as `JSONEncoder` does: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other control
///   characters below U+0020 as `\u00xx` (lowercase hex); `/` and everything from U+0020 up written as is;
/// - integers in plain decimal;
/// - doubles as their Swift `description` with a trailing `.0` removed (`5.0` → `5`, `1.5` → `1.5`,
///   `1e-07` and `1e+16` as they are); a non-finite double throws `EncodingError.invalidValue`, as
///   `JSONEncoder` does.
///
/// `ControllerTraceLineEncoderTests` compares the output with `JSONEncoder` byte for byte. The records stay
/// `Codable`: readers decode the lines with `JSONDecoder`.
public enum ControllerTraceLineEncoder {
    /// Appends `record` as one JSON object followed by `\n` to `bytes`. On error `bytes` is left as it was.
    public static func appendLine(_ record: ControllerTraceRecord, to bytes: inout [UInt8]) throws {
        var writer = ObjectWriter()
        swap(&writer.bytes, &bytes)
        defer { swap(&writer.bytes, &bytes) }
        let start = writer.bytes.count
        do {
            switch record {
            case .event(let event): try writer.write(event)
            case .transition(let transition): writer.write(transition)
            case .milestone(let milestone): writer.write(milestone)
            }
            writer.bytes.append(UInt8(ascii: "\n"))
        } catch {
            writer.bytes.removeSubrange(start...)
            throw error
        }
    }

    /// `record` as one line (without the trailing newline).
    public static func line(_ record: ControllerTraceRecord) throws -> String {
        var bytes: [UInt8] = []
        try appendLine(record, to: &bytes)
        bytes.removeLast()
        return String(decoding: bytes, as: UTF8.self)
    }
}

// MARK: - Records (keys in sorted order)

extension ControllerTraceLineEncoder.ObjectWriter {
    fileprivate mutating func write(_ record: ControllerEventTraceRecord) throws {
        open()
        integer("enqueueTimeMs", record.enqueueTimeMs)
        if let error = record.error { string("error", error) }
        string("outcome", record.outcome.rawValue)
        try double("processingMs", record.processingMs)
        try double("queueWaitMs", record.queueWaitMs)
        string("record", record.record)
        string("state", record.state)
        string("type", record.type)
        close()
    }

    fileprivate mutating func write(_ record: StateTransitionTraceRecord) {
        open()
        string("cause", record.cause)
        integer("controllerEpoch", Int64(record.controllerEpoch))
        string("from", record.from)
        if let isr = record.isr { integers("isr", isr) }
        string("kind", record.kind.rawValue)
        if let leader = record.leader { integer("leader", Int64(leader)) }
        if let leaderEpoch = record.leaderEpoch { integer("leaderEpoch", Int64(leaderEpoch)) }
        string("outcome", record.outcome.rawValue)
        integer("partition", Int64(record.partition))
        if let reason = record.reason { string("reason", reason) }
        string("record", record.record)
        if let replica = record.replica { integer("replica", Int64(replica)) }
        if let timeMs = record.timeMs { integer("timeMs", timeMs) }
        string("to", record.to)
        string("topic", record.topic)
        close()
    }

    fileprivate mutating func write(_ record: ControllerMilestoneTraceRecord) {
        open()
        if let bounced = record.bouncedBrokers { integers("bouncedBrokers", bounced) }
        integer("brokerID", Int64(record.brokerID))
        if let committed = record.committedOffset { integer("committedOffset", committed) }
        if let epoch = record.controllerEpoch { integer("controllerEpoch", Int64(epoch)) }
        if let dead = record.deadBrokers { integers("deadBrokers", dead) }
        if let version = record.epochZKVersion { integer("epochZKVersion", Int64(version)) }
        string("kind", record.kind.rawValue)
        if let live = record.liveBrokers { integers("liveBrokers", live) }
        if let end = record.logEndOffset { integer("logEndOffset", end) }
        if let new = record.newBrokers { integers("newBrokers", new) }
        if let leader = record.raftLeaderID { integer("raftLeaderID", Int64(leader)) }
        string("record", record.record)
        integer("timeMs", record.timeMs)
        if let voted = record.votedFor { integer("votedFor", Int64(voted)) }
        close()
    }
}

// MARK: - JSON primitives

extension ControllerTraceLineEncoder {
    /// Appends one flat JSON object's members to `bytes`; the caller supplies keys in order.
    fileprivate struct ObjectWriter {
        var bytes: [UInt8] = []
        private var needsComma = false

        mutating func open() {
            bytes.append(UInt8(ascii: "{"))
            needsComma = false
        }

        mutating func close() { bytes.append(UInt8(ascii: "}")) }

        mutating func string(_ key: StaticString, _ value: String) {
            self.key(key)
            appendString(value)
        }

        mutating func integer(_ key: StaticString, _ value: Int64) {
            self.key(key)
            appendInteger(value)
        }

        mutating func integers(_ key: StaticString, _ values: [Int32]) {
            self.key(key)
            bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                appendInteger(Int64(value))
            }
            bytes.append(UInt8(ascii: "]"))
        }

        mutating func double(_ key: StaticString, _ value: Double) throws {
            guard value.isFinite else {
                throw EncodingError.invalidValue(
                    value,
                    EncodingError.Context(
                        codingPath: [], debugDescription: "Unable to encode Double.\(value) directly in JSON."))
            }
            self.key(key)
            let text = value.description.utf8
            var end = text.endIndex
            if text.count >= 2 {
                let last = text.index(before: end)
                let beforeLast = text.index(before: last)
                if text[last] == UInt8(ascii: "0") && text[beforeLast] == UInt8(ascii: ".") { end = beforeLast }
            }
            bytes.append(contentsOf: text[..<end])
        }

        private mutating func key(_ key: StaticString) {
            if needsComma { bytes.append(UInt8(ascii: ",")) }
            needsComma = true
            bytes.append(UInt8(ascii: "\""))
            key.withUTF8Buffer { bytes.append(contentsOf: $0) }
            bytes.append(UInt8(ascii: "\""))
            bytes.append(UInt8(ascii: ":"))
        }

        private mutating func appendInteger(_ value: Int64) {
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            var magnitude = value.magnitude
            if magnitude < 10 {
                bytes.append(UInt8(ascii: "0") + UInt8(magnitude))
                return
            }
            // 20 digits hold UInt64.max.
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &digits) { scratch in
                var index = scratch.count
                while magnitude > 0 {
                    index -= 1
                    scratch[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                    magnitude /= 10
                }
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[index...]))
            }
        }

        private mutating func appendString(_ value: String) {
            bytes.append(UInt8(ascii: "\""))
            let done: Void? = value.utf8.withContiguousStorageIfAvailable { appendEscaped($0) }
            if done == nil {
                let copy = Array(value.utf8)
                copy.withUnsafeBufferPointer { appendEscaped($0) }
            }
            bytes.append(UInt8(ascii: "\""))
        }

        /// Copies runs that need no escape in one go.
        private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
                runStart = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                default:
                    let hex: StaticString = "0123456789abcdef"
                    bytes.append(contentsOf: [
                        UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                        hex.utf8Start[Int(byte >> 4)], hex.utf8Start[Int(byte & 0x0F)],
                    ])
                }
            }
            if runStart < utf8.count {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
            }
        }
    }
}
