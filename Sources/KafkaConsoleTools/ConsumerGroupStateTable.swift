/// What `kafka-consumer-groups.sh --describe --state` prints (Kafka 2.8 `printStates`): GROUP,
/// COORDINATOR (ID) as `host:port (id)`, ASSIGNMENT-STRATEGY, STATE, #MEMBERS. As in Kafka the first
/// column is as wide as the coordinator text (at least 25).
public struct ConsumerGroupStateTable: Sendable, Equatable {
    public var group: String
    public var coordinatorHost: String
    public var coordinatorPort: Int
    public var coordinatorId: Int32
    public var assignmentStrategy: String
    public var state: String
    public var memberCount: Int

    public init(
        group: String, coordinatorHost: String, coordinatorPort: Int, coordinatorId: Int32, assignmentStrategy: String, state: String,
        memberCount: Int
    ) {
        self.group = group
        self.coordinatorHost = coordinatorHost
        self.coordinatorPort = coordinatorPort
        self.coordinatorId = coordinatorId
        self.assignmentStrategy = assignmentStrategy
        self.state = state
        self.memberCount = memberCount
    }

    public func render() -> String {
        let coordinator = "\(coordinatorHost):\(coordinatorPort) (\(coordinatorId))"
        let firstWidth = max(25, coordinator.count)
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        func line(_ columns: [String]) -> String {
            pad(columns[0], firstWidth) + " " + pad(columns[1], 25) + " " + pad(columns[2], 20) + " " + pad(columns[3], 15) + " " + columns[4]
        }
        return [
            "",
            line(["GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS"]),
            line([group, coordinator, assignmentStrategy, state, String(memberCount)]),
        ].joined(separator: "\n")
    }
}
