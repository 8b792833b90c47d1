import Foundation

/// The raw options of `zkafka consumer-groups`, checked as Kafka 2.8's
/// `ConsumerGroupCommandOptions.checkArgs` checks them, into one `ConsumerGroupsAction`.
public struct ConsumerGroupsOptions: Sendable {
    public var list = false
    public var describe = false
    public var delete = false
    public var resetOffsets = false
    public var deleteOffsets = false
    public var groups: [String] = []
    public var topics: [String] = []
    public var allTopics = false
    public var members = false
    public var offsets = false
    public var state = false
    public var verbose = false
    public var dryRun = false
    public var execute = false
    public var toEarliest = false
    public var toLatest = false
    public var toCurrent = false
    public var toOffset: Int64?
    public var shiftBy: Int64?
    public var toDatetime: String?

    public init() {}

    public func action(timeZone: TimeZone = .current) throws(ConsumerGroupsUsageError) -> ConsumerGroupsAction {
        let actions = [list, describe, delete, resetOffsets, deleteOffsets].filter { $0 }.count
        guard actions == 1 else {
            throw ConsumerGroupsUsageError(
                "Command must include exactly one action: --list, --describe, --delete, --reset-offsets, --delete-offsets")
        }
        try refuse(members || offsets || state, unless: describe, "[members], [offsets] and [state] go with [describe] only")
        try refuse(verbose, unless: describe, "[verbose] goes with [describe] only")
        let scenarioGiven = toEarliest || toLatest || toCurrent || toOffset != nil || shiftBy != nil || toDatetime != nil
        try refuse(scenarioGiven || dryRun || execute || allTopics, unless: resetOffsets,
                   "[to-earliest], [to-latest], [to-current], [to-offset], [shift-by], [to-datetime], [all-topics], [dry-run] and [execute] go with [reset-offsets] only")
        if list {
            try refuse(!groups.isEmpty || !topics.isEmpty, unless: false, "Option [list] takes no [group] or [topic]")
            return .list
        }
        if describe {
            guard !groups.isEmpty else { throw ConsumerGroupsUsageError("Option [describe] takes one of these options: [group]") }
            try refuse(!topics.isEmpty, unless: false, "Option [describe] takes no [topic]")
            guard [members, offsets, state].filter({ $0 }).count <= 1 else {
                throw ConsumerGroupsUsageError("Option [describe] takes at most one of these options: [members], [offsets], [state]")
            }
            let view: ConsumerGroupsAction.DescribeView = members ? .members(verbose: verbose) : state ? .state : .offsets
            return .describe(groups: groups, view: view)
        }
        if delete {
            guard !groups.isEmpty else { throw ConsumerGroupsUsageError("Option [delete] takes one of these options: [group]") }
            guard topics.isEmpty else {
                throw ConsumerGroupsUsageError("The consumer does not support topic-specific offset deletion from a consumer group.")
            }
            return .delete(groups: groups)
        }
        if deleteOffsets {
            guard groups.count == 1, !topics.isEmpty else {
                throw ConsumerGroupsUsageError("Option [delete-offsets] takes the following options: [group], [topic] (one group)")
            }
            return .deleteOffsets(group: groups[0], topics: topics)
        }
        // --reset-offsets
        guard groups.count == 1 else { throw ConsumerGroupsUsageError("Option [reset-offsets] takes one [group]") }
        guard !(dryRun && execute) else { throw ConsumerGroupsUsageError("Option [reset-offsets] only accepts one of [execute] and [dry-run]") }
        let scenarios = [toEarliest, toLatest, toCurrent, toOffset != nil, shiftBy != nil, toDatetime != nil].filter { $0 }.count
        guard scenarios == 1 else {
            throw ConsumerGroupsUsageError(
                "Option [reset-offsets] takes exactly one of these options: [to-datetime], [to-earliest], [to-latest], [shift-by], [to-current], [to-offset]")
        }
        let scope: OffsetResetScope
        switch (allTopics, topics.isEmpty) {
        case (true, false): throw ConsumerGroupsUsageError("Option [reset-offsets] takes [all-topics] or [topic], not both")
        case (false, true): throw ConsumerGroupsUsageError("One of the reset scopes should be defined: --all-topics, --topic.")
        case (true, true): scope = .allTopics
        case (false, false): scope = .topics(try topics.map { arg throws(ConsumerGroupsUsageError) in try OffsetResetScope.TopicArgument(parsing: arg) })
        }
        let scenario: OffsetResetScenario
        if toEarliest { scenario = .toEarliest }
        else if toLatest { scenario = .toLatest }
        else if toCurrent { scenario = .toCurrent }
        else if let toOffset { scenario = .toOffset(toOffset) }
        else if let shiftBy { scenario = .shiftBy(shiftBy) }
        else { scenario = .toDatetime(try KafkaDateTime.parse(toDatetime!, timeZone: timeZone)) }
        return .resetOffsets(group: groups[0], scope: scope, scenario: scenario, execute: execute, modeGiven: dryRun || execute)
    }

    private func refuse(_ condition: Bool, unless allowed: Bool, _ message: String) throws(ConsumerGroupsUsageError) {
        if condition && !allowed { throw ConsumerGroupsUsageError(message) }
    }
}
