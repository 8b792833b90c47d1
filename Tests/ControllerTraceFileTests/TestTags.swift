import Testing

// The tag KafkaTestKit declares for every test target; this target does not link the kit.
extension Tag {
    @Tag static var unit: Self
}
