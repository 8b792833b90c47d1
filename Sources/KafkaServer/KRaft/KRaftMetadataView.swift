import KafkaModel
import KafkaQuorumController
import Synchronization

/// The last metadata image a KRaft broker published, and its broker epoch, shared by the parts that
/// read it outside the metadata listener (topic administration, the ISR writer).
final class KRaftMetadataView: Sendable {
    private let current = Mutex(MetadataImage.empty)
    private let epoch = Atomic<Int64>(-1)

    var image: MetadataImage { current.withLock { $0 } }
    func publish(_ image: MetadataImage) { current.withLock { $0 = image } }

    /// The broker epoch the controller assigned at registration (-1 before).
    var brokerEpoch: Int64 {
        get { epoch.load(ordering: .relaxed) }
        set { epoch.store(newValue, ordering: .relaxed) }
    }
}
