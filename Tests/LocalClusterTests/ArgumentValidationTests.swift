import Testing

@testable import LocalCluster

@Suite(.tags(.unit)) struct ArgumentValidationTests {
    @Test func validateUp_outOfRangeCounts_areInvalid() throws {
        for (zookeepers, brokers) in [(0, 0), (10, 0), (3, -1)] {
            let error = #expect(throws: LocalClusterError.self) {
                try LocalCluster.validateUp(zookeepers: zookeepers, brokers: brokers, basePort: nil)
            }
            #expect(error?.code == .invalidArgument)
        }
        try LocalCluster.validateUp(zookeepers: 1, brokers: 0, basePort: 2181)
        #expect(throws: LocalClusterError.self) { try LocalCluster.validateUp(zookeepers: 3, brokers: 0, basePort: 65534) }
    }

    @Test func member_fromOptions_needsExactlyOne() throws {
        #expect(try ClusterMember.fromOptions(broker: 2, zookeeper: nil) == .broker(2))
        #expect(try ClusterMember.fromOptions(broker: nil, zookeeper: 1) == .zookeeper(1))
        #expect(throws: LocalClusterError.self) { try ClusterMember.fromOptions(broker: nil, zookeeper: nil) }
        #expect(throws: LocalClusterError.self) { try ClusterMember.fromOptions(broker: 1, zookeeper: 1) }
    }

    @Test func signal_parsing_acceptsUsualSpellings() {
        #expect(ClusterSignal(parsing: "KILL") == .kill)
        #expect(ClusterSignal(parsing: "term") == .term)
        #expect(ClusterSignal(parsing: "SIGSTOP") == .stop)
        #expect(ClusterSignal(parsing: "Cont") == .cont)
        #expect(ClusterSignal(parsing: "HUP") == nil)
    }

    @Test func localCluster_relativeDirectory_becomesAbsolute() {
        let cluster = LocalCluster(directory: "some/../cluster-dir/")
        #expect(cluster.directory.hasPrefix("/"))
        #expect(cluster.directory.hasSuffix("/cluster-dir"))
        #expect(!cluster.directory.contains(".."))
    }
}
