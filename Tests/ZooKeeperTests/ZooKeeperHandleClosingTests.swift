import Logging
import Testing

@testable import ZooKeeper

@Suite(.tags(.unit)) struct ZooKeeperHandleClosingTests {
    /// `zookeeper_close` frees the handle on a thread of its own; from the moment closing begins nothing may read
    /// through the pointer (it used to be readable until that thread finished: a use after free).
    @Test func withHandle_answersNothingOnceClosingBegan() async throws {
        // Port 1 on loopback: nothing listens, the C client just keeps trying; no server is needed for this.
        let configuration = try ZooKeeperConfiguration(connect: "127.0.0.1:1", sessionTimeoutMilliseconds: 4_000)
        let handle = try ZooKeeperHandle(configuration: configuration, logger: Logger(label: "test"))
        #expect(handle.withHandle { _ in 1 } == 1)
        handle.closeDetached()
        #expect(handle.withHandle { _ in 1 } == nil)
        await handle.close()  // returns at once: already closing
        #expect(handle.withHandle { _ in 1 } == nil)
    }
}
