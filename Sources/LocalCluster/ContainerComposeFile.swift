import Foundation

/// The compose file `zkafka cluster up --containers` writes to `DIR/docker-compose.yml`: the
/// repository's docker-compose.yml topology (ZooKeeper servers from Debian's package, ZKafka brokers
/// with an INTERNAL listener on the compose network and an EXTERNAL one published on 127.0.0.1),
/// generated for any number of servers and brokers. Differences from the repository's file, and why:
///   - each container has a fixed `container_name` (`PROJECT-broker-1`), so cluster.json can name it
///     before it exists, whatever naming scheme the compose tool uses;
///   - each broker's `/var/lib/zkafka` is a bind mount of `DIR/broker-N`, so its log directory, its
///     controller trace (`zkafka trace`) and its output (`broker.log`) are on the host, as in process mode;
///   - no `build:` sections: the images are the ones `scripts/build_images.sh` built.
/// Every value is written as a JSON string, which YAML reads as the same string.
public struct ContainerComposeFile: Sendable, Equatable {
    public var project: String
    /// The absolute cluster directory (bind-mount sources live under it).
    public var directory: String
    public var images: ContainerImages
    /// Index i: the host port published for ZooKeeper server i+1's client port.
    public var zookeeperPorts: [Int]
    /// Index j: broker j+1's EXTERNAL port, the same inside the container and on the host.
    public var brokerPorts: [Int]
    /// Extra `key=value` broker properties (from `DIR/broker-overrides.properties`), passed as `--override`.
    public var brokerProperties: [String]

    /// ZooKeeper's client port, and the INTERNAL listener's port, inside the compose network.
    public static let zookeeperClientPort = 2181
    public static let internalBrokerPort = 19092

    public init(
        project: String, directory: String, images: ContainerImages, zookeeperPorts: [Int], brokerPorts: [Int],
        brokerProperties: [String] = []
    ) {
        self.project = project
        self.directory = directory
        self.images = images
        self.zookeeperPorts = zookeeperPorts
        self.brokerPorts = brokerPorts
        self.brokerProperties = brokerProperties
    }

    public static func zookeeperService(_ id: Int) -> String { "zookeeper-\(id)" }
    public static func brokerService(_ id: Int) -> String { "broker-\(id)" }
    public func zookeeperContainer(_ id: Int) -> String { "\(project)-\(Self.zookeeperService(id))" }
    public func brokerContainer(_ id: Int) -> String { "\(project)-\(Self.brokerService(id))" }
    /// The named volume holding server `id`'s data, as the compose tools name it (project prefix).
    public func zookeeperVolume(_ id: Int) -> String { "\(project)_zookeeper-\(id)-data" }
    public func brokerMount(_ id: Int) -> String { directory + "/broker-\(id)" }

    /// `zookeeper.connect` inside the compose network.
    var zookeeperConnect: String {
        zookeeperPorts.indices.map { "\(Self.zookeeperService($0 + 1)):\(Self.zookeeperClientPort)" }.joined(separator: ",")
    }

    /// `server.N=zookeeper-N:2888:3888;2181` for each server; none for a single (standalone) server.
    var zookeeperServers: String {
        guard zookeeperPorts.count > 1 else { return "" }
        return zookeeperPorts.indices.map {
            "server.\($0 + 1)=\(Self.zookeeperService($0 + 1)):2888:3888;\(Self.zookeeperClientPort)"
        }.joined(separator: " ")
    }

    /// The broker's `zkafka server-start` arguments: the image's server.properties plus overrides.
    func brokerArguments(_ id: Int) -> [String] {
        let port = brokerPorts[id - 1]
        let internalPort = Self.internalBrokerPort
        let overrides = [
            "broker.id=\(id)",
            "listeners=INTERNAL://0.0.0.0:\(internalPort),EXTERNAL://0.0.0.0:\(port)",
            "advertised.listeners=INTERNAL://\(Self.brokerService(id)):\(internalPort),EXTERNAL://127.0.0.1:\(port)",
            "zookeeper.connect=\(zookeeperConnect)",
        ] + brokerProperties
        return ["/usr/local/bin/zkafka", "server-start", "/etc/zkafka/server.properties"]
            + overrides.flatMap { ["--override", $0] }
    }

    /// bash runs the broker with its output also appended to `/var/lib/zkafka/broker.log` (the bind
    /// mount), then `exec`s it, so the broker is the container's process 1 and receives
    /// `docker stop`'s SIGTERM (controlled shutdown) itself. No `$` appears: Compose would interpolate it.
    func brokerEntrypoint(_ id: Int) -> [String] {
        let command = brokerArguments(id).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ")
        return ["/bin/bash", "-c", "exec > >(tee -a /var/lib/zkafka/broker.log) 2>&1; exec \(command)"]
    }

    public func render() -> String {
        var lines = [
            "# Written by `zkafka cluster up --containers` for the cluster in \(directory);",
            "# rewritten on every up. The topology of the repository's docker-compose.yml, for",
            "# \(zookeeperPorts.count) ZooKeeper server(s) and \(brokerPorts.count) broker(s). Compose project: \(project).",
            "services:",
        ]
        let ulimits = "{nofile: {soft: 16384, hard: 16384}, nproc: {soft: 16384, hard: 16384}}"
        for index in zookeeperPorts.indices {
            let id = index + 1
            var environment = "{ZOO_MY_ID: \(json("\(id)"))"
            if !zookeeperServers.isEmpty { environment += ", ZOO_SERVERS: \(json(zookeeperServers))" }
            environment += "}"
            lines += [
                "  \(Self.zookeeperService(id)):",
                "    image: \(json(images.zookeeper))",
                "    container_name: \(json(zookeeperContainer(id)))",
                "    hostname: \(json(Self.zookeeperService(id)))",
                "    restart: \"no\"",
                "    ulimits: \(ulimits)",
                "    environment: \(environment)",
                "    ports: [\(json("127.0.0.1:\(zookeeperPorts[index]):\(Self.zookeeperClientPort)"))]",
                "    volumes: [\(json("zookeeper-\(id)-data:/var/lib/zookeeper"))]",
                "    healthcheck: {test: [\"CMD\", \"/usr/local/bin/zookeeper-healthcheck\"], interval: 2s, timeout: 3s, retries: 60}",
            ]
        }
        let dependencies = zookeeperPorts.indices.map { json(Self.zookeeperService($0 + 1)) }.joined(separator: ", ")
        for index in brokerPorts.indices {
            let id = index + 1
            let port = brokerPorts[index]
            lines += [
                "  \(Self.brokerService(id)):",
                "    image: \(json(images.broker))",
                "    container_name: \(json(brokerContainer(id)))",
                "    hostname: \(json(Self.brokerService(id)))",
                "    restart: \"no\"",
                "    ulimits: \(ulimits)",
                "    entrypoint: [\(brokerEntrypoint(id).map(json).joined(separator: ", "))]",
                "    ports: [\(json("127.0.0.1:\(port):\(port)"))]",
                "    volumes: [\(json("\(brokerMount(id)):/var/lib/zkafka"))]",
                "    depends_on: [\(dependencies)]",
                "    healthcheck: {test: [\"CMD\", \"/usr/local/bin/broker-healthcheck\", \"\(Self.internalBrokerPort)\"], interval: 2s, timeout: 3s, retries: 60}",
            ]
        }
        lines.append("volumes:")
        for index in zookeeperPorts.indices { lines.append("  zookeeper-\(index + 1)-data: {}") }
        if zookeeperPorts.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }

    private func json(_ text: String) -> String {
        let data = (try? JSONEncoder.withoutEscapingSlashes.encode(text)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

extension JSONEncoder {
    fileprivate static var withoutEscapingSlashes: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}
