import Foundation
import KafkaConfig

/// The broker's `log.dirs`: created if missing, each holding Kafka's `meta.properties`
/// (`version=0`, `broker.id`, `cluster.id`), which must match on every start.
enum LogDirectories {
    static func prepare(_ directories: [String]) throws {
        for directory in directories {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw BrokerStartupError("cannot create log directory \(directory): \(error.localizedDescription)")
            }
        }
    }

    static func checkOrWriteMetaProperties(_ directories: [String], brokerID: Int32, clusterID: String) throws {
        for directory in directories {
            let path = directory + "/meta.properties"
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                let values = (try? JavaProperties(parsing: text).values) ?? [:]
                if let stored = values["cluster.id"], stored != clusterID {
                    throw BrokerStartupError(
                        "the cluster id \(clusterID) in ZooKeeper does not match the cluster.id \(stored) stored in \(path); this log directory belongs to another cluster")
                }
                if let stored = values["broker.id"], stored != String(brokerID) {
                    throw BrokerStartupError(
                        "configured broker.id \(brokerID) does not match broker.id \(stored) stored in \(path)")
                }
                continue
            }
            let contents = "#\n#\(Date())\nversion=0\nbroker.id=\(brokerID)\ncluster.id=\(clusterID)\n"
            do {
                try contents.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw BrokerStartupError("cannot write \(path): \(error.localizedDescription)")
            }
        }
    }
}

/// A broker could not start; the message says why.
public struct BrokerStartupError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
