import Testing

@testable import KafkaProtocol

/// The advertised table must keep the client behaviours from wire-protocol.md §2.3–2.5.
@Suite(.tags(.unit)) struct SupportedApiVersionsTests {
    func range(_ key: ApiKey) -> ApiVersionRange? {
        SupportedApiVersions.client.first { $0.apiKey == key }
    }

    @Test func librdkafkaFeatureProbes_overlap() throws {
        // MsgVer2: Produce 3 and Fetch 4. ZSTD: Produce 7 and Fetch 10. Groups: FindCoordinator 0, JoinGroup 0,
        // SyncGroup 0, Heartbeat 0, LeaveGroup 0, OffsetFetch 1, OffsetCommit 1–2. OffsetTime: ListOffsets 1.
        let probes: [(ApiKey, Int16)] = [
            (.produce, 3), (.fetch, 4), (.produce, 7), (.fetch, 10), (.findCoordinator, 0), (.joinGroup, 0),
            (.syncGroup, 0), (.heartbeat, 0), (.leaveGroup, 0), (.offsetFetch, 1), (.offsetCommit, 2),
            (.listOffsets, 1), (.apiVersions, 0),
        ]
        for (key, version) in probes {
            #expect(try #require(range(key)).contains(version), "\(key) v\(version)")
        }
    }

    @Test func kafkaPythonVersions_allAdvertised_andInferred_2_3() throws {
        // kafka-python infers (2,3,0) from Fetch v11 and must not see ListOffsets v5 (2.2) ... it checks newest first:
        #expect(try #require(range(.produce)).contains(8) == false)  // else it infers 2.4
        #expect(try #require(range(.fetch)).contains(11))
        let sent: [(ApiKey, Int16)] = [
            (.metadata, 0), (.metadata, 1), (.metadata, 5), (.produce, 7), (.fetch, 4), (.listOffsets, 1),
            (.findCoordinator, 0), (.joinGroup, 2), (.syncGroup, 1), (.heartbeat, 1), (.leaveGroup, 1),
            (.offsetCommit, 2), (.offsetFetch, 1), (.createTopics, 3), (.deleteTopics, 3), (.describeConfigs, 2),
        ]
        for (key, version) in sent {
            #expect(try #require(range(key)).contains(version), "\(key) v\(version)")
        }
    }

    @Test func onlyApiVersionsIsFlexible_amongClientRanges() throws {
        for entry in SupportedApiVersions.client where entry.apiKey != .apiVersions {
            let meta = try #require(entry.apiKey.metadata)
            #expect(!meta.isFlexible(version: entry.maxVersion), "\(entry.apiKey) max \(entry.maxVersion) is flexible")
        }
        #expect(!SupportedApiVersions.client.contains { [.leaderAndIsr, .stopReplica, .updateMetadata, .controlledShutdown].contains($0.apiKey) })
    }
}
