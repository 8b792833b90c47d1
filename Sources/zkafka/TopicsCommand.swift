import ArgumentParser
import Foundation
import KafkaClient
import KafkaProtocol

/// `zkafka topics --bootstrap-server H:P (--create | --list | --describe | --delete) ...`: Kafka's
/// `kafka-topics.sh` over the wire protocol. Metadata finds the controller; CreateTopics and
/// DeleteTopics go to it, as Kafka's admin client does.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create, list, describe and delete topics, like kafka-topics.sh.",
        discussion: """
            Exactly one of --create, --list, --describe, --delete. Errors (the topic exists, a replication \
            factor larger than the live brokers, an unknown topic, no broker reachable) are printed naming \
            the problem, with exit code 1.
            """
    )

    @Option(name: .customLong("bootstrap-server"), help: "Brokers to bootstrap from: HOST:PORT[,HOST:PORT...].")
    var bootstrapServer: String

    @Flag(help: "Create a topic (--topic, --partitions, --replication-factor, --config).")
    var create = false
    @Flag(help: "List the topics.")
    var list = false
    @Flag(help: "Describe one topic (--topic) or all: partitions with leader, replicas and ISR.")
    var describe = false
    @Flag(help: "Delete a topic (--topic).")
    var delete = false

    @Option(help: "The topic to create, describe or delete.")
    var topic: String?

    @Option(help: "Partitions of the new topic (default: the broker's num.partitions).")
    var partitions: Int32?

    @Option(name: .customLong("replication-factor"), help: "Replicas per partition (default: default.replication.factor).")
    var replicationFactor: Int16?

    @Option(name: .customLong("config"), help: "A topic config override key=value; repeatable.")
    var configs: [String] = []

    @Flag(name: .customLong("if-not-exists"), help: "With --create: succeed quietly if the topic exists.")
    var ifNotExists = false

    @Flag(name: .customLong("if-exists"), help: "With --delete or --describe: succeed quietly if the topic does not exist.")
    var ifExists = false

    @Option(name: .customLong("timeout-ms"), help: "How long the controller may wait for the change to take effect.")
    var timeoutMs: Int32 = 30_000

    func validate() throws {
        let actions = [create, list, describe, delete].filter { $0 }.count
        guard actions == 1 else {
            throw ValidationError("Command must include exactly one action: --list, --describe, --create or --delete")
        }
        if (create || delete) && topic == nil { throw ValidationError("--topic is required with --create and --delete") }
        if !create && (partitions != nil || replicationFactor != nil || !configs.isEmpty || ifNotExists) {
            throw ValidationError("--partitions, --replication-factor, --config and --if-not-exists go with --create only")
        }
        for config in configs where !config.contains("=") || config.hasPrefix("=") {
            throw ValidationError("--config takes key=value, got '\(config)'")
        }
        _ = try TopicsAdmin.parseBootstrap(bootstrapServer)
    }

    func run() async throws {
        do {
            let admin = try await TopicsAdmin.connect(bootstrap: try TopicsAdmin.parseBootstrap(bootstrapServer))
            do {
                if create {
                    try await runCreate(admin)
                } else if list {
                    for name in try await admin.metadata(topics: nil).topics.map(\.name).sorted() { print(name) }
                } else if describe {
                    try await runDescribe(admin)
                } else {
                    try await runDelete(admin)
                }
            } catch {
                await admin.close()
                throw error
            }
            await admin.close()
        } catch let error as TopicsCommandError {
            FileHandle.standardError.write(Data("Error while executing topic command : \(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func runCreate(_ admin: TopicsAdmin) async throws {
        let name = topic ?? ""
        let request = CreateTopicsRequest(
            topics: [
                .init(
                    name: name, numPartitions: partitions ?? -1, replicationFactor: replicationFactor ?? -1, assignments: [],
                    configs: configs.map { pair in
                        let equals = pair.firstIndex(of: "=")!
                        return .init(name: String(pair[..<equals]), value: String(pair[pair.index(after: equals)...]))
                    })
            ],
            timeoutMs: timeoutMs, validateOnly: false)
        let response = try await admin.sendToController(request, version: 4) { $0.topics.map(\.errorCode) }
        let result = try TopicsAdmin.require(response.topics.first { $0.name == name }, "no result for topic '\(name)'")
        switch KafkaErrorCode(rawValue: result.errorCode) {
        case KafkaErrorCode.none:
            print("Created topic \(name).")
        case .topicAlreadyExists where ifNotExists:
            return
        case let code:
            throw TopicsCommandError(message: TopicsAdmin.explain(code, message: result.errorMessage, topic: name))
        }
    }

    private func runDescribe(_ admin: TopicsAdmin) async throws {
        let response = try await admin.metadata(topics: topic.map { [$0] })
        for described in response.topics.sorted(by: { $0.name < $1.name }) {
            let code = KafkaErrorCode(rawValue: described.errorCode)
            if code == KafkaErrorCode.unknownTopicOrPartition {
                if ifExists { continue }
                throw TopicsCommandError(message: "Topic '\(described.name)' does not exist as expected")
            }
            guard code == KafkaErrorCode.none else {
                throw TopicsCommandError(message: TopicsAdmin.explain(code, message: nil, topic: described.name))
            }
            let partitions = described.partitions.sorted { $0.partitionIndex < $1.partitionIndex }
            let configs = (try? await admin.nonDefaultTopicConfigs(described.name)) ?? []
            print(
                "Topic: \(described.name)\tPartitionCount: \(partitions.count)\t"
                    + "ReplicationFactor: \(partitions.first?.replicaNodes.count ?? 0)\t"
                    + "Configs: \(configs.map { "\($0.name)=\($0.value)" }.joined(separator: ","))")
            for partition in partitions {
                var line =
                    "\tTopic: \(described.name)\tPartition: \(partition.partitionIndex)\t"
                    + "Leader: \(partition.leaderId >= 0 ? String(partition.leaderId) : "none")\t"
                    + "Replicas: \(partition.replicaNodes.map(String.init).joined(separator: ","))\t"
                    + "Isr: \(partition.isrNodes.map(String.init).joined(separator: ","))"
                if !partition.offlineReplicas.isEmpty {
                    line += "\tOffline: \(partition.offlineReplicas.map(String.init).joined(separator: ","))"
                }
                print(line)
            }
        }
    }

    private func runDelete(_ admin: TopicsAdmin) async throws {
        let name = topic ?? ""
        let request = DeleteTopicsRequest(topics: [], topicNames: [name], timeoutMs: timeoutMs)
        let response = try await admin.sendToController(request, version: 3) { $0.responses.map(\.errorCode) }
        let result = try TopicsAdmin.require(response.responses.first { $0.name == name }, "no result for topic '\(name)'")
        switch KafkaErrorCode(rawValue: result.errorCode) {
        case KafkaErrorCode.none:
            print("Deleted topic \(name).")
        case .requestTimedOut:
            print("Topic \(name) is marked for deletion.")
        case .unknownTopicOrPartition where ifExists:
            return
        case let code:
            throw TopicsCommandError(message: TopicsAdmin.explain(code, message: result.errorMessage, topic: name))
        }
    }
}

/// A failure `zkafka topics` reports as `Error while executing topic command : <message>`.
struct TopicsCommandError: Error {
    var message: String
}
