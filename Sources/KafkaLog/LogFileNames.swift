import KafkaModel

/// File and directory names of Kafka 2.8's log layout (`kafka.log.Log` companion object).
enum LogFileNames {
    static let logSuffix = ".log"
    static let indexSuffix = ".index"
    static let timeIndexSuffix = ".timeindex"
    static let deletedSuffix = ".deleted"
    static let deleteDirSuffix = "-delete"
    /// A segment being written by the log cleaner (`Log.CleanedFileSuffix`).
    static let cleanedSuffix = ".cleaned"
    /// A cleaned segment about to replace the old ones (`Log.SwapFileSuffix`).
    static let swapSuffix = ".swap"
    static let cleanerCheckpoint = "cleaner-offset-checkpoint"
    static let cleanShutdownFile = ".kafka_cleanshutdown"
    static let recoveryPointCheckpoint = "recovery-point-offset-checkpoint"
    static let logStartOffsetCheckpoint = "log-start-offset-checkpoint"
    static let replicationOffsetCheckpoint = "replication-offset-checkpoint"

    /// `Log.filenamePrefixFromOffset`: the offset zero-padded to 20 digits.
    static func prefix(_ offset: Int64) -> String {
        let digits = String(offset)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    static func logFile(_ dir: String, _ base: Int64) -> String { "\(dir)/\(prefix(base))\(logSuffix)" }
    static func indexFile(_ dir: String, _ base: Int64) -> String { "\(dir)/\(prefix(base))\(indexSuffix)" }
    static func timeIndexFile(_ dir: String, _ base: Int64) -> String { "\(dir)/\(prefix(base))\(timeIndexSuffix)" }

    /// The base offset a segment file name encodes, if `name` ends with `suffix`.
    static func baseOffset(of name: String, suffix: String) -> Int64? {
        guard name.hasSuffix(suffix) else { return nil }
        let stem = name.dropLast(suffix.count)
        guard stem.count == 20, stem.allSatisfy(\.isASCII), stem.allSatisfy(\.isNumber) else { return nil }
        return Int64(stem)
    }

    /// `Log.parseTopicPartitionName`: `<topic>-<partition>`, split at the last `-`.
    static func topicPartition(fromDirectoryName name: String) -> TopicPartition? {
        guard let dash = name.lastIndex(of: "-") else { return nil }
        let topic = String(name[..<dash])
        guard !topic.isEmpty, let partition = Int32(name[name.index(after: dash)...]), partition >= 0 else { return nil }
        return TopicPartition(topic: topic, partition: partition)
    }

    static func directoryName(_ tp: TopicPartition) -> String { "\(tp.topic)-\(tp.partition)" }

    /// `<dir>/<topic>-<partition>`, stored without spare capacity: the log, its state, segment and files keep
    /// this string for the log's lifetime, and `dir + "/" + name` grew its buffer to twice its length while
    /// appending (issue 14: about 50 bytes per partition at 100,000).
    static func logDirectory(_ dir: String, _ tp: TopicPartition) -> String {
        let name = directoryName(tp)
        var path = String()
        path.reserveCapacity(dir.utf8.count + 1 + name.utf8.count)
        path += dir
        path += "/"
        path += name
        return path
    }
}
