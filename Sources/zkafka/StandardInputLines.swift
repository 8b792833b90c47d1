import Foundation

/// Lines of standard input as an async sequence, read on a thread of their own so a blocking
/// `readLine` never holds one of the few cooperative-pool threads the producer's sender needs.
enum StandardInputLines {
    static func stream() -> AsyncStream<String> {
        let (lines, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .unbounded)
        let reader = Thread {
            while let line = readLine(strippingNewline: true) {
                continuation.yield(line)
            }
            continuation.finish()
        }
        reader.start()
        return lines
    }
}
