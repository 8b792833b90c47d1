import ArgumentParser
import Foundation
import LocalCluster

/// `zkafka cluster up`: starts the ensemble and brokers (ZooKeeper mode) or the controller quorum and
/// brokers (`--mode kraft`) in the background.
struct ClusterUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start N ZooKeeper servers (or KRaft controllers) and M brokers on 127.0.0.1 as background processes.",
        discussion: """
            Returns once the ensemble has a leader and writes DIR/cluster.json. With --base-port P, \
            ZooKeeper client ports are P..P+N-1, quorum ports P+N..P+2N-1, election ports \
            P+2N..P+3N-1 and broker ports P+3N..P+3N+M-1; without it, free ports are chosen. \
            With --mode kraft: a cluster id, `storage format` on every node, --controllers controller-only \
            nodes (ids 3001...) on free ports, then the brokers (ids 1...M); returns once one controller \
            leads and the others follow it, and every broker has started (registered and unfenced). \
            With --containers the same topology runs in containers from a compose file generated into \
            DIR/docker-compose.yml (images from `bash scripts/build_images.sh`, named in ./.env), through \
            docker compose, docker-compose or podman-compose, whichever works (--engine chooses); \
            ports are published on 127.0.0.1 (with --base-port P: ZooKeeper P..P+N-1, brokers P+N..P+N+M-1) \
            and cluster.json names each member's container. status, kill, start, down, partition and \
            heal then act on the containers.
            """
    )

    @OptionGroup var directory: ClusterDirectoryOption

    @Option(help: "zk (ZooKeeper mode, Kafka 2.8) or kraft (a Raft controller quorum, Kafka 3.3).")
    var mode = "zk"

    @Option(help: "How many ZooKeeper servers (1 runs standalone).")
    var zookeepers = 3

    @Option(help: "KRaft mode: how many controller-only nodes form the quorum.")
    var controllers = 3

    @Option(help: "How many brokers (`zkafka server-start` processes, ids 1...M).")
    var brokers = 3

    @Option(help: "First port of a deterministic port layout (default: free ports).")
    var basePort: Int?

    @Flag(help: "Print cluster.json instead of the status table.")
    var json = false

    @Flag(help: "Run the cluster in containers (Docker or Podman) from a generated compose file.")
    var containers = false

    @Option(help: "With --containers: docker or podman (default: the first that works, Docker first).")
    var engine: String?

    func validate() throws {
        guard let clusterMode = ClusterMode(parsing: mode) else {
            throw ValidationError("--mode must be zk or kraft, not \(mode)")
        }
        do {
            if clusterMode == .kraft {
                guard basePort == nil else { throw ValidationError("--base-port is for ZooKeeper mode; KRaft mode picks free ports") }
                guard !containers else { throw ValidationError("--containers runs ZooKeeper mode only (no kraft compose profile yet)") }
                try LocalCluster.validateKRaftUp(controllers: controllers, brokers: brokers)
                return
            }
            try LocalCluster.validateUp(zookeepers: zookeepers, brokers: brokers, basePort: containers ? nil : basePort)
            if let engine, !containers { throw LocalClusterError(.invalidArgument, "--engine \(engine) needs --containers") }
            if let engine, !["docker", "podman"].contains(engine) {
                throw LocalClusterError(.invalidArgument, "--engine must be docker or podman, not \(engine)")
            }
        } catch let error as LocalClusterError {
            throw ValidationError(error.message)
        }
    }

    func run() throws {
        let cluster = LocalCluster(directory: directory.directory)
        let descriptor: ClusterDescriptor
        var notes: [String] = []
        if ClusterMode(parsing: mode) == .kraft {
            let outcome = try cluster.upKRaft(controllers: controllers, brokers: brokers)
            descriptor = outcome.descriptor
            notes = outcome.notes
        } else if containers {
            descriptor = try cluster.upContainers(zookeepers: zookeepers, brokers: brokers, basePort: basePort, engine: engine)
        } else {
            descriptor = try cluster.up(zookeepers: zookeepers, brokers: brokers, basePort: basePort)
        }
        for note in notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        if json {
            print(String(decoding: try descriptor.jsonData(), as: UTF8.self))
        } else {
            print(try cluster.status().table())
            print("Stop it with: zkafka cluster down --dir \(cluster.directory)")
        }
    }
}
