import ArgumentParser
import KafkaModel

/// `zkafka storage random-uuid`: prints `Uuid.randomUuid()`, 22 characters of URL-safe base64.
struct StorageRandomUuidCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "random-uuid", abstract: "Print a random UUID.")

    func run() { print(KafkaUuid.random()) }
}
