import Testing
@testable import ZooKeeper

@Suite(.tags(.unit)) struct ConnectStringTests {
    @Test func hostsAndChroot_areParsed() throws {
        let parsed = try ConnectString(parsing: "127.0.0.1:2181, zk2:2182,zk3/kafka/prod")
        #expect(parsed.hosts == [.init(host: "127.0.0.1", port: 2181), .init(host: "zk2", port: 2182), .init(host: "zk3", port: 2181)])
        #expect(parsed.chroot == "/kafka/prod")
        #expect(parsed.description == "127.0.0.1:2181,zk2:2182,zk3:2181/kafka/prod")
        #expect(parsed.hostList == "127.0.0.1:2181,zk2:2182,zk3:2181")
    }

    @Test func rootChroot_meansNone() throws {
        #expect(try ConnectString(parsing: "a:1/").chroot == nil)
        #expect(try ConnectString(parsing: "a:1").chroot == nil)
    }

    @Test(arguments: [
        ("", ConnectStringError.empty),
        ("   ", .empty),
        ("a:1,,b:2", .emptyHost("a:1,,b:2")),
        ("a:0", .invalidPort("a:0")),
        ("a:70000", .invalidPort("a:70000")),
        ("a:x", .invalidPort("a:x")),
        (":2181", .emptyHost(":2181")),
        ("a:1/kafka/", .invalidChroot("/kafka/")),
        ("a:1//kafka", .invalidChroot("//kafka")),
    ])
    func badConnectStrings_areRejectedNamingTheProblem(text: String, expected: ConnectStringError) {
        #expect(throws: expected) { try ConnectString(parsing: text) }
        #expect(!expected.description.isEmpty)
    }
}
