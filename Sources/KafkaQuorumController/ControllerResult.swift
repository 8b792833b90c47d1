import KafkaMetadataRecords

/// What one controller operation produces (Kafka 3.3's `ControllerResult`): the records to append to the
/// metadata log, and the response to send once they are committed (never before, so a response cannot be
/// undone by a failover).
public struct ControllerResult<Response: Sendable & Hashable>: Sendable, Hashable {
    public var records: [MetadataRecord]
    public var response: Response

    public init(records: [MetadataRecord], response: Response) {
        self.records = records
        self.response = response
    }
}
