import Foundation
import Testing

@testable import LocalCluster

/// The pure parts of `zkafka cluster up --containers`: which compose tool is chosen, the generated
/// compose file, the engine's answers, and cluster.json with container members.
@Suite(.tags(.unit)) struct ContainerClusterTests {
    private func file(zookeepers: Int = 3, brokers: Int = 3) -> ContainerComposeFile {
        ContainerComposeFile(
            project: "zkafka-0123456789abcdef", directory: "/tmp/c",
            images: ContainerImages(zookeeper: "localhost/zkafka-zookeeper:z1", broker: "localhost/zkafka-broker:b1"),
            zookeeperPorts: Array(21810..<(21810 + zookeepers)), brokerPorts: Array(29092..<(29092 + brokers)),
            brokerProperties: ["auto.leader.rebalance.enable=false"])
    }

    @Test func choose_prefersDockerCompose_thenV1_thenPodman() throws {
        let all = ComposeTool.Probe(toolWorks: Set(ComposeTool.allCases), engineWorks: ["docker", "podman"])
        #expect(try ComposeTool.choose(all) == .dockerCompose)
        #expect(try ComposeTool.choose(all, engine: "podman") == .podmanCompose)
        let v1 = ComposeTool.Probe(toolWorks: [.dockerComposeV1, .podmanCompose], engineWorks: ["docker", "podman"])
        #expect(try ComposeTool.choose(v1) == .dockerComposeV1)
    }

    @Test func choose_skipsDockerWithoutADaemon_andSaysWhyNothingWorks() throws {
        // This machine's case: a docker CLI and docker-compose, no daemon; podman works.
        let probe = ComposeTool.Probe(toolWorks: [.dockerComposeV1, .podmanCompose], engineWorks: ["podman"])
        #expect(try ComposeTool.choose(probe) == .podmanCompose)
        let error = #expect(throws: LocalClusterError.self) {
            try ComposeTool.choose(probe, engine: "docker")
        }
        #expect(error?.code == .containerEngineUnavailable)
        #expect(error?.message.contains("`docker-compose` is installed but `docker info` fails") == true)
        #expect(error?.message.contains("`docker compose` is not installed") == true)
        #expect(throws: LocalClusterError.self) { try ComposeTool.choose(probe, engine: "lxc") }
    }

    @Test func composeFile_hasEveryServiceWithItsPortsAndListeners() {
        let text = file().render()
        for id in 1...3 {
            #expect(text.contains("  zookeeper-\(id):\n"))
            #expect(text.contains("\"127.0.0.1:\(21809 + id):2181\""))
            #expect(text.contains("container_name: \"zkafka-0123456789abcdef-broker-\(id)\""))
            #expect(text.contains("\"/tmp/c/broker-\(id):/var/lib/zkafka\""))
            #expect(text.contains("\"127.0.0.1:\(29091 + id):\(29091 + id)\""))
            #expect(text.contains("advertised.listeners=INTERNAL://broker-\(id):19092,EXTERNAL://127.0.0.1:\(29091 + id)"))
        }
        #expect(text.contains("server.1=zookeeper-1:2888:3888;2181 server.2=zookeeper-2:2888:3888;2181 server.3=zookeeper-3:2888:3888;2181"))
        #expect(text.contains("zookeeper.connect=zookeeper-1:2181,zookeeper-2:2181,zookeeper-3:2181"))
        #expect(text.contains("auto.leader.rebalance.enable=false"))
        // Compose interpolates `$`: the generated file must not contain one.
        #expect(!text.contains("$"))
    }

    @Test func composeFile_sizes_singleServerIsStandalone() {
        let text = file(zookeepers: 1, brokers: 5).render()
        #expect(!text.contains("ZOO_SERVERS"))
        #expect(text.contains("zookeeper.connect=zookeeper-1:2181'"))
        #expect(text.contains("  broker-5:\n"))
        #expect(!text.contains("  broker-6:\n"))
        #expect(file(zookeepers: 5, brokers: 0).render().contains("server.5=zookeeper-5:2888:3888;2181"))
    }

    @Test func brokerEntrypoint_execsTheBrokerAsProcessOneWithItsOutputTeedToTheMount() {
        let entrypoint = file().brokerEntrypoint(2)
        #expect(entrypoint.prefix(2) == ["/bin/bash", "-c"])
        #expect(entrypoint[2].hasPrefix("exec > >(tee -a /var/lib/zkafka/broker.log) 2>&1; exec '/usr/local/bin/zkafka' 'server-start'"))
        #expect(entrypoint[2].contains("'--override' 'broker.id=2'"))
    }

    @Test func inspection_parsesStatusAndNetworks() {
        let running = ContainerInspection(parsing: "running zkafka-x_default\n")
        #expect(running == ContainerInspection(status: "running", networks: ["zkafka-x_default"]))
        #expect(running?.memberState == .running)
        #expect(ContainerInspection(parsing: "paused zkafka-x_default")?.memberState == .paused)
        #expect(ContainerInspection(parsing: "exited")?.memberState == .stopped)
        #expect(ContainerInspection(parsing: "exited")?.networks == [])
        #expect(ContainerInspection(parsing: "created")?.memberState == .stopped)
        #expect(ContainerInspection(parsing: "  \n") == nil)
    }

    @Test func images_environmentOverDotEnvOverDefaults() {
        let dotEnv = """
            # Written by scripts/build_images.sh
            ZKAFKA_ZOOKEEPER_IMAGE=localhost/zkafka-zookeeper:abc
            ZKAFKA_BROKER_IMAGE="localhost/zkafka-broker:def"
            """
        #expect(ContainerImages.resolve(environment: [:], dotEnv: dotEnv)
            == ContainerImages(zookeeper: "localhost/zkafka-zookeeper:abc", broker: "localhost/zkafka-broker:def"))
        #expect(ContainerImages.resolve(environment: ["ZKAFKA_BROKER_IMAGE": "mine:1"], dotEnv: dotEnv).broker == "mine:1")
        #expect(ContainerImages.resolve(environment: [:], dotEnv: nil)
            == ContainerImages(zookeeper: ContainerImages.defaultZooKeeper, broker: ContainerImages.defaultBroker))
    }

    @Test func projectName_isStablePerDirectoryAndDiffersBetweenDirectories() {
        let name = ContainerDeployment.projectName(forDirectory: "/tmp/c")
        #expect(name == ContainerDeployment.projectName(forDirectory: "/tmp/c"))
        #expect(name != ContainerDeployment.projectName(forDirectory: "/tmp/c2"))
        #expect(name.hasPrefix("zkafka-") && name.count == "zkafka-".count + 16)
        let deployment = ContainerDeployment(engine: "podman", compose: ["podman-compose"], project: name, composeFile: "/tmp/c/docker-compose.yml")
        #expect(deployment.composeArguments(["down", "-v"]) == ["podman-compose", "-p", name, "-f", "/tmp/c/docker-compose.yml", "down", "-v"])
    }

    @Test func descriptor_withContainers_roundTripsAndNamesContainersInsteadOfPids() throws {
        let broker = ClusterDescriptor.Broker(
            id: 1, host: "127.0.0.1", port: 29092, pid: nil, state: .running, config: "/tmp/c/docker-compose.yml",
            logDir: "/tmp/c/broker-1/logs", log: "/tmp/c/broker-1/broker.log", container: "zkafka-x-broker-1")
        var descriptor = ClusterDescriptor(
            directory: "/tmp/c", zookeeper: .init(servers: []), brokers: [broker],
            containers: ContainerDeployment(engine: "docker", compose: ["docker", "compose"], project: "zkafka-x",
                composeFile: "/tmp/c/docker-compose.yml", network: "zkafka-x_default"))
        descriptor.brokers[0].partitioned = true
        #expect(try ClusterDescriptor(jsonData: descriptor.jsonData()) == descriptor)
        let object = try #require(JSONSerialization.jsonObject(with: descriptor.jsonData()) as? [String: Any])
        let brokers = try #require(object["brokers"] as? [[String: Any]])
        #expect(brokers[0]["container"] as? String == "zkafka-x-broker-1")
        #expect(brokers[0]["pid"] is NSNull)
        #expect((object["containers"] as? [String: Any])?["network"] as? String == "zkafka-x_default")
        // A process-mode cluster.json has no container keys at all.
        let plain = ClusterDescriptor(directory: "/tmp/c", zookeeper: .init(servers: []), brokers: [])
        let plainObject = try #require(JSONSerialization.jsonObject(with: plain.jsonData()) as? [String: Any])
        #expect(plainObject["containers"] == nil)
    }

    @Test func partition_ofAProcessCluster_saysItNeedsContainers() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zkafka-partition-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let broker = ClusterDescriptor.Broker(
            id: 1, host: "127.0.0.1", port: 9092, pid: nil, state: .stopped, config: directory + "/broker-1/server.properties",
            logDir: directory + "/broker-1/logs", log: directory + "/broker-1/broker.log")
        try ClusterDescriptor(directory: directory, zookeeper: .init(servers: []), brokers: [broker]).write(to: directory + "/cluster.json")
        for heal in [false, true] {
            let error = #expect(throws: LocalClusterError.self) {
                let cluster = LocalCluster(directory: directory)
                if heal { try cluster.heal(.broker(1)) } else { try cluster.partition(.broker(1)) }
            }
            #expect(error?.code == .needsContainers)
            #expect(error?.message.contains("--containers") == true)
        }
    }
}
