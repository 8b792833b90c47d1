#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KafkaServer
import Logging
import Testing

@Suite("Broker log output: StreamLogHandler's line format, buffered", .tags(.unit))
struct BufferedLogOutputTests {
    /// Reads what is available on a non-blocking pipe.
    func drain(_ fd: Int32) -> String {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[0..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("info lines wait for a flush; a warning is written at once; the format is StreamLogHandler's")
    func formatAndFlushing() throws {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]); close(fds[1]) }
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        let output = BufferedLogOutput(descriptor: fds[1], startFlusher: false)
        var logger = Logger(label: "kafka.log.LogManager") { BufferedLogHandler(label: $0, output: output) }
        logger.logLevel = .info
        logger.info("created log", metadata: ["path": "/tmp/x/logs/t-0", "b": "2"])
        logger.debug("not at this level")
        #expect(drain(fds[0]).isEmpty, "info lines are buffered")
        output.flush()
        let first = drain(fds[0])
        let pattern = #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info kafka\.log\.LogManager: b=2 path=/tmp/x/logs/t-0 \[KafkaServerTests\] created log\n$/#
        #expect(first.wholeMatch(of: pattern) != nil, "\(first)")
        logger.warning("disk slow")
        let second = drain(fds[0])
        #expect(second.hasSuffix(" warning kafka.log.LogManager: [KafkaServerTests] disk slow\n"), "\(second)")
    }
}
