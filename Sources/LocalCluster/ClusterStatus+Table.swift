import Foundation

extension ClusterStatus {
    /// The human-readable form `zkafka cluster status` prints.
    public func table() -> String {
        let inContainers = (zookeeper.map(\.container) + brokers.map(\.container)).contains { $0 != nil }
        var rows: [[String]] = [["MEMBER", inContainers ? "CONTAINER" : "PID", "PORT", "STATE"]]
        func cut(_ partitioned: Bool?) -> String { partitioned == true ? " (partitioned: off the network)" : "" }
        for server in zookeeper {
            rows.append([
                "zookeeper \(server.id)", server.container ?? server.pid.map(String.init) ?? "-", "\(server.clientPort)",
                server.mode.rawValue + cut(server.partitioned),
            ])
        }
        for controller in controllers {
            let quorum = controller.quorum
            let state = quorum.epoch.map { "\(quorum.role) (epoch \($0))" } ?? quorum.role
            rows.append(["controller \(controller.id)", controller.pid.map(String.init) ?? "-", "\(controller.port)", state])
        }
        for broker in brokers {
            rows.append([
                "broker \(broker.id)", broker.container ?? broker.pid.map(String.init) ?? "-", "\(broker.port)",
                broker.state.rawValue + cut(broker.partitioned),
            ])
        }
        let widths = (0..<4).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { row in
            row.enumerated().map { column, cell in
                column == 3 ? cell : cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
            }.joined()
        }
        let quorumKey = mode == ClusterMode.kraft.rawValue ? "controller.quorum.voters" : "zookeeper.connect"
        var text = "cluster \(directory)\n\(quorumKey)=\(connect)\n\n" + lines.joined(separator: "\n") + "\n"
        if brokers.isEmpty { text += "(no brokers)\n" }
        return text
    }
}
