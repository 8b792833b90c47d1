/// Logger labels and metadata keys used by the network layer.
enum NetworkLoggingKeys {
    static let loggerLabel = "zkafka.network"
    static let connectionID = "connection.id"
    static let clientAddress = "client.address"
    static let listener = "listener"
    static let apiKey = "request.api_key"
    static let apiVersion = "request.api_version"
    static let correlationID = "request.correlation_id"
    static let frameSize = "frame.size"
    static let maxFrameSize = "frame.max_size"
    static let closeReason = "close.reason"
    static let localAddress = "local.address"
}
