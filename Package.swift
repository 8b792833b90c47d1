// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "zkafka",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "zkafka", targets: ["zkafka"]),
        .library(name: "KafkaProtocol", targets: ["KafkaProtocol"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // libzookeeper_mt from Debian's libzookeeper-mt-dev, compiled THREADED (see shim.h).
        .systemLibrary(
            name: "CZooKeeper",
            path: "Sources/CZooKeeper",
            providers: [.apt(["libzookeeper-mt-dev"])]
        ),
        // A plain C loop over the C client's asynchronous API: the yardstick `zkafka bench zk`
        // measures the Swift wrapper against.
        .target(
            name: "CZooKeeperBaseline",
            dependencies: ["CZooKeeper"],
            cSettings: [.define("THREADED")],
            linkerSettings: [.linkedLibrary("zookeeper_mt")]
        ),
        .target(
            name: "ZooKeeper",
            dependencies: [
                "CZooKeeper",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The one way ZKafka starts and reaps processes: posix_spawn with a process group or session,
        // redirects, environment, working directory, timed waits, signals to the group.
        .target(name: "ChildProcess"),
        .testTarget(name: "ChildProcessTests", dependencies: ["ChildProcess", "KafkaTestKit"]),
        .target(
            name: "LocalCluster",
            dependencies: [
                // KafkaUuid: a KRaft cluster's id, as `zkafka storage random-uuid` makes it.
                "KafkaModel",
                "ChildProcess",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // SplitMix64: the one seeded generator behind everything that replays from a seed (Raft, fuzz, chaos).
        .target(name: "SeededRandom"),
        // Kafka's metric names (as the Prometheus JMX exporter renders them) and a broker's swift-metrics
        // registry, exported by swift-prometheus on `/metrics`.
        .target(
            name: "KafkaMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .testTarget(
            name: "KafkaMetricsTests",
            dependencies: ["KafkaMetrics", .product(name: "CoreMetrics", package: "swift-metrics")]
        ),
        // Value types shared by the controller, the broker and the ZooKeeper data layer.
        .target(name: "KafkaModel"),
        .testTarget(name: "KafkaModelTests", dependencies: ["KafkaModel", "SeededRandom"]),
        // Kafka 2.8's znode layout and JSON formats (ZkData.scala), and the high-level ZooKeeper
        // operations brokers and the controller perform (KafkaZkClient.scala).
        .target(name: "KafkaZooKeeperData", dependencies: ["KafkaModel", "ZooKeeper"]),
        // The broker's metadata cache, independent of where metadata comes from (ZooKeeper-mode
        // UpdateMetadata requests or a KRaft metadata log).
        .target(name: "KafkaMetadata", dependencies: ["KafkaModel"]),
        // server.properties: Kafka 2.8's broker settings, defaults and validation.
        .target(name: "KafkaConfig"),
        // zlib from Debian's zlib1g-dev: gzip (de)compression of record batches.
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // snappy, lz4 and zstd from Debian's libsnappy-dev, liblz4-dev and libzstd-dev: the other record codecs.
        .systemLibrary(name: "CSnappy", path: "Sources/CSnappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CLZ4", path: "Sources/CLZ4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZstd", path: "Sources/CZstd", providers: [.apt(["libzstd-dev"])]),
        // Partition log storage (kafka.log.Log, LogSegment, OffsetIndex, TimeIndex, LogManager):
        // segment files of raw magic-2 record batches with offset and time indexes.
        .target(
            name: "KafkaLog",
            dependencies: [
                "KafkaModel", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KafkaLogTests",
            dependencies: [
                "KafkaLog", "KafkaModel", "KafkaProtocol", "KafkaTestKit", "ChildProcess",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Sans-I/O Kafka wire protocol: primitives, headers, generated messages, record batches.
        .target(
            name: "KafkaProtocol",
            dependencies: [
                "CZlib", "CSnappy", "CLZ4", "CZstd",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Turns Kafka's JSON message specs into Sources/KafkaProtocol/Messages/Generated (run by hand).
        .executableTarget(name: "KafkaProtocolGenerator"),
        // A Kafka wire-protocol client connection: the controller's broker channels and the CLI tools.
        .target(
            name: "KafkaClient",
            dependencies: [
                "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Option handling, line parsing and record formatting of `zkafka console-producer` and
        // `console-consumer` (Kafka's ConsoleProducer, LineMessageReader, DefaultMessageFormatter).
        .target(name: "KafkaConsoleTools", dependencies: ["KafkaClient", "KafkaProtocol"]),
        .testTarget(
            name: "KafkaClientTests",
            dependencies: [
                "KafkaClient", "KafkaConsoleTools", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // The imperative shell of the ZooKeeper-mode controller: watches, election, epoch-fenced
        // ZooKeeper writes and per-broker request channels around the KafkaController core.
        .target(
            name: "ZooKeeperModeController",
            dependencies: [
                "KafkaController", "ControllerTraceFile", "KafkaModel", "KafkaZooKeeperData", "ZooKeeper", "KafkaClient",
                "KafkaProtocol", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // The broker's request handlers (Kafka's KafkaApis): what clients and the controller see.
        .target(
            name: "KafkaBroker",
            dependencies: [
                "KafkaProtocol", "KafkaNetwork", "KafkaMetadata", "KafkaModel", "KafkaConfig",
                "KafkaLog", "KafkaClient", "KafkaGroupCoordinator", "KafkaMetrics",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Kafka 2.8's classic group coordinator as values: the group state machine (GroupMetadata +
        // GroupCoordinator rules) and the __consumer_offsets record formats. No I/O, no clock.
        .target(
            name: "KafkaGroupCoordinator",
            dependencies: ["KafkaModel", "KafkaProtocol", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "KafkaGroupCoordinatorTests",
            dependencies: ["KafkaGroupCoordinator", "KafkaModel", "KafkaProtocol", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // A whole broker process: composition of ZooKeeper session, network, handlers, controller.
        .target(
            name: "KafkaServer",
            dependencies: [
                "KafkaBroker", "KafkaNetwork", "KafkaConfig", "KafkaMetadata", "KafkaModel", "KafkaProtocol",
                "KafkaController", "KafkaLog", "KafkaZooKeeperData", "ZooKeeper", "ZooKeeperModeController", "KafkaMetrics",
                // KRaft-mode brokers: the Raft observer, the lifecycle RPCs and the metadata image.
                "KafkaRaft", "KafkaRaftServer", "KafkaRaftProtocol", "KafkaQuorumController", "KafkaMetadataRecords", "KafkaClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // `zkafka fuzz`: regression cases, then mutated and random request frames against a live broker.
        .target(
            name: "RequestFuzzer",
            dependencies: ["KafkaProtocol", "SeededRandom", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(name: "RequestFuzzerTests", dependencies: ["RequestFuzzer", "KafkaProtocol"]),
        // `zkafka chaos`: the nemesis schedule and the durability verdict (pure; the shell is in zkafka).
        .target(name: "ChaosTesting", dependencies: ["SeededRandom"]),
        .testTarget(name: "ChaosTestingTests", dependencies: ["ChaosTesting"]),
        // Benchmarks behind `zkafka bench`: measuring code lives here, the CLI only prints.
        .target(
            name: "Benchmarks",
            dependencies: [
                "ZooKeeper", "CZooKeeperBaseline", "LocalCluster", "ChildProcess", "KafkaProtocol", "KafkaClient", "KafkaModel",
                "KafkaZooKeeperData", "KafkaMetadata", "KafkaMetadataRecords", "KafkaQuorumController",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "KafkaProtocol", "LocalCluster"]),
        .executableTarget(
            name: "zkafka",
            dependencies: [
                "ZooKeeper",
                "LocalCluster",
                "ChildProcess",
                "Benchmarks",
                "RequestFuzzer",
                "ChaosTesting",
                "KafkaProtocol",
                "KafkaServer",
                "KafkaBroker",
                "KafkaLog",
                "KafkaMetadata",
                "KafkaConfig",
                "KafkaRaftServer",
                "KafkaRaftProtocol",
                "KafkaQuorumController",
                "KafkaNetwork",
                "KafkaClient",
                "KafkaConsoleTools",
                "ControllerTraceReader",
                "ControllerTraceFile",
                "KafkaController",
                "KafkaGroupCoordinator",
                "KafkaZooKeeperData",
                "KafkaModel",
                "KafkaMetrics",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                // SIGTERM/SIGINT and graceful shutdown of server-start and demo (ServiceGroup).
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // ZooKeeper-mode controller core: event queue and thread, partition and replica state machines,
        // leader election, replica assignment, controller context and trace. No I/O of its own.
        .target(
            name: "KafkaController",
            dependencies: [
                "KafkaModel", "KafkaMetrics",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "KafkaControllerTests", dependencies: ["KafkaController", "KafkaModel", "KafkaMetrics", "SeededRandom"]),
        // The controller trace's file (`controller-trace.jsonl`): the one trace sink that does I/O, kept out of the
        // pure core; both controllers (ZooKeeper mode and the KRaft quorum controller node) write through it.
        .target(
            name: "ControllerTraceFile",
            dependencies: ["KafkaController", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "ControllerTraceFileTests", dependencies: ["ControllerTraceFile", "KafkaController", "KafkaModel"]),
        // The ZooKeeper-mode shell's own rules (watch arming) and its event handling over an in-memory ZooKeeper
        // port, partition state store and broker channels: no ZooKeeper server.
        .testTarget(
            name: "ZooKeeperModeControllerTests",
            dependencies: [
                "ZooKeeperModeController", "ZooKeeper", "KafkaController", "KafkaModel", "KafkaProtocol", "KafkaZooKeeperData",
            ]),
        // Reads, merges, filters and renders the brokers' controller-trace.jsonl files (`zkafka trace`, `zkafka demo`),
        // and their group-coordinator-trace.jsonl files on the same timeline (`zkafka trace --groups`).
        .target(name: "ControllerTraceReader", dependencies: ["KafkaController", "KafkaModel", "KafkaGroupCoordinator"]),
        .testTarget(name: "ControllerTraceReaderTests", dependencies: ["ControllerTraceReader", "KafkaController", "KafkaModel", "KafkaGroupCoordinator"]),
        .testTarget(
            name: "KafkaProtocolTests",
            dependencies: [
                "KafkaProtocol", "SeededRandom",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ZooKeeperTests", dependencies: ["ZooKeeper", "CZooKeeper"]),
        // Fixtures for integration tests (a real ensemble around a suite, watch recorders, polling).
        .target(name: "KafkaTestKit", dependencies: ["ZooKeeper", "LocalCluster", "ChildProcess"]),
        .testTarget(name: "ZooKeeperIntegrationTests", dependencies: ["ZooKeeper", "LocalCluster", "KafkaTestKit"]),
        .testTarget(name: "KafkaConfigTests", dependencies: ["KafkaConfig"]),
        .testTarget(name: "KafkaMetadataTests", dependencies: ["KafkaMetadata", "KafkaModel"]),
        .testTarget(
            name: "KafkaZooKeeperDataTests", dependencies: ["KafkaZooKeeperData", "KafkaModel", "ZooKeeper", "KafkaTestKit"]),
        // Real clients (kcat, kafka-python, confluent-kafka) against clusters started by LocalCluster.
        .testTarget(
            name: "ClusterIntegrationTests",
            dependencies: [
                "KafkaTestKit", "LocalCluster", "ZooKeeper", "KafkaZooKeeperData", "KafkaModel", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            // Python client scripts the tests run with /usr/bin/python3, found via #filePath.
            exclude: ["Scripts"]),
        .testTarget(name: "LocalClusterTests", dependencies: ["LocalCluster", "KafkaTestKit"]),
        // The broker's replication rules (high watermark, ISR shrink and expand) and request waiters.
        .testTarget(
            name: "KafkaBrokerTests",
            dependencies: [
                "KafkaBroker", "KafkaModel", "KafkaLog", "KafkaProtocol", "KafkaConfig", "KafkaNetwork", "KafkaMetrics",
                "KafkaGroupCoordinator", "KafkaTestKit", .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ]),
        // The broker process: its log output, and the KRaft broker's lifecycle and metadata publication.
        .testTarget(
            name: "KafkaServerTests",
            dependencies: [
                "KafkaServer", "KafkaBroker", "KafkaQuorumController", "KafkaMetadataRecords", "KafkaModel", "KafkaProtocol",
                "KafkaMetadata", "KafkaRaftProtocol", "KafkaRaft", "KafkaRaftServer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // Kafka's Reactor network layer on SwiftNIO: acceptor, processors, request channel, handler pool.
        // Deals in size-prefixed frames only; knows nothing of the protocol codecs.
        .target(
            name: "KafkaNetwork",
            dependencies: [
                "KafkaMetrics",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "KafkaNetworkTests",
            dependencies: [
                "KafkaNetwork", "SeededRandom", "KafkaTestKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // MARK: KRaft
        // KIP-595 Raft (Kafka 3.3's KafkaRaftClient) as a pure core, with KIP-630 snapshots, plus the
        // file-backed shell pieces (quorum-state, metadata log, checkpoints).
        .target(name: "KafkaRaft", dependencies: ["SeededRandom"]),
        .target(
            name: "KafkaRaftStorage",
            dependencies: ["KafkaRaft", "KafkaRaftProtocol"]),
        // Kafka 3.3.2's quorum APIs (Vote, BeginQuorumEpoch, EndQuorumEpoch, DescribeQuorum,
        // FetchSnapshot) generated by `KafkaProtocolGenerator --raft`, and their mapping to KafkaRaft.
        .target(
            name: "KafkaRaftProtocol",
            dependencies: ["KafkaRaft", "KafkaProtocol", .product(name: "NIOCore", package: "swift-nio")]),
        .testTarget(
            name: "KafkaRaftTests",
            dependencies: [
                "KafkaRaft", "KafkaRaftStorage", "KafkaRaftProtocol", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // MARK: end KRaft
        // MARK: KRaft quorum processes
        // A KRaft node's process side (Kafka 3.3's KafkaRaftServer and StorageTool): meta.properties
        // version 1, `zkafka storage format`, the start-up format check, and the quorum node shell
        // (one RaftInstance driven by a clock, quorum RPCs over SocketServer and KafkaConnection).
        .target(
            name: "KafkaRaftServer",
            dependencies: [
                "KafkaConfig", "KafkaModel", "KafkaRaft", "KafkaRaftStorage", "KafkaRaftProtocol", "KafkaProtocol", "KafkaNetwork",
                "KafkaClient", "KafkaQuorumController", "KafkaMetadataRecords", "KafkaController", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(
            name: "KafkaRaftServerTests",
            dependencies: [
                "KafkaRaftServer", "KafkaConfig", "KafkaModel", "KafkaClient", "KafkaRaftProtocol", "KafkaTestKit", "KafkaRaft",
                "KafkaQuorumController", "KafkaMetadataRecords", "KafkaProtocol", "KafkaController", "ChildProcess",
            ],
            // kraft_admin.py, run with /usr/bin/python3 by the KRaft broker process tests, found via #filePath.
            exclude: ["Scripts"]),
        // MARK: end KRaft quorum processes
        // MARK: KRaft quorum controller
        // Kafka 3.3.2's __cluster_metadata records (generated by `KafkaProtocolGenerator --metadata`) and their
        // ApiMessageAndVersion framing; the quorum controller as a pure core (cluster and replication control,
        // sharing KafkaController's election rules and replica assignment); the broker's MetadataImage.
        .target(
            name: "KafkaMetadataRecords",
            dependencies: ["KafkaProtocol", .product(name: "NIOCore", package: "swift-nio")]),
        .target(
            name: "KafkaQuorumController",
            dependencies: [
                "KafkaMetadataRecords", "KafkaController", "KafkaMetadata", "KafkaModel", "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(
            name: "KafkaQuorumControllerTests",
            dependencies: [
                "KafkaQuorumController", "KafkaMetadataRecords", "KafkaController", "KafkaMetadata", "KafkaModel",
                "KafkaProtocol", .product(name: "NIOCore", package: "swift-nio"),
            ]),
        // MARK: end KRaft quorum controller
    ],
    swiftLanguageModes: [.v6]
)
