import ArgumentParser
import Foundation
import KafkaClient
import KafkaConsoleTools

/// `zkafka consumer-groups`: Kafka 2.8's `kafka-consumer-groups.sh` — `--list`, `--describe
/// [--offsets|--members [--verbose]|--state]`, `--reset-offsets`, `--delete`, `--delete-offsets`.
/// Option checks live in `ConsumerGroupsOptions` (KafkaConsoleTools), the requests in `ConsumerGroupsAdmin`.
struct ConsumerGroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consumer-groups",
        abstract: "List, describe, delete consumer groups and reset or delete their offsets, like kafka-consumer-groups.sh."
    )

    @Option(name: .customLong("bootstrap-server"), help: "Brokers to bootstrap from: HOST:PORT[,HOST:PORT...].")
    var bootstrapServer: String

    @Flag(help: "List every group of every broker.") var list = false
    @Flag(help: "Describe the group(s) of --group: offsets and lag (default), --members or --state.") var describe = false
    @Flag(help: "Delete the group(s) of --group (only groups without members).") var delete = false
    @Flag(name: .customLong("reset-offsets"), help: "Reset the committed offsets of an inactive group (--dry-run by default).")
    var resetOffsets = false
    @Flag(name: .customLong("delete-offsets"), help: "Delete the group's committed offsets of --topic(s).") var deleteOffsets = false

    @Option(help: "The consumer group to act on (repeatable for --describe and --delete).") var group: [String] = []
    @Option(help: "A topic, or for --reset-offsets TOPIC:P1,P2 (repeatable).") var topic: [String] = []
    @Flag(name: .customLong("all-topics"), help: "--reset-offsets: every partition the group has committed.") var allTopics = false

    @Flag(help: "--describe: the members (consumer id, host, client id, #partitions).") var members = false
    @Flag(help: "--describe: the partitions with offsets and lag (the default).") var offsets = false
    @Flag(help: "--describe: coordinator, assignment strategy, state and member count.") var state = false
    @Flag(help: "--describe --members: also each member's assignment.") var verbose = false

    @Flag(name: .customLong("dry-run"), help: "--reset-offsets: only show the new offsets (the default).") var dryRun = false
    @Flag(help: "--reset-offsets: commit the new offsets.") var execute = false
    @Flag(name: .customLong("to-earliest"), help: "Reset to the log start offset.") var toEarliest = false
    @Flag(name: .customLong("to-latest"), help: "Reset to the log end offset.") var toLatest = false
    @Flag(name: .customLong("to-current"), help: "Reset to the committed offset.") var toCurrent = false
    @Option(name: .customLong("to-offset"), help: "Reset to this offset (clamped to the log).") var toOffset: Int64?
    @Option(name: .customLong("shift-by"), parsing: .unconditional, help: "Shift the committed offset by N (may be negative: --shift-by -10).")
    var shiftBy: Int64?
    @Option(name: .customLong("to-datetime"), help: "Reset to the first offset at or after YYYY-MM-DDTHH:mm:SS.sss[zone].")
    var toDatetime: String?

    var options: ConsumerGroupsOptions {
        var options = ConsumerGroupsOptions()
        options.list = list
        options.describe = describe
        options.delete = delete
        options.resetOffsets = resetOffsets
        options.deleteOffsets = deleteOffsets
        options.groups = group
        options.topics = topic
        options.allTopics = allTopics
        options.members = members
        options.offsets = offsets
        options.state = state
        options.verbose = verbose
        options.dryRun = dryRun
        options.execute = execute
        options.toEarliest = toEarliest
        options.toLatest = toLatest
        options.toCurrent = toCurrent
        options.toOffset = toOffset
        options.shiftBy = shiftBy
        options.toDatetime = toDatetime
        return options
    }

    func validate() throws {
        do {
            _ = try options.action()
        } catch {
            throw ValidationError(error.message)
        }
        _ = try TopicsAdmin.parseBootstrap(bootstrapServer)
    }

    func run() async throws {
        let admin = ConsumerGroupsAdmin(bootstrap: try TopicsAdmin.parseBootstrap(bootstrapServer))
        do {
            switch try options.action() {
            case .list:
                for name in try await admin.listGroups() { print(name) }
            case .describe(let groups, let view):
                var ok = true
                for group in groups { ok = try await Self.describe(group, view: view, admin: admin) && ok }
                if !ok { throw ExitCode(1) }
            case .delete(let groups):
                try await Self.deleteGroups(groups, admin: admin)
            case .resetOffsets(let group, let scope, let scenario, let execute, let modeGiven):
                try await Self.resetOffsets(group, scope: scope, scenario: scenario, execute: execute, modeGiven: modeGiven, admin: admin)
            case .deleteOffsets(let group, let topics):
                try await Self.deleteOffsets(group, topics: topics, admin: admin)
            }
        } catch let error as TopicsCommandError {
            Self.printError(error.message)
            throw ExitCode(1)
        } catch let error as ConsumerGroupsUsageError {
            Self.printError(error.message)
            throw ExitCode(1)
        }
    }

    /// Kafka's `printError`: "Error: " and the message on standard error.
    static func printError(_ message: String) {
        FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
    }
}
