#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The two glibc spawn extensions Swift's Glibc module does not import (it does not define
/// _GNU_SOURCE): starting a new session and changing directory in the child.
enum SpawnFileActions {
    /// POSIX_SPAWN_SETSID; the value is fixed by glibc's ABI (spawn.h).
    static let setSessionFlag: Int32 = 0x80

    private typealias AddChangeDirectory = @convention(c) (
        UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
    ) -> Int32

    /// `posix_spawn_file_actions_addchdir_np` (glibc 2.29), looked up at run time rather than
    /// declared by hand with a guessed calling convention.
    static func changeDirectory(_ actions: inout posix_spawn_file_actions_t, to directory: String) throws {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addchdir_np") else {
            throw ChildProcessError("cannot set a working directory: this C library has no posix_spawn_file_actions_addchdir_np")
        }
        let add = unsafeBitCast(symbol, to: AddChangeDirectory.self)
        let result = withUnsafeMutablePointer(to: &actions) { add($0, directory) }
        guard result == 0 else {
            throw ChildProcessError("cannot use \(directory) as working directory: \(String(cString: strerror(result)))")
        }
    }
}
