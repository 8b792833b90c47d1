import KafkaModel
import KafkaProtocol
import Testing

@testable import KafkaLog

/// The pure parts of the log cleaner: offset map, retain rule, batch filter.
@Suite(.tags(.unit)) struct CleanerRulesTests {
    func key(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func offsetMap_keepsLatestOffsetPerKey_andFillsAtLoadFactor() {
        var map = OffsetMap(memory: 24 * 10, loadFactor: 0.5)
        #expect(map.slots == 10)
        #expect(map.capacity == 5)
        #expect(map.get(key("a")) == -1)
        map.put(key: key("a"), offset: 3)
        map.put(key: key("b"), offset: 4)
        map.put(key: key("a"), offset: 7)
        #expect(map.get(key("a")) == 7)
        #expect(map.get(key("b")) == 4)
        #expect(map.size == 2)
        #expect(map.latestOffset == 7)
        #expect(!map.isFull)
        for i in 0..<3 { map.put(key: key("k\(i)"), offset: 10 + Int64(i)) }
        #expect(map.isFull)
        #expect(map.utilization == 0.5)
    }

    @Test func retainRule_keepsOnlyLatestPerKey_valuesAlways_tombstonesUntilHorizon() {
        var map = OffsetMap(memory: 24 * 100)
        map.put(key: key("a"), offset: 5)
        map.put(key: key("b"), offset: 6)
        map.updateLatestOffset(9)
        func retain(_ k: String?, _ offset: Int64, value: Bool = true, deletes: Bool = true) -> Bool {
            CleanerRetainRule.shouldRetain(
                key: k.map(key), hasValue: value, offset: offset, map: map, retainDeletes: deletes)
        }
        #expect(!retain("a", 2))  // superseded
        #expect(retain("a", 5))  // the latest
        #expect(retain("c", 1))  // not in the map: latest
        #expect(!retain(nil, 3))  // no key: dropped (Kafka 2.8)
        #expect(retain("b", 6, value: false, deletes: true))  // tombstone before the horizon
        #expect(!retain("b", 6, value: false, deletes: false))  // tombstone past the horizon
        #expect(retain("a", 10))  // beyond the map: untouched
        #expect(retain(nil, 12, value: false, deletes: false))
    }

    @Test func deleteHorizon_fromLastCleanSegment() {
        #expect(CleanerRetainRule.deleteHorizonMs(lastCleanSegmentLastModifiedMs: nil, deleteRetentionMs: 100) == 0)
        #expect(CleanerRetainRule.deleteHorizonMs(lastCleanSegmentLastModifiedMs: 1_000, deleteRetentionMs: 100) == 900)
        #expect(CleanerRetainRule.retainDeletes(segmentLastModifiedMs: 901, deleteHorizonMs: 900))
        #expect(!CleanerRetainRule.retainDeletes(segmentLastModifiedMs: 900, deleteHorizonMs: 900))
    }

    @Test func batchFilter_keepsOffsetsHeadersAndProducerFields() throws {
        var batch = RecordBatch(
            baseOffset: 100, baseTimestamp: 1_000, compression: .gzip,
            records: [
                (key("a"), [1], [RecordHeader(key: "h", value: [9])], 1_000),
                (key("b"), [2], [], 1_005),
                (key("a"), [3], [], 1_002),
                (key("c"), nil, [], 1_003),
            ])
        batch.header.partitionLeaderEpoch = 7
        batch.header.producerId = 42
        batch.header.producerEpoch = 2
        batch.header.baseSequence = 11
        var map = OffsetMap(memory: 24 * 100)
        map.put(key: key("a"), offset: 102)
        map.put(key: key("b"), offset: 200)
        map.put(key: key("c"), offset: 103)
        map.updateLatestOffset(200)
        guard case .rewritten(let kept) = CleanerBatchFilter.filter(batch, map: map, retainDeletes: false) else {
            Issue.record("expected a rewritten batch")
            return
        }
        #expect(kept.records.map(\.offsetDelta) == [2])
        #expect(kept.header.baseOffset == 100)
        #expect(kept.header.lastOffsetDelta == 3)
        #expect(kept.header.partitionLeaderEpoch == 7)
        #expect(kept.header.producerId == 42 && kept.header.producerEpoch == 2 && kept.header.baseSequence == 11)
        #expect(kept.header.attributes.compression == .gzip)
        #expect(kept.header.baseTimestamp == 1_002 && kept.header.maxTimestamp == 1_002)
        #expect(kept.records[0].timestampDelta == 0)
        // With deletes retained, the tombstone of c stays too, with its header and timestamp.
        guard case .rewritten(let withTombstone) = CleanerBatchFilter.filter(batch, map: map, retainDeletes: true) else {
            Issue.record("expected a rewritten batch")
            return
        }
        #expect(withTombstone.records.map(\.offsetDelta) == [2, 3])
        #expect(withTombstone.records[1].timestampDelta == 1)
        // Everything superseded: dropped; nothing superseded: original bytes.
        var later = OffsetMap(memory: 24 * 100)
        for k in ["a", "b", "c"] { later.put(key: key(k), offset: 500) }
        #expect(CleanerBatchFilter.filter(batch, map: later, retainDeletes: true) == .drop)
        var none = OffsetMap(memory: 24 * 100)
        none.put(key: key("b"), offset: 101)
        none.put(key: key("a"), offset: 102)
        none.updateLatestOffset(103)
        let single = RecordBatch(baseOffset: 101, baseTimestamp: 0, records: [(key("b"), [1], [], 0)])
        #expect(CleanerBatchFilter.filter(single, map: none, retainDeletes: false) == .keepOriginal)
    }
}
