import Synchronization

/// The broker's metadata cache: an immutable ``MetadataSnapshot`` swapped under a lock (reads are
/// hot and rare writes replace the whole value), fed by whichever control plane runs — UpdateMetadata
/// requests in ZooKeeper mode, the metadata log in KRaft mode.
public final class MetadataCache: Sendable {
    private let current = Mutex(MetadataSnapshot())

    public init() {}

    public var snapshot: MetadataSnapshot { current.withLock { $0 } }

    /// Applies `update` and returns the new snapshot.
    @discardableResult
    public func apply(_ update: MetadataUpdate) -> MetadataSnapshot {
        current.withLock { snapshot in
            snapshot.apply(update)
            return snapshot
        }
    }
}
