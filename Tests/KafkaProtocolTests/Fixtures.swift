import Foundation
import NIOCore

/// Golden byte fixtures captured with kafka-python 2.0.2 by scripts/capture_protocol_fixtures.py.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func names() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".hex") }
            .map { String($0.dropLast(4)) }
            .sorted()
    }

    static func load(_ name: String) throws -> ByteBuffer {
        let text = try String(contentsOf: directory.appendingPathComponent(name + ".hex"), encoding: .utf8)
        return buffer(hex: text)
    }
}
