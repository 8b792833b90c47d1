import Foundation

/// The last lines of a process log, for error messages about a server that did not come up.
enum LogTail {
    static func read(_ path: String, lines: Int = 20) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { return "(no log at \(path))" }
        defer { try? handle.close() }
        // Reading only the end keeps this cheap however long the log has grown.
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 16_384 ? size - 16_384 : 0)
        let data = (try? handle.readToEnd()) ?? Data()
        let text = String(decoding: data, as: UTF8.self)
        let tail = text.split(separator: "\n", omittingEmptySubsequences: false)
            .suffix(lines + 1)
            .joined(separator: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return tail.isEmpty ? "(\(path) is empty)" : tail
    }
}
