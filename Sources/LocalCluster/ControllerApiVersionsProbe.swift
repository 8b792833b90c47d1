/// Asks a KRaft controller which APIs it serves (ApiVersions v0 over a plain socket), so `up --mode kraft`
/// can tell whether its controllers register brokers (BrokerRegistration, API 62) before starting any:
/// a controller process that runs only the Raft quorum closes the connection on anything but quorum APIs.
enum ControllerApiVersionsProbe {
    static let apiVersionsKey: Int16 = 18
    static let brokerRegistrationKey: Int16 = 62
    static let correlationID: Int32 = 7

    /// The API keys `host:port` lists, or nil if it does not answer ApiVersions.
    static func apiKeys(host: String, port: Int) -> Set<Int16>? {
        guard let answer = FourLetterWordClient.exchange(request(), host: host, port: port, timeout: .seconds(2), isComplete: isComplete)
        else { return nil }
        return parse(answer)
    }

    /// ApiVersions v0 with request header v1: size, api key, version, correlation id, client id.
    static func request() -> [UInt8] {
        let clientID = Array("zkafka-cluster".utf8)
        var body: [UInt8] = []
        body += bigEndian(apiVersionsKey) + bigEndian(Int16(0)) + bigEndian(correlationID)
        body += bigEndian(Int16(clientID.count)) + clientID
        return bigEndian(Int32(body.count)) + body
    }

    static func isComplete(_ answer: [UInt8]) -> Bool {
        guard answer.count >= 4, let size = int32(answer, at: 0) else { return false }
        return answer.count >= 4 + Int(size)
    }

    /// Response header v0 (correlation id), then error code, then [api key, min, max]. nil when malformed
    /// or an error.
    static func parse(_ answer: [UInt8]) -> Set<Int16>? {
        guard isComplete(answer), int32(answer, at: 4) == correlationID, int16(answer, at: 8) == 0,
            let count = int32(answer, at: 10), count >= 0, answer.count >= 14 + Int(count) * 6
        else { return nil }
        return Set((0..<Int(count)).compactMap { int16(answer, at: 14 + $0 * 6) })
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }

    private static func int32(_ bytes: [UInt8], at offset: Int) -> Int32? {
        guard offset + 4 <= bytes.count else { return nil }
        return bytes[offset..<offset + 4].reduce(Int32(0)) { ($0 << 8) | Int32($1) }
    }

    private static func int16(_ bytes: [UInt8], at offset: Int) -> Int16? {
        guard offset + 2 <= bytes.count else { return nil }
        return Int16(bitPattern: UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1]))
    }
}
