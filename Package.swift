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
        .target(
            name: "LocalCluster",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "zkafka",
            dependencies: [
                "ZooKeeper",
                "LocalCluster",
                "CZooKeeperBaseline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // zlib from Debian's zlib1g-dev: gzip (de)compression of record batches.
        .systemLibrary(
            name: "CZlib",
            path: "Sources/CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Sans-I/O Kafka wire protocol: primitives, headers, generated messages, record batches.
        .target(
            name: "KafkaProtocol",
            dependencies: [
                "CZlib",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Turns Kafka's JSON message specs into Sources/KafkaProtocol/Messages/Generated (run by hand).
        .executableTarget(name: "KafkaProtocolGenerator"),
        .testTarget(
            name: "KafkaProtocolTests",
            dependencies: [
                "KafkaProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ZooKeeperTests", dependencies: ["ZooKeeper"]),
        .testTarget(name: "ZooKeeperIntegrationTests", dependencies: ["ZooKeeper", "LocalCluster"]),
        .testTarget(name: "LocalClusterTests", dependencies: ["LocalCluster"]),
    ],
    swiftLanguageModes: [.v6]
)
