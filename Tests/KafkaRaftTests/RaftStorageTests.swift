import Foundation
import KafkaRaft
import KafkaRaftProtocol
import KafkaRaftStorage
import Testing

/// The file-backed shell pieces, in temporary directories.
@Suite(.tags(.unit)) struct RaftStorageTests {
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "kraft-storage-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func records(_ count: Int, epoch: Int32 = 1) -> [RaftRecord] {
        (0..<count).map { RaftRecord(epoch: epoch, payload: .data([UInt8($0), 0xAB])) }
    }

    @Test func quorumState_isKafkasOneLineJSON_andReadsBack() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = FileQuorumStateStore(directory: directory)
        #expect(try store.read() == nil)
        let data = QuorumStateData(leaderEpoch: 2, leaderId: 1, votedId: nil, currentVoters: [1, 2, 3])
        try store.write(data)
        let text = try String(contentsOfFile: directory + "/quorum-state", encoding: .utf8)
        #expect(text == #"{"clusterId":"","leaderId":1,"leaderEpoch":2,"votedId":-1,"appliedOffset":0,"currentVoters":[{"voterId":1},{"voterId":2},{"voterId":3}],"data_version":0}"#)
        #expect(try store.read() == data)
        #expect(!FileManager.default.fileExists(atPath: directory + "/quorum-state.tmp"))
    }

    @Test func quorumState_readsKafkasOwnFile_andRejectsOneWithoutDataVersion() throws {
        let kafka = #"{"clusterId":"","leaderId":-1,"leaderEpoch":7,"votedId":3,"appliedOffset":0,"currentVoters":[{"voterId":1},{"voterId":3}],"targetVoters":null,"data_version":0}"#
        let data = try FileQuorumStateStore.decode(Array(kafka.utf8))
        #expect(data == QuorumStateData(leaderEpoch: 7, leaderId: nil, votedId: 3, currentVoters: [1, 3]))
        #expect(throws: RaftStorageError.self) { try FileQuorumStateStore.decode(Array(#"{"leaderId":1}"#.utf8)) }
    }

    @Test func metadataLog_appendsFlushesAndReloads() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let leaderChange = RaftRecord(epoch: 1, payload: .leaderChange(leaderId: 2, voters: [1, 2, 3]))
        do {
            let log = try MetadataLogFile(directory: directory)
            #expect(try log.load().isEmpty)
            try log.append(baseOffset: 0, records: [leaderChange] + Self.records(3))
            try log.flush()
            try log.truncate(toEndOffset: 3)
            try log.append(baseOffset: 3, records: Self.records(1, epoch: 2))
            try log.flush()
        }
        #expect(FileManager.default.fileExists(atPath: directory + "/00000000000000000000.log"))
        let reopened = try MetadataLogFile(directory: directory)
        let records = try reopened.load()
        #expect(records == [leaderChange] + Self.records(2) + Self.records(1, epoch: 2))
        #expect(reopened.endOffset == 4)
    }

    @Test func metadataLog_cutsATornTail() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let log = try MetadataLogFile(directory: directory)
            _ = try log.load()
            try log.append(baseOffset: 0, records: Self.records(2))
            try log.flush()
        }
        let path = directory + "/00000000000000000000.log"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let intact = bytes.count
        bytes += RaftRecordBatchCodec.encode(Self.records(1)[0], offset: 2).prefix(30)
        try bytes.write(to: URL(fileURLWithPath: path))
        let reopened = try MetadataLogFile(directory: directory)
        #expect(try reopened.load() == Self.records(2))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).count == intact)
    }

    @Test func metadataLog_deletesThePrefixASnapshotCovers() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try MetadataLogFile(directory: directory)
        _ = try log.load()
        try log.append(baseOffset: 0, records: Self.records(5))
        try log.deletePrefix(newStartOffset: 3)
        #expect(log.startOffset == 3)
        #expect(!FileManager.default.fileExists(atPath: directory + "/00000000000000000000.log"))
        let reopened = try MetadataLogFile(directory: directory)
        #expect(try reopened.load() == Array(Self.records(5)[3...]))
        #expect(reopened.startOffset == 3 && reopened.endOffset == 5)
    }

    @Test func snapshots_areCheckpointFiles_newestKept() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = SnapshotFileStore(directory: directory)
        #expect(try store.latest() == nil)
        try store.write(RaftSnapshot(id: OffsetAndEpoch(offset: 10, epoch: 1), data: [1]))
        let newer = RaftSnapshot(id: OffsetAndEpoch(offset: 20, epoch: 2), data: [2, 2])
        try store.write(newer)
        #expect(try store.latest() == newer)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(names == ["00000000000000000020-0000000002.checkpoint"])
    }

    /// A single-voter quorum on disk: elect, commit, restart from the files, elect again.
    @Test func diskStorage_carriesACoreAcrossARestart() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func run(_ storage: RaftDiskStorage, _ raft: inout RaftInstance, _ directives: [RaftDirective], now: Int64) throws {
            var pending = directives
            while !pending.isEmpty {
                let directive = pending.removeFirst()
                try storage.apply(directive)
                if case .flushLog = directive {
                    pending += raft.onLogFlushed(endOffset: try storage.flush(), now: now)
                }
            }
        }
        do {
            let storage = try RaftDiskStorage(directory: directory)
            let (quorumState, log) = try storage.load()
            var raft = RaftInstance(localId: 1, voters: [1], quorumState: quorumState, log: log, now: 0, seed: 1)
            try run(storage, &raft, raft.start(now: 0), now: 0)
            try run(storage, &raft, raft.onTick(now: raft.nextDeadline), now: 2000)
            #expect(raft.state.isLeader)
            let (_, appended) = raft.append([[7, 7]], now: 2001)
            try run(storage, &raft, appended, now: 2001)
            #expect(raft.highWatermark == 2)
            try run(storage, &raft, raft.createSnapshot(endOffset: 1, data: [9], now: 2002), now: 2002)
        }
        let storage = try RaftDiskStorage(directory: directory)
        let (quorumState, log) = try storage.load()
        #expect(quorumState?.leaderId == 1 && quorumState?.leaderEpoch == 1)
        #expect(log.startOffset == 1 && log.latestSnapshot?.id == OffsetAndEpoch(offset: 1, epoch: 1))
        #expect(log.records == [RaftRecord(epoch: 1, payload: .data([7, 7]))])
        var raft = RaftInstance(localId: 1, voters: [1], quorumState: quorumState, log: log, now: 0, seed: 2)
        guard case .resigned = raft.state else {
            Issue.record("a restarted leader comes back Resigned, got \(raft.state.name)")
            return
        }
        try run(storage, &raft, raft.onTick(now: raft.nextDeadline), now: 3000)
        #expect(raft.state.isLeader && raft.epoch == 2)
        #expect(raft.highWatermark == 3)
    }
}
