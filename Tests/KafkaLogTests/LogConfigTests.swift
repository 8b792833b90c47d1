import Testing

@testable import KafkaLog

@Suite(.tags(.unit)) struct LogConfigTests {
    @Test func defaultsMatchKafka() {
        let config = LogConfig()
        #expect(config.segmentBytes == 1 << 30)
        #expect(config.segmentMs == 604_800_000)
        #expect(config.retentionMs == 604_800_000)
        #expect(config.retentionBytes == -1)
        #expect(config.flushIntervalMessages == Int64.max)
        #expect(config.flushIntervalMs == Int64.max)
        #expect(config.indexIntervalBytes == 4096)
        #expect(config.maxIndexSize == 10 * 1024 * 1024)
        #expect(config.fileDeleteDelayMs == 60_000)
    }
}
