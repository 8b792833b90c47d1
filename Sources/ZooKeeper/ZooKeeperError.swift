/// An error from ZooKeeper or from the C client, carrying the operation and path it concerns.
///
/// `Code` is an extensible struct (not a public enum) so new codes are not breaking changes. The one
/// mapping from the C client's `ZOO_ERRORS` values lives in `Code.init(rawValue:)`: the raw value *is*
/// the C code, so nothing can drift.
public struct ZooKeeperError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A ZooKeeper result code. The raw value is the C client's `ZOO_ERRORS` value.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// `ZOK`: success. Seen only in a failed multi's results, for the ops before the failing one.
        public static let ok = Code(rawValue: 0)
        /// `ZSYSTEMERROR`
        public static let systemError = Code(rawValue: -1)
        /// `ZRUNTIMEINCONSISTENCY`; in a failed multi, the ops rolled back because another op failed.
        public static let runtimeInconsistency = Code(rawValue: -2)
        /// `ZDATAINCONSISTENCY`
        public static let dataInconsistency = Code(rawValue: -3)
        /// `ZCONNECTIONLOSS`: the outcome of the request is unknown; the session may still be alive.
        public static let connectionLoss = Code(rawValue: -4)
        /// `ZMARSHALLINGERROR`
        public static let marshallingError = Code(rawValue: -5)
        /// `ZUNIMPLEMENTED`
        public static let unimplemented = Code(rawValue: -6)
        /// `ZOPERATIONTIMEOUT`
        public static let operationTimeout = Code(rawValue: -7)
        /// `ZBADARGUMENTS`
        public static let badArguments = Code(rawValue: -8)
        /// `ZINVALIDSTATE`: the handle is in a state (expired, closed) that accepts no requests.
        public static let invalidState = Code(rawValue: -9)
        /// `ZNEWCONFIGNOQUORUM`
        public static let newConfigNoQuorum = Code(rawValue: -13)
        /// `ZRECONFIGINPROGRESS`
        public static let reconfigInProgress = Code(rawValue: -14)
        /// `ZSSLCONNECTIONERROR`
        public static let sslConnectionError = Code(rawValue: -15)
        /// `ZAPIERROR`
        public static let apiError = Code(rawValue: -100)
        /// `ZNONODE`
        public static let noNode = Code(rawValue: -101)
        /// `ZNOAUTH`
        public static let noAuth = Code(rawValue: -102)
        /// `ZBADVERSION`: a conditional write's expected version did not match.
        public static let badVersion = Code(rawValue: -103)
        /// `ZNOCHILDRENFOREPHEMERALS`
        public static let noChildrenForEphemerals = Code(rawValue: -108)
        /// `ZNODEEXISTS`
        public static let nodeExists = Code(rawValue: -110)
        /// `ZNOTEMPTY`
        public static let notEmpty = Code(rawValue: -111)
        /// `ZSESSIONEXPIRED`
        public static let sessionExpired = Code(rawValue: -112)
        /// `ZINVALIDCALLBACK`
        public static let invalidCallback = Code(rawValue: -113)
        /// `ZINVALIDACL`
        public static let invalidACL = Code(rawValue: -114)
        /// `ZAUTHFAILED`
        public static let authFailed = Code(rawValue: -115)
        /// `ZCLOSING`: the handle is being closed; pending requests are answered with this.
        public static let closing = Code(rawValue: -116)
        /// `ZNOTHING`
        public static let nothing = Code(rawValue: -117)
        /// `ZSESSIONMOVED`
        public static let sessionMoved = Code(rawValue: -118)
        /// `ZNOTREADONLY`
        public static let notReadOnly = Code(rawValue: -119)
        /// `ZEPHEMERALONLOCALSESSION`
        public static let ephemeralOnLocalSession = Code(rawValue: -120)
        /// `ZNOWATCHER`
        public static let noWatcher = Code(rawValue: -121)
        /// `ZRECONFIGDISABLED`
        public static let reconfigDisabled = Code(rawValue: -123)
        /// `ZSESSIONCLOSEDREQUIRESASLAUTH`
        public static let sessionClosedRequireSASLAuth = Code(rawValue: -124)
        /// `ZTHROTTLEDOP`
        public static let throttledOperation = Code(rawValue: -127)

        private static let names: [Int32: String] = [
            0: "OK", -1: "SYSTEMERROR", -2: "RUNTIMEINCONSISTENCY", -3: "DATAINCONSISTENCY", -4: "CONNECTIONLOSS",
            -5: "MARSHALLINGERROR", -6: "UNIMPLEMENTED", -7: "OPERATIONTIMEOUT", -8: "BADARGUMENTS",
            -9: "INVALIDSTATE", -13: "NEWCONFIGNOQUORUM", -14: "RECONFIGINPROGRESS", -15: "SSLCONNECTIONERROR",
            -100: "APIERROR", -101: "NONODE", -102: "NOAUTH", -103: "BADVERSION", -108: "NOCHILDRENFOREPHEMERALS",
            -110: "NODEEXISTS", -111: "NOTEMPTY", -112: "SESSIONEXPIRED", -113: "INVALIDCALLBACK",
            -114: "INVALIDACL", -115: "AUTHFAILED", -116: "CLOSING", -117: "NOTHING", -118: "SESSIONMOVED",
            -119: "NOTREADONLY", -120: "EPHEMERALONLOCALSESSION", -121: "NOWATCHER", -123: "RECONFIGDISABLED",
            -124: "SESSIONCLOSEDREQUIRESASLAUTH", -127: "THROTTLEDOP",
        ]

        /// ZooKeeper's own name for the code (`NONODE`, `BADVERSION`, ...), as its CLI and logs print it.
        public var name: String { Self.names[rawValue] ?? "UNKNOWN(\(rawValue))" }
        public var description: String { name }

        /// Whether retrying the same request may succeed (the Java client's recoverable codes).
        public var isRetriable: Bool {
            self == .connectionLoss || self == .operationTimeout || self == .throttledOperation
        }

        /// Whether the session is gone: the owner must open a new session (Kafka re-registers then).
        public var isSessionFatal: Bool {
            self == .sessionExpired || self == .authFailed || self == .closing || self == .invalidState
                || self == .sessionClosedRequireSASLAuth
        }
    }

    /// What was being done when the error happened.
    public enum Operation: String, Sendable {
        case connect, create, delete, exists, getData, setData, getChildren, getACL, setACL, multi, sync
        case addAuth, close
    }

    public var code: Code
    public var operation: Operation
    /// The znode path concerned, if any (for a failed multi: the path of the first failing op).
    public var path: String?
    /// For a failed multi: each op's result, all `.failed`: `ok` for the ops before the failing one,
    /// its code for the failing op, `runtimeInconsistency` for the ops after it. Nothing was applied.
    public var multiResults: [ZooKeeperOperationResult]
    /// Free text adding context (for example a timeout's length).
    public var detail: String?

    public init(
        code: Code, operation: Operation, path: String? = nil,
        multiResults: [ZooKeeperOperationResult] = [], detail: String? = nil
    ) {
        self.code = code
        self.operation = operation
        self.path = path
        self.multiResults = multiResults
        self.detail = detail
    }

    public var description: String {
        var text = "ZooKeeper \(operation.rawValue)"
        if let path { text += " \(path)" }
        text += " failed: \(code.name)"
        if let detail { text += " (\(detail))" }
        return text
    }
}
