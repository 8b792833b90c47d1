import NIOCore

/// Produce-side validation of one partition's RECORDS, as the Java broker does it.
public enum ProduceRecordsValidator {
    public enum Outcome: Sendable {
        /// Magic-2 batches, CRC-checked, ready to store (BaseOffset still as sent).
        case batches([RecordBatchView])
        /// The payload was rejected; answer the partition with this error code.
        case rejected(KafkaErrorCode, KafkaProtocolError)
    }

    /// Validates `records` sent in a Produce request of `version`.
    ///
    /// * Produce v3+: exactly one magic-2 batch (else INVALID_RECORD), valid CRC-32C (else CORRUPT_MESSAGE),
    ///   a defined codec (else UNSUPPORTED_COMPRESSION_TYPE), zstd only from v7.
    /// * Produce v0–v2: legacy magic 0/1 sets are CRC-32 checked, decompressed and up-converted into one
    ///   magic-2 batch; magic-2 batches are accepted too.
    /// * `requireDecompressible`: reject codecs this module can't decompress (snappy, lz4, zstd).
    /// * `policy`: also run Kafka's `LogValidator` on every batch (``LogValidator``): records parsed whatever the
    ///   codec, counts, keys of compacted topics, timestamps, LogAppendTime stamping at `nowMs`.
    public static func validate(
        records: ByteBuffer?, produceVersion: Int16, requireDecompressible: Bool = false,
        policy: LogValidationPolicy? = nil, nowMs: Int64 = 0
    ) -> Outcome {
        guard let records, records.readableBytes > 0 else {
            return .rejected(.invalidRecord, KafkaProtocolError(.invalidValue("no record batch"), field: "ProduceRequest.records"))
        }
        do throws(KafkaProtocolError) {
            guard let magic = recordsMagic(records) else {
                throw KafkaProtocolError(.truncated(needed: 17, remaining: records.readableBytes), field: "ProduceRequest.records")
            }
            if magic < 2 {
                guard produceVersion <= 2 else {
                    return .rejected(.invalidRecord, KafkaProtocolError(.unsupportedMagic(magic), field: "ProduceRequest.records"))
                }
                let messages = try LegacyMessageSet.decode(records)
                var batch = try LegacyMessageSet.convertToRecordBatch(messages).encoded()
                return .batches([try RecordBatchView(from: &batch)])
            }
            var batches = try RecordBatchView.batches(in: records)
            if produceVersion >= 3 && batches.count != 1 {
                return .rejected(
                    .invalidRecord,
                    KafkaProtocolError(.invalidValue("\(batches.count) batches; v3+ needs exactly one"), field: "ProduceRequest.records"))
            }
            for batch in batches {
                try batch.validate(requireDecompressible: requireDecompressible)
                if batch.header.attributes.compression == .zstd && produceVersion < 7 {
                    return .rejected(
                        .unsupportedCompressionType,
                        KafkaProtocolError(.unsupportedCompression(codec: 4), field: "ProduceRequest.records"))
                }
            }
            if let policy {
                for index in batches.indices {
                    do throws(LogValidator.Rejection) {
                        try LogValidator.validate(&batches[index], policy: policy, nowMs: nowMs)
                    } catch {
                        return .rejected(error.code, KafkaProtocolError(.invalidValue(error.message), field: "ProduceRequest.records"))
                    }
                }
            }
            return .batches(batches)
        } catch {
            return .rejected(error.errorCode == .invalidRequest ? .corruptMessage : error.errorCode, error)
        }
    }
}
