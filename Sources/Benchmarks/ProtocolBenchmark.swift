import KafkaProtocol
import NIOCore

/// Encode/decode throughput of realistic protocol traffic, for `zkafka bench protocol`.
///
/// Workloads:
/// * **produce**: a Produce v7 request carrying one 16 KiB magic-2 batch of 100-byte records
///   (librdkafka sends one partition per request). Encode = build the batch (records, CRC-32C) and
///   the request; decode = parse the request and validate the batch as the broker does (CRC-32C),
///   and, separately, fully decode its records.
/// * **fetch**: a Fetch v11 response carrying 64 such batches (~1 MiB) for one partition.
///   Encode = the response around stored batches (no re-encoding of records); decode = parse it and
///   split/CRC-check every batch as a consumer does.
public enum ProtocolBenchmark {
    public struct Row: Sendable, CustomStringConvertible {
        public var name: String
        public var operations: Int
        public var bytesPerOperation: Int
        public var batchesPerOperation: Int
        public var seconds: Double

        public var megabytesPerSecond: Double { Double(operations * bytesPerOperation) / seconds / 1_000_000 }
        public var batchesPerSecond: Double { Double(operations * batchesPerOperation) / seconds }
        public var operationsPerSecond: Double { Double(operations) / seconds }

        public var description: String {
            func f(_ v: Double, _ digits: Int = 1) -> String {
                let scale = Double((0..<digits).reduce(1) { r, _ in r * 10 })
                return String(Double((v * scale).rounded()) / scale)
            }
            return "\(name): \(f(megabytesPerSecond)) MB/s, \(f(batchesPerSecond, 0)) batches/s "
                + "(\(operations) ops × \(bytesPerOperation) B in \(f(seconds, 3)) s)"
        }
    }

    /// Record payload size and target batch size of the produce workload.
    public static let recordSize = 100
    public static let batchTargetBytes = 16 * 1024
    public static let fetchBatches = 64

    /// Runs every workload for about `secondsPerWorkload` each and returns one row per measurement.
    public static func run(secondsPerWorkload: Double = 1.0) throws(KafkaProtocolError) -> [Row] {
        let batch = makeBatch(baseOffset: 0)
        let batchBytes = try batch.encoded()
        let produce = ProduceRequest(
            transactionalId: nil, acks: -1, timeoutMs: 30_000,
            topicData: [.init(name: "bench-topic", partitionData: [.init(index: 0, records: batchBytes)])])
        let produceBytes = produce.encoded(version: 7)

        var fetchRecords = ByteBuffer()
        for i in 0..<fetchBatches {
            var view = try viewOf(batchBytes)
            view.setBaseOffset(Int64(i) * Int64(batch.records.count))
            fetchRecords.writeImmutableBuffer(view.bytes)
        }
        let fetch = FetchResponse(
            throttleTimeMs: 0, errorCode: 0, sessionId: 0,
            responses: [
                .init(
                    topic: "bench-topic",
                    partitionResponses: [
                        .init(
                            partition: 0, errorCode: 0, highWatermark: Int64(fetchBatches * batch.records.count),
                            lastStableOffset: Int64(fetchBatches * batch.records.count), logStartOffset: 0,
                            abortedTransactions: [], preferredReadReplica: -1, recordSet: fetchRecords)
                    ])
            ])
        let fetchBytes = fetch.encoded(version: 11)

        var rows: [Row] = []
        rows.append(
            try measure("produce v7 encode (build batch + CRC + request)", seconds: secondsPerWorkload,
                        bytes: produceBytes.readableBytes, batches: 1) { () throws(KafkaProtocolError) in
                let records = try makeBatch(baseOffset: 0).encoded()
                var request = produce
                request.topicData[0].partitionData[0].records = records
                return request.encoded(version: 7).readableBytes
            })
        rows.append(
            try measure("produce v7 decode + validate (CRC-32C)", seconds: secondsPerWorkload,
                        bytes: produceBytes.readableBytes, batches: 1) { () throws(KafkaProtocolError) in
                let request = try ProduceRequest.decode(produceBytes, version: 7)
                guard case .batches(let batches) = ProduceRecordsValidator.validate(
                    records: request.topicData[0].partitionData[0].records, produceVersion: 7)
                else { throw KafkaProtocolError(.invalidValue("rejected"), field: "bench") }
                return batches.count
            })
        rows.append(
            try measure("produce v7 decode + full record decode", seconds: secondsPerWorkload,
                        bytes: produceBytes.readableBytes, batches: 1) { () throws(KafkaProtocolError) in
                let request = try ProduceRequest.decode(produceBytes, version: 7)
                var records = request.topicData[0].partitionData[0].records!
                return try RecordBatch(from: &records).records.count
            })
        rows.append(
            try measure("fetch v11 response encode (\(fetchBatches) stored batches)", seconds: secondsPerWorkload,
                        bytes: fetchBytes.readableBytes, batches: fetchBatches) { () throws(KafkaProtocolError) in
                var out = ByteBuffer()
                KafkaFrame.response(fetch, correlationId: 1, version: 11, into: &out)
                return out.readableBytes
            })
        rows.append(
            try measure("fetch v11 response decode + batch CRC-32C", seconds: secondsPerWorkload,
                        bytes: fetchBytes.readableBytes, batches: fetchBatches) { () throws(KafkaProtocolError) in
                let response = try FetchResponse.decode(fetchBytes, version: 11)
                let batches = try RecordBatchView.batches(in: response.responses[0].partitionResponses[0].recordSet!)
                for b in batches { try b.validate() }
                return batches.count
            })
        return rows
    }

    /// A batch of 100-byte records filling about 16 KiB.
    static func makeBatch(baseOffset: Int64) -> RecordBatch {
        let perRecord = recordSize + 10  // length, attributes, deltas, key/value lengths, header count
        let count = (batchTargetBytes - RecordBatchHeader.size) / perRecord
        let value = [UInt8](repeating: 0x61, count: recordSize)
        return RecordBatch(
            baseOffset: baseOffset, baseTimestamp: 1_700_000_000_000,
            records: (0..<count).map { i in
                (key: nil, value: value, headers: [], timestamp: 1_700_000_000_000 + Int64(i))
            })
    }

    private static func viewOf(_ bytes: ByteBuffer) throws(KafkaProtocolError) -> RecordBatchView {
        var b = bytes
        return try RecordBatchView(from: &b)
    }

    private static func measure(
        _ name: String, seconds: Double, bytes: Int, batches: Int,
        _ body: () throws(KafkaProtocolError) -> Int
    ) throws(KafkaProtocolError) -> Row {
        let clock = ContinuousClock()
        var sink = 0
        for _ in 0..<3 { sink &+= try body() }  // warm-up
        let budget = Duration.milliseconds(Int64(seconds * 1000))
        let start = clock.now
        var operations = 0
        var elapsed = Duration.zero
        repeat {
            for _ in 0..<8 { sink &+= try body() }
            operations += 8
            elapsed = clock.now - start
        } while elapsed < budget
        precondition(sink != Int.min)
        let components = elapsed.components
        let secondsElapsed = Double(components.seconds) + Double(components.attoseconds) / 1e18
        return Row(
            name: name, operations: operations, bytesPerOperation: bytes, batchesPerOperation: batches,
            seconds: secondsElapsed)
    }
}
