import ArgumentParser
import Foundation
import KafkaClient
import KafkaConsoleTools
import KafkaProtocol

/// `--reset-offsets` (Kafka 2.8 `ConsumerGroupService.resetOffsets`): only for a group without
/// members (Empty, or unknown — "Dead"); plans the offsets, prints them, commits them with `--execute`.
extension ConsumerGroupsCommand {
    static func resetOffsets(
        _ group: String, scope: OffsetResetScope, scenario: OffsetResetScenario, execute: Bool, modeGiven: Bool,
        admin: ConsumerGroupsAdmin
    ) async throws {
        if !modeGiven {
            print(
                "WARN: No action will be performed as the --execute option is missing."
                    + " In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run."
                    + " You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.")
        }
        let (summary, _) = try await admin.describeGroup(group)
        guard summary.groupState == "Empty" || summary.groupState == "Dead" else {
            printError("Assignments can only be reset if the group '\(group)' is inactive, but the current state is \(summary.groupState).")
            print(OffsetResetTable(group: group, offsets: [:]).render())
            throw ExitCode(1)
        }
        let committed = try await admin.committedOffsets(group)
        let partitions: [TopicPartitionKey]
        switch scope {
        case .allTopics:
            partitions = committed.keys.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        case .topics(let arguments):
            let whole = Set(arguments.filter { $0.partitions == nil }.map(\.topic))
            let known = try await admin.partitions(of: whole)
            var chosen: [TopicPartitionKey] = []
            for argument in arguments {
                if let numbers = argument.partitions {
                    chosen += numbers.map { TopicPartitionKey(topic: argument.topic, partition: $0) }
                } else {
                    guard let all = known[argument.topic] else {
                        throw ConsumerGroupsUsageError("Topic '\(argument.topic)' does not exist")
                    }
                    chosen += all
                }
            }
            partitions = chosen
        }
        let needsRange: Bool
        switch scenario {
        case .toDatetime: needsRange = false
        default: needsRange = true
        }
        var starts: [TopicPartitionKey: Int64] = [:]
        if needsRange { starts = try await admin.listOffsets(partitions, timestamp: -2) }
        let ends = try await admin.listOffsets(partitions, timestamp: -1)
        var atTimestamp: [TopicPartitionKey: Int64] = [:]
        if case .toDatetime(let timestamp) = scenario { atTimestamp = try await admin.listOffsets(partitions, timestamp: timestamp) }
        let plan = try OffsetResetPlanner.plan(
            scenario,
            .init(partitions: partitions, logStartOffsets: starts, logEndOffsets: ends, committedOffsets: committed, timestampOffsets: atTimestamp))
        for warning in plan.warnings { FileHandle.standardError.write(Data("WARN: \(warning)\n".utf8)) }
        if execute && !plan.offsets.isEmpty { try await admin.commitOffsets(group, plan.offsets) }
        print(OffsetResetTable(group: group, offsets: plan.offsets).render())
    }
}
