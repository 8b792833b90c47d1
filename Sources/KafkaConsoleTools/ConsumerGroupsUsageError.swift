/// An option combination `kafka-consumer-groups.sh` refuses, or input it cannot use, with Kafka's message.
public struct ConsumerGroupsUsageError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
