import KafkaClient
import KafkaModel
import KafkaProtocol
import Testing

@Suite("Fetch session handler: the client side of KIP-227 (Kafka's FetchSessionHandler)", .tags(.unit))
struct FetchSessionHandlerTests {
    let a0 = TopicPartition(topic: "a", partition: 0)
    let a1 = TopicPartition(topic: "a", partition: 1)
    let b0 = TopicPartition(topic: "b", partition: 0)

    @Test("the first request is full; after the session is created only changes are sent, removals forgotten")
    func incrementalAfterFull() {
        var handler = FetchSessionHandler<Int64>()
        let first = handler.build([(a0, 10), (a1, 10), (b0, 10)])
        #expect(first.isFull && first.sessionID == 0 && first.epoch == 0)
        #expect(first.toSend.map(\.0) == [a0, a1, b0])
        let used1 = handler.handleResponse(to: first, errorCode: 0, responseSessionID: 9, partitions: [a0, a1, b0])
        #expect(used1)
        let second = handler.build([(a0, 10), (a1, 12)])
        #expect(!second.isFull && second.sessionID == 9 && second.epoch == 1)
        #expect(second.toSend.map(\.0) == [a1])
        #expect(second.toForget == [b0])
        let used2 = handler.handleResponse(to: second, errorCode: 0, responseSessionID: 9, partitions: [a1])
        #expect(used2)
        let third = handler.build([(a0, 10), (a1, 12)])
        #expect(third.epoch == 2 && third.toSend.isEmpty && third.toForget.isEmpty)
    }

    @Test("a full response without a session id keeps fetching in full")
    func noSession() {
        var handler = FetchSessionHandler<Int64>()
        let first = handler.build([(a0, 1)])
        let used3 = handler.handleResponse(to: first, errorCode: 0, responseSessionID: 0, partitions: [a0])
        #expect(used3)
        let second = handler.build([(a0, 1)])
        #expect(second.isFull && second.sessionID == 0 && second.toSend.count == 1)
    }

    @Test("an unknown session starts over; a wrong epoch or a send failure replaces the session")
    func errors() {
        var handler = FetchSessionHandler<Int64>()
        let first = handler.build([(a0, 1)])
        _ = handler.handleResponse(to: first, errorCode: 0, responseSessionID: 9, partitions: [a0])
        let second = handler.build([(a0, 1)])
        let used4 = handler.handleResponse(
            to: second, errorCode: KafkaErrorCode.invalidFetchSessionEpoch.rawValue, responseSessionID: 0, partitions: [])
        #expect(!used4)
        let third = handler.build([(a0, 1)])
        #expect(third.isFull && third.sessionID == 9 && third.epoch == 0 && third.toSend.count == 1)
        let used5 = handler.handleResponse(
            to: third, errorCode: KafkaErrorCode.fetchSessionIDNotFound.rawValue, responseSessionID: 0, partitions: [])
        #expect(!used5)
        let fourth = handler.build([(a0, 1)])
        #expect(fourth.isFull && fourth.sessionID == 0)
        _ = handler.handleResponse(to: fourth, errorCode: 0, responseSessionID: 11, partitions: [a0])
        handler.handleError()
        let fifth = handler.build([(a0, 1)])
        #expect(fifth.isFull && fifth.sessionID == 11 && fifth.epoch == 0)
    }

    @Test("an incremental response naming a partition outside the session is not used")
    func strayPartition() {
        var handler = FetchSessionHandler<Int64>()
        let first = handler.build([(a0, 1)])
        _ = handler.handleResponse(to: first, errorCode: 0, responseSessionID: 9, partitions: [a0])
        let second = handler.build([(a0, 1)])
        let used6 = handler.handleResponse(to: second, errorCode: 0, responseSessionID: 9, partitions: [b0])
        #expect(!used6)
        #expect(handler.build([(a0, 1)]).isFull)
    }
}
