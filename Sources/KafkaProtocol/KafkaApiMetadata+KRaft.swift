extension KafkaApiMetadata {
    /// The KRaft RPCs (Kafka 3.3.2's specs), which have no types in this module (the quorum RPCs are generated into
    /// KafkaRaftProtocol) but whose header versions every connection must get right: a flexible request carries
    /// header v2 and its response header v1, as Kafka 3.3 expects (Vote, DescribeQuorum, FetchSnapshot,
    /// AlterPartition and the broker lifecycle RPCs are flexible from v0; BeginQuorumEpoch and EndQuorumEpoch never).
    public static let kraft: [ApiKey: KafkaApiMetadata] = Dictionary(
        uniqueKeysWithValues: [
            (52, "Vote", 0...0, 0), (53, "BeginQuorumEpoch", 0...0, nil), (54, "EndQuorumEpoch", 0...0, nil),
            (55, "DescribeQuorum", 0...1, 0), (56, "AlterPartition", 0...2, 0), (59, "FetchSnapshot", 0...0, 0),
            (62, "BrokerRegistration", 0...0, 0), (63, "BrokerHeartbeat", 0...0, 0), (64, "UnregisterBroker", 0...0, 0),
        ].map { (key: Int16, name: String, versions: ClosedRange<Int16>, flexible: Int16?) in
            (ApiKey(rawValue: key), KafkaApiMetadata(apiKey: ApiKey(rawValue: key), name: name, validVersions: versions, firstFlexibleVersion: flexible))
        })
}
