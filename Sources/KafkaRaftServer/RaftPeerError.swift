/// A quorum request could not be sent to a peer.
enum RaftPeerError: Error, CustomStringConvertible {
    case unknownVoter(Int32)

    var description: String {
        switch self {
        case .unknownVoter(let id): "voter \(id) is not in controller.quorum.voters"
        }
    }
}
