import ArgumentParser
import KafkaClient
import KafkaRaftProtocol

/// `describe --status` prints the quorum summary and `describe --replication` one row per voter
/// and observer, as Kafka 3.3's `MetadataQuorumCommand`. The leader answers DescribeQuorum; the
/// controllers named are asked in turn until one is the leader.
struct MetadataQuorumDescribeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "describe", abstract: "Describe the metadata quorum.")

    @Option(name: .customLong("bootstrap-controller"), help: "Comma-separated controller addresses, host:port.")
    var bootstrapController: String

    @Flag(help: "Summary of the quorum.") var status = false
    @Flag(help: "Each replica's log end offset and lag.") var replication = false

    func validate() throws {
        guard status != replication else { throw ValidationError("give exactly one of --status and --replication") }
    }

    func run() async throws {
        let partition = try await leaderView()
        if status {
            print(MetadataQuorumTable.status(partition))
        } else {
            print(MetadataQuorumTable.replication(partition))
        }
    }

    private func leaderView() async throws -> DescribeQuorumResponse.PartitionData {
        var problems: [String] = []
        for address in bootstrapController.split(separator: ",").map(String.init) {
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
                throw ValidationError("'\(address)' is not host:port")
            }
            let host = String(address[..<colon])
            do {
                let connection = try await KafkaConnection.connect(host: host, port: port, clientID: "metadata-quorum", timeout: .seconds(5))
                defer { Task { await connection.close() } }
                let response = try await connection.send(RaftWireCodec.describeQuorumRequest(), version: 0, timeout: .seconds(5))
                guard let partition = response.topics.first?.partitions.first else {
                    problems.append("\(address): empty DescribeQuorum response")
                    continue
                }
                if partition.errorCode == 0 { return partition }
                problems.append("\(address): not the leader (error \(partition.errorCode), leader \(partition.leaderId))")
            } catch {
                problems.append("\(address): \(error)")
            }
        }
        throw ValidationError("no controller answered as leader: " + problems.joined(separator: "; "))
    }
}
