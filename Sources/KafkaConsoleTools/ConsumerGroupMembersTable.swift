/// What `kafka-consumer-groups.sh --describe --members [--verbose]` prints (Kafka 2.8
/// `printMembers`): GROUP, CONSUMER-ID, [GROUP-INSTANCE-ID,] HOST, CLIENT-ID, #PARTITIONS and, verbose,
/// ASSIGNMENT as `topic(0,1),other(2)`; the instance id column only when a member has one.
public struct ConsumerGroupMembersTable: Sendable {
    public struct Member: Sendable, Hashable {
        public var consumerId: String
        public var groupInstanceId: String
        public var host: String
        public var clientId: String
        /// topic → partitions.
        public var assignment: [String: [Int32]]

        public init(consumerId: String, groupInstanceId: String?, host: String, clientId: String, assignment: [String: [Int32]]) {
            self.consumerId = consumerId
            self.groupInstanceId = groupInstanceId ?? ""
            self.host = host
            self.clientId = clientId
            self.assignment = assignment
        }

        public var partitionCount: Int { assignment.values.reduce(0) { $0 + $1.count } }

        /// Kafka's verbose ASSIGNMENT: each topic with its sorted partitions, topics sorted; "-" if none.
        public var assignmentText: String {
            let parts = assignment.filter { !$0.value.isEmpty }.map { topic, partitions in
                topic + "(" + partitions.sorted().map(String.init).joined(separator: ",") + ")"
            }.sorted()
            return parts.isEmpty ? "-" : parts.joined(separator: ",")
        }
    }

    public var group: String
    public var members: [Member]
    public var verbose: Bool

    public init(group: String, members: [Member], verbose: Bool) {
        self.group = group
        self.members = members
        self.verbose = verbose
    }

    public func render() -> String {
        let groupWidth = max(15, group.count)
        let consumerWidth = max(15, members.map(\.consumerId.count).max() ?? 0)
        let instanceWidth = max(17, members.map(\.groupInstanceId.count).max() ?? 0)
        let hostWidth = max(15, members.map(\.host.count).max() ?? 0)
        let clientWidth = max(15, members.map(\.clientId.count).max() ?? 0)
        let withInstance = members.contains { !$0.groupInstanceId.isEmpty }
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        func line(_ consumer: String, _ instance: String, _ host: String, _ client: String, _ count: String, _ assignment: String) -> String {
            var out = pad(consumer, consumerWidth) + " "
            if withInstance { out += pad(instance, instanceWidth) + " " }
            out += pad(host, hostWidth) + " " + pad(client, clientWidth) + " " + pad(count, 15) + " "
            return out + (verbose ? assignment : "")
        }
        var lines = ["", pad("GROUP", groupWidth) + " " + line("CONSUMER-ID", "GROUP-INSTANCE-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNMENT")]
        for member in members {
            lines.append(
                pad(group, groupWidth) + " "
                    + line(member.consumerId, member.groupInstanceId, member.host, member.clientId, String(member.partitionCount), member.assignmentText))
        }
        return lines.joined(separator: "\n")
    }
}
