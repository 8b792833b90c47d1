import Testing

@testable import Benchmarks
import KafkaProtocol

@Suite(.tags(.unit)) struct ProtocolBenchmarkTests {
    @Test func benchmark_runsEveryWorkload() throws {
        let rows = try ProtocolBenchmark.run(secondsPerWorkload: 0.02)
        #expect(rows.count == 5)
        for row in rows {
            #expect(row.operations > 0)
            #expect(row.megabytesPerSecond > 0)
        }
        let batch = ProtocolBenchmark.makeBatch(baseOffset: 0)
        let size = try batch.encoded().readableBytes
        #expect(size <= 16 * 1024 && size > 15 * 1024)
    }
}
