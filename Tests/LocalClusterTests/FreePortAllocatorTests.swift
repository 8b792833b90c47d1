import Foundation
import Testing

@testable import LocalCluster

/// Ports of another process's cluster stay out of reach while that process lives, even while the broker that owns
/// one is down between a kill and its restart (a `zkafka chaos` run once took a killed test broker's port).
@Suite(.tags(.unit)) struct FreePortAllocatorTests {
    @Test func portClaimedByALiveProcess_isRefused_oneOfADeadProcess_isTakenOver() throws {
        try FileManager.default.createDirectory(atPath: FreePortAllocator.reservationDirectory, withIntermediateDirectories: true)
        // Ports above the allocator's range, so no real reservation collides with the test.
        let live = 40_001
        let dead = 40_002
        let livePath = FreePortAllocator.reservationDirectory + "/\(live)"
        let deadPath = FreePortAllocator.reservationDirectory + "/\(dead)"
        defer {
            try? FileManager.default.removeItem(atPath: livePath)
            try? FileManager.default.removeItem(atPath: deadPath)
        }
        try "1\n".write(toFile: livePath, atomically: true, encoding: .utf8)  // pid 1 always runs
        try "2147483646\n".write(toFile: deadPath, atomically: true, encoding: .utf8)  // no such process
        #expect(!FreePortAllocator.claimAcrossProcesses(live))
        #expect(FreePortAllocator.claimAcrossProcesses(dead))
        #expect(try String(contentsOfFile: deadPath, encoding: .utf8) == "\(getpid())\n")
        // Once claimed, ours: another claim (as another process would try) is refused while we live.
        #expect(!FreePortAllocator.claimAcrossProcesses(dead))
    }
}
