import Testing
@testable import KafkaModel

@Suite(.tags(.unit)) struct KafkaUuidTests {
    @Test func random_isA22CharacterBase64UrlVersion4Uuid() {
        for _ in 0..<200 {
            let uuid = KafkaUuid.random()
            let text = uuid.description
            #expect(text.count == 22)
            #expect(!text.hasPrefix("-"))
            #expect(text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            #expect(uuid.bytes[6] >> 4 == 4)
            #expect(KafkaUuid(text) == uuid)
        }
    }

    @Test func knownValues_roundTrip() {
        #expect(KafkaUuid.zero.description == "AAAAAAAAAAAAAAAAAAAAAA")
        #expect(KafkaUuid.metadataTopicID.description == "AAAAAAAAAAAAAAAAAAAAAQ")
        #expect(KafkaUuid("AAAAAAAAAAAAAAAAAAAAAQ") == KafkaUuid.metadataTopicID)
        #expect(KafkaUuid("AAAAAAAAAAAAAAAAAAAAAR") == nil)  // non-zero padding bits
        #expect(KafkaUuid("short") == nil)
        #expect(KafkaUuid("AAAAAAAAAAAAAAAAAAAA+Q") == nil)  // not URL-safe
    }
}
