import ArgumentParser
import Foundation
import KafkaClient

/// `zkafka consumer-groups --bootstrap-server H:P (--list | --describe --group G)`: Kafka's
/// `kafka-consumer-groups.sh` for listing groups and showing one group's partitions, committed
/// offsets, lag and members.
struct ConsumerGroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer-groups",
        abstract: "List consumer groups, or describe one with its offsets and lag, like kafka-consumer-groups.sh."
    )

    @Option(name: .customLong("bootstrap-server"), help: "Brokers to bootstrap from: HOST:PORT[,HOST:PORT...].")
    var bootstrapServer: String

    @Flag(help: "List every group of every broker.")
    var list = false

    @Flag(help: "Describe the group of --group: partitions, committed offsets, log end offsets, lag, members.")
    var describe = false

    @Option(help: "The group to describe.")
    var group: String?

    func validate() throws {
        guard list != describe else { throw ValidationError("Command must include exactly one action: --list or --describe") }
        if describe && group == nil { throw ValidationError("--describe needs --group") }
        if list && group != nil { throw ValidationError("--group goes with --describe only") }
        _ = try TopicsAdmin.parseBootstrap(bootstrapServer)
    }

    func run() async throws {
        let admin = ConsumerGroupsAdmin(bootstrap: try TopicsAdmin.parseBootstrap(bootstrapServer))
        do {
            if list {
                for name in try await admin.listGroups() { print(name) }
                return
            }
            let group = group!
            guard let description = try await admin.describe(group: group) else {
                print("Error: Consumer group '\(group)' does not exist.")
                throw ExitCode(1)
            }
            if !description.hasActiveMembers {
                print("\nConsumer group '\(group)' has no active members.")
            } else if description.state == "PreparingRebalance" || description.state == "CompletingRebalance" {
                print("\nWarning: Consumer group '\(group)' is rebalancing.")
            }
            print(description.table.render())
        } catch let error as TopicsCommandError {
            print("Error: \(error.message)")
            throw ExitCode(1)
        }
    }
}
