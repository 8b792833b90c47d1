/// Why a local cluster operation failed. A struct with an open set of codes (rather than a public
/// enum) so new failure kinds do not break callers; `message` is written for the person at the
/// terminal and says what to do next.
public struct LocalClusterError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }

        public static let invalidArgument = Code("invalidArgument")
        public static let zookeeperNotInstalled = Code("zookeeperNotInstalled")
        public static let javaNotInstalled = Code("javaNotInstalled")
        public static let clusterAlreadyRunning = Code("clusterAlreadyRunning")
        public static let noCluster = Code("noCluster")
        public static let portTaken = Code("portTaken")
        public static let noFreePort = Code("noFreePort")
        public static let serverDidNotComeUp = Code("serverDidNotComeUp")
        public static let unknownMember = Code("unknownMember")
        public static let memberNotRunning = Code("memberNotRunning")
        public static let memberAlreadyRunning = Code("memberAlreadyRunning")
        public static let processDidNotStop = Code("processDidNotStop")
        public static let spawnFailed = Code("spawnFailed")
        public static let fileSystem = Code("fileSystem")
        public static let containerEngineUnavailable = Code("containerEngineUnavailable")
        public static let containerCommandFailed = Code("containerCommandFailed")
        public static let needsContainers = Code("needsContainers")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
