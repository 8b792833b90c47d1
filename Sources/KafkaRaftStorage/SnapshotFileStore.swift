import KafkaRaft

/// KIP-630 snapshot files in the metadata log directory: `<endOffset 20 digits>-<epoch 10
/// digits>.checkpoint`, written as `.checkpoint.part`, fsynced and renamed into place; older ones
/// are deleted once a newer one is durable. The content is the state machine's bytes as given.
public struct SnapshotFileStore: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public func write(_ snapshot: RaftSnapshot) throws(RaftStorageError) {
        try DurableFile.replace(directory + "/" + snapshot.fileName, with: snapshot.data, temporarySuffix: ".part")
        for name in try DurableFile.list(directory) where name.hasSuffix(".checkpoint") && name != snapshot.fileName {
            if let id = Self.parse(name), id < snapshot.id { try DurableFile.remove(directory + "/" + name) }
        }
    }

    /// The newest complete snapshot.
    public func latest() throws(RaftStorageError) -> RaftSnapshot? {
        let ids = try DurableFile.list(directory).compactMap(Self.parse)
        guard let id = ids.max(by: { $0.offset < $1.offset }) else { return nil }
        let path = directory + "/" + RaftSnapshot(id: id, data: []).fileName
        guard let data = try DurableFile.readAll(path) else { return nil }
        return RaftSnapshot(id: id, data: data)
    }

    static func parse(_ name: String) -> OffsetAndEpoch? {
        guard name.hasSuffix(".checkpoint") else { return nil }
        let stem = name.dropLast(".checkpoint".count).split(separator: "-")
        guard stem.count == 2, stem[0].count == 20, stem[1].count == 10, let offset = Int64(stem[0]), let epoch = Int32(stem[1])
        else { return nil }
        return OffsetAndEpoch(offset: offset, epoch: epoch)
    }
}
