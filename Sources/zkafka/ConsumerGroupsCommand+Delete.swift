import ArgumentParser
import Foundation
import KafkaClient
import KafkaConsoleTools
import KafkaProtocol

/// `--delete` and `--delete-offsets` (Kafka 2.8 `deleteGroups`, `deleteOffsets`), with Kafka's messages.
extension ConsumerGroupsCommand {
    static func deleteGroups(_ groups: [String], admin: ConsumerGroupsAdmin) async throws {
        let results = try await admin.deleteGroups(groups)
        let succeeded = results.filter { $0.error == .none }.map(\.group)
        let failed = results.filter { $0.error != .none }
        func quoted(_ names: [String]) -> String { names.map { "'\($0)'" }.joined(separator: ", ") }
        if failed.isEmpty {
            print("Deletion of requested consumer groups (\(quoted(succeeded))) was successful.")
            return
        }
        printError("Deletion of some consumer groups failed:")
        for (group, error) in failed {
            print("* Group '\(group)' could not be deleted due to: \(ConsumerGroupsErrorText.deleteFailure(error))")
        }
        if !succeeded.isEmpty { print("\nThese consumer groups were deleted successfully: \(quoted(succeeded))") }
        throw ExitCode(1)
    }

    static func deleteOffsets(_ group: String, topics: [String], admin: ConsumerGroupsAdmin) async throws {
        let arguments = try topics.map { topic throws(ConsumerGroupsUsageError) in try OffsetResetScope.TopicArgument(parsing: topic) }
        let known = try await admin.partitions(of: Set(arguments.filter { $0.partitions == nil }.map(\.topic)))
        var partitions: [TopicPartitionKey] = []
        var rows: [OffsetDeleteTable.Row] = []
        for argument in arguments {
            if let numbers = argument.partitions {
                partitions += numbers.map { TopicPartitionKey(topic: argument.topic, partition: $0) }
            } else if let all = known[argument.topic] {
                partitions += all
            } else {
                rows.append(.init(topic: argument.topic, partition: -1, error: ConsumerGroupsErrorText.message(.unknownTopicOrPartition)))
            }
        }
        var topLevel = KafkaErrorCode.none
        if !partitions.isEmpty {
            let (error, byPartition) = try await admin.deleteOffsets(group, partitions)
            topLevel = error
            for partition in partitions {
                let code = byPartition[partition] ?? error
                rows.append(.init(topic: partition.topic, partition: partition.partition, error: code == .none ? nil : ConsumerGroupsErrorText.message(code)))
            }
        } else {
            topLevel = .unknownTopicOrPartition
        }
        switch topLevel {
        case .none where rows.allSatisfy({ $0.error == nil }):
            print("Request succeed for deleting offsets with topic \(topics.joined(separator: ", ")) group \(group)")
        case .invalidGroupID: printError("'\(group)' is not valid.")
        case .groupIDNotFound: printError("'\(group)' does not exist.")
        case .nonEmptyGroup: printError("Deleting offsets of a consumer group '\(group)' is forbidden if the group is not empty.")
        case .none, .groupSubscribedToTopic, .unknownTopicOrPartition, .topicAuthorizationFailed:
            printError("Encounter some partition level error, see the follow-up details:")
        default: printError("Encounter some unknown error: \(topLevel.kafkaName)")
        }
        print(OffsetDeleteTable(rows: rows).render())
        if topLevel != .none || rows.contains(where: { $0.error != nil }) { throw ExitCode(1) }
    }
}
