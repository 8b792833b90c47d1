import KafkaTestKit
import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import KafkaNetwork

@Suite(.tags(.unit), .timeLimit(.minutes(1))) struct RequestChannelTests {
    private func request(_ correlationID: Int32) -> NetworkRequest {
        NetworkRequest(
            frame: ByteBuffer(),
            context: RequestContext(
                connectionID: "c\(correlationID)", clientAddress: "127.0.0.1:1", listenerName: "PLAINTEXT",
                header: RequestHeaderPrefix(apiKey: 0, apiVersion: 0, correlationID: correlationID)),
            channel: EmbeddedChannel(),
            logger: Logger(label: "test")
        )
    }

    @Test func channel_fullQueue_parksInsteadOfGrowingQueue() async {
        let channel = RequestChannel(queueCapacity: 2, maxInProcessing: 1)
        for id in 0..<5 { #expect(channel.send(request(Int32(id)))) }
        var counters = channel.counters
        #expect(counters.queued == 2)
        #expect(counters.waitingForRoom == 3)

        let first = await channel.receive()
        #expect(first?.context.header.correlationID == 0)
        counters = channel.counters
        #expect(counters.inProcessing == 1)
        #expect(counters.queued == 2)  // a parked request moved up
        #expect(counters.waitingForRoom == 2)
        #expect(counters.maxQueued == 2)
    }

    @Test func channel_inProcessingLimit_holdsReceiverUntilCompleted() async throws {
        let channel = RequestChannel(queueCapacity: 10, maxInProcessing: 1)
        _ = channel.send(request(1))
        _ = channel.send(request(2))
        _ = await channel.receive()
        let second = Task { await channel.receive() }
        try await pollUntil("the second receiver waits") { channel.receiversWaiting == 1 }
        #expect(channel.counters.queued == 1)  // not handed out while the slot is taken
        channel.completed()
        let got = await second.value
        #expect(got?.context.header.correlationID == 2)
        #expect(channel.counters.maxInProcessing == 1)
    }

    @Test func channel_close_wakesReceiversAndRefusesSends() async throws {
        let channel = RequestChannel(queueCapacity: 2, maxInProcessing: 2)
        let waiting = Task { await channel.receive() }
        try await pollUntil("the receiver waits") { channel.receiversWaiting == 1 }
        _ = channel.close()
        #expect(await waiting.value == nil)
        #expect(!channel.send(request(1)))
        #expect(await channel.receive() == nil)
    }
}
