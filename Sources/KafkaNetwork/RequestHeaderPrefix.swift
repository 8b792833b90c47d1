import NIOCore

/// The first eight bytes of every request header (all header versions): what the network layer needs to name a
/// request in logs, without knowing the protocol codecs.
public struct RequestHeaderPrefix: Sendable, Hashable {
    public var apiKey: Int16
    public var apiVersion: Int16
    public var correlationID: Int32

    public init(apiKey: Int16, apiVersion: Int16, correlationID: Int32) {
        self.apiKey = apiKey
        self.apiVersion = apiVersion
        self.correlationID = correlationID
    }

    /// Reads the prefix at `frame`'s reader index without consuming it; nil when the frame is shorter than 8 bytes.
    public init?(peekingAt frame: ByteBuffer) {
        guard frame.readableBytes >= 8,
            let apiKey = frame.getInteger(at: frame.readerIndex, endianness: .big, as: Int16.self),
            let apiVersion = frame.getInteger(at: frame.readerIndex + 2, endianness: .big, as: Int16.self),
            let correlationID = frame.getInteger(at: frame.readerIndex + 4, endianness: .big, as: Int32.self)
        else { return nil }
        self.init(apiKey: apiKey, apiVersion: apiVersion, correlationID: correlationID)
    }
}
