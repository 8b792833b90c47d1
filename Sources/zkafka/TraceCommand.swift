import ArgumentParser
import ControllerTraceReader
import Foundation
import KafkaGroupCoordinator
import KafkaModel
import LocalCluster

/// `zkafka trace`: every broker's `controller-trace.jsonl` of a local cluster, merged into one timeline.
struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract: "Merge a local cluster's controller traces into one timeline.",
        discussion: """
            Reads <logDir>/controller-trace.jsonl of every broker listed in DIR/cluster.json and prints, in time \
            order, who became controller with which epoch, the events each controller processed and the \
            partition and replica state transitions that followed. Malformed lines are reported (file:line) \
            on stderr and skipped. --topic/--partition keep those transitions and the events that caused them \
            (plus elections and broker changes); --broker keeps what that broker's controller wrote and the \
            transitions of its replicas. --groups adds the group coordinators' transitions \
            (<logDir>/group-coordinator-trace.jsonl: state, generation, leader, members, assignments) to the \
            same timeline; --group G shows only that group's, with the controller's records.
            """
    )

    @OptionGroup var directory: ClusterDirectoryOption

    @Flag(help: "Print the merged records as JSON lines (with `broker` and `time`) instead of a timeline.")
    var json = false

    @Option(help: "Only this topic's transitions (and the events that caused them).")
    var topic: String?

    @Option(help: "Only this partition number's transitions.")
    var partition: Int32?

    @Option(help: "Only what this broker's controller wrote, and transitions of its replicas.")
    var broker: Int32?

    @Option(help: "Only records at or after this time: epoch milliseconds or ISO 8601 (2024-05-01T12:00:00Z).")
    var since: String?

    @Flag(help: "Also show the group coordinators' group transitions (group-coordinator-trace.jsonl).")
    var groups = false

    @Option(help: "Show this group's transitions (implies --groups).")
    var group: String?

    @Flag(help: "Show every LeaderAndIsr/UpdateMetadata response event instead of folding them.")
    var allResponses = false

    func validate() throws {
        if let since, TraceTimestamp.parseMilliseconds(since) == nil {
            throw ValidationError("--since '\(since)' is neither epoch milliseconds nor an ISO 8601 time")
        }
    }

    func run() throws {
        let trace = try TraceCommand.readTrace(directory: directory.directory)
        let filter = TraceFilter(
            topic: topic, partition: partition, brokerID: broker, sinceMs: since.flatMap(TraceTimestamp.parseMilliseconds))
        let entries = filter.apply(to: trace.entries)
        var groupRecords: [GroupTraceRecord] = []
        if groups || group != nil {
            let read = GroupTraceReader.read(try TraceCommand.groupTracePaths(directory: directory.directory))
            for problem in read.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
            let sinceMs = since.flatMap(TraceTimestamp.parseMilliseconds)
            groupRecords = read.records.filter { record in
                (group == nil || record.group == group) && (broker == nil || record.broker == broker)
                    && (sinceMs.map { record.timeMs >= $0 } ?? true)
            }
        }
        if json {
            print(try TraceTimelineRenderer.jsonLines(entries), terminator: "")
            for record in groupRecords { print(try record.jsonLine()) }
        } else if entries.isEmpty && groupRecords.isEmpty {
            print("No trace records match.")
        } else {
            let controllerRenderer = TraceTimelineRenderer(foldBrokerResponses: !allResponses)
            for line in GroupTimelineRenderer().merged(controller: entries, groups: groupRecords, controllerRenderer: controllerRenderer) {
                print(line)
            }
        }
    }

    /// Every broker's `<logDir>/group-coordinator-trace.jsonl` of the cluster in `directory`.
    static func groupTracePaths(directory: String) throws -> [String] {
        do {
            return try LocalCluster(directory: directory).descriptor().brokers.map {
                ($0.logDir as NSString).appendingPathComponent(GroupTraceReader.fileName)
            }
        } catch let error as LocalClusterError {
            throw TraceCommandError(error.message)
        }
    }

    /// Reads the traces of the cluster in `directory`, reporting malformed lines on stderr. Throws a clear
    /// error when there is no cluster or no trace at all.
    static func readTrace(directory: String) throws -> MergedControllerTrace {
        let cluster = LocalCluster(directory: directory)
        let descriptor: ClusterDescriptor
        do {
            descriptor = try cluster.descriptor()
        } catch let error as LocalClusterError {
            throw TraceCommandError(error.message)
        }
        // ZooKeeper mode: every broker may be the controller. KRaft: the controllers write the trace (in their
        // log dirs, the same file name); brokers are listed too, for whatever they trace.
        let sources = (descriptor.controllers + descriptor.brokers).map {
            TraceSource(brokerID: BrokerID($0.id), path: ($0.logDir as NSString).appendingPathComponent("controller-trace.jsonl"))
        }
        guard !sources.isEmpty else { throw TraceCommandError("the cluster in \(cluster.directory) has no brokers, so no controller traces") }
        let trace = ControllerTraceReader.read(sources)
        for problem in trace.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
        if trace.missingFiles.count == sources.count {
            throw TraceCommandError(
                "no controller traces in \(cluster.directory): none of \(trace.missingFiles.joined(separator: ", ")) exists "
                    + "(have the brokers started?)")
        }
        return trace
    }
}

/// A `zkafka trace` failure, printed as `Error: <message>`.
struct TraceCommandError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
