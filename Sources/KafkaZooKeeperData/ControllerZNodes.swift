/// `/controller`: who is the active controller, version 1 as Kafka 2.8 writes it
/// (`{"version":1,"brokerid":2,"timestamp":"1662105600123"}`).
public struct ControllerZNode: Sendable, Equatable {
    public var brokerID: Int32
    public var timestamp: Int64

    public init(brokerID: Int32, timestamp: Int64) {
        self.brokerID = brokerID
        self.timestamp = timestamp
    }

    public func encode() -> [UInt8] {
        JSONText.encode(.object([("version", .int(1)), ("brokerid", .int(Int64(brokerID))), ("timestamp", .string(String(timestamp)))]))
    }

    /// Only `brokerid` matters to readers (`ControllerZNode.decode`); v2's extra field is ignored.
    public static func decode(_ data: [UInt8]?) throws(ZNodeDataError) -> ControllerZNode {
        let fields = try JSONText.object(data, path: ZNodePaths.controller)
        return ControllerZNode(
            brokerID: try fields.int32("brokerid"), timestamp: Int64(fields.optionalString("timestamp") ?? "") ?? 0)
    }
}

/// `/controller_epoch`: the controller epoch as plain ASCII digits (not JSON). Its znode *version*
/// is the fencing token every controller write is checked against.
public enum ControllerEpochZNode {
    public static func encode(_ epoch: Int32) -> [UInt8] { Array(String(epoch).utf8) }

    public static func decode(_ data: [UInt8]?) throws(ZNodeDataError) -> Int32 {
        guard let data, !data.isEmpty else { throw .empty(path: ZNodePaths.controllerEpoch) }
        guard let epoch = Int32(String(decoding: data, as: UTF8.self).trimmingCharacters()) else {
            throw .malformed(path: ZNodePaths.controllerEpoch, reason: "not a decimal integer")
        }
        return epoch
    }
}

/// `/cluster/id`: `{"version":"1","id":"<base64 UUID>"}` — note the string version.
public enum ClusterIDZNode {
    public static func encode(_ id: String) -> [UInt8] {
        JSONText.encode(.object([("version", .string("1")), ("id", .string(id))]))
    }

    public static func decode(_ data: [UInt8]?) throws(ZNodeDataError) -> String {
        try JSONText.object(data, path: ZNodePaths.clusterID).string("id")
    }
}

extension String {
    func trimmingCharacters() -> String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
