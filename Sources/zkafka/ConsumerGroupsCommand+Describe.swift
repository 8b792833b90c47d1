import ArgumentParser
import Foundation
import KafkaClient
import KafkaConsoleTools
import KafkaProtocol

/// `--describe`'s three views (Kafka 2.8 `describeGroups`, `printOffsets`, `printMembers`, `printStates`).
extension ConsumerGroupsCommand {
    /// Prints the view; false when the group does not exist.
    static func describe(_ group: String, view: ConsumerGroupsAction.DescribeView, admin: ConsumerGroupsAdmin) async throws -> Bool {
        switch view {
        case .offsets:
            guard let description = try await admin.describe(group: group) else {
                print("Error: Consumer group '\(group)' does not exist.")
                return false
            }
            printStateNote(group, state: description.hasActiveMembers ? description.state : "Empty")
            print(description.table.render())
            return true
        case .members(let verbose):
            let (summary, _) = try await admin.describeGroup(group)
            guard summary.groupState != "Dead" else {
                print("Error: Consumer group '\(group)' does not exist.")
                return false
            }
            printStateNote(group, state: summary.groupState)
            let members = summary.members.map { member in
                let assignment = (try? ConsumerProtocolAssignment.decodeVersioned(member.memberAssignment))?.assignedPartitions ?? []
                return ConsumerGroupMembersTable.Member(
                    consumerId: member.memberId, groupInstanceId: member.groupInstanceId, host: member.clientHost, clientId: member.clientId,
                    assignment: Dictionary(assignment.map { ($0.topic, $0.partitions) }, uniquingKeysWith: +))
            }
            // Kafka prints the table only when the group has members (`shouldPrintMemberState`).
            if !members.isEmpty { print(ConsumerGroupMembersTable(group: group, members: members, verbose: verbose).render()) }
            return true
        case .state:
            let (summary, coordinator) = try await admin.describeGroup(group)
            guard summary.groupState != "Dead" else {
                print("Error: Consumer group '\(group)' does not exist.")
                return false
            }
            printStateNote(group, state: summary.groupState)
            print(ConsumerGroupStateTable(
                group: group, coordinatorHost: coordinator.address.host, coordinatorPort: coordinator.address.port,
                coordinatorId: coordinator.nodeId, assignmentStrategy: summary.protocolData, state: summary.groupState,
                memberCount: summary.members.count
            ).render())
            return true
        }
    }

    /// Kafka's notes before a table: an Empty group "has no active members", a rebalancing one a warning.
    static func printStateNote(_ group: String, state: String) {
        if state == "Empty" {
            print("\nConsumer group '\(group)' has no active members.")
        } else if state == "PreparingRebalance" || state == "CompletingRebalance" {
            print("\nWarning: Consumer group '\(group)' is rebalancing.")
        }
    }
}
