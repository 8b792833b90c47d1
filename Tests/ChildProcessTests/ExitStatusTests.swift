import KafkaTestKit
import Testing

@testable import ChildProcess

@Suite(.tags(.unit))
struct ExitStatusTests {
    @Test func normalExit_decodesTheCodeFromTheSecondByte() {
        #expect(ChildProcess.ExitStatus(waitStatus: 0) == .exited(0))
        #expect(ChildProcess.ExitStatus(waitStatus: 3 << 8) == .exited(3))
        #expect(ChildProcess.ExitStatus(waitStatus: 255 << 8) == .exited(255))
    }

    @Test func signalledExit_decodesTheSignalFromTheLowBits_withOrWithoutACoreDump() {
        #expect(ChildProcess.ExitStatus(waitStatus: 9) == .signalled(9))
        #expect(ChildProcess.ExitStatus(waitStatus: 0x80 | 11) == .signalled(11))
    }

    @Test func shellCode_isTheCodeOr128PlusTheSignal() {
        #expect(ChildProcess.ExitStatus.exited(7).shellCode == 7)
        #expect(ChildProcess.ExitStatus.signalled(15).shellCode == 143)
        #expect(ChildProcess.ExitStatus.exited(0).isSuccess)
        #expect(!ChildProcess.ExitStatus.signalled(15).isSuccess)
    }

    @Test func environmentBlock_mergesOverTheLauncher_orReplacesIt() {
        let launcher = ["PATH": "/bin", "HOME": "/root"]
        let merged = ChildProcessOptions(["/bin/true"], environment: ["HOME": "/tmp", "X": "1"])
        #expect(merged.environmentBlock(launcher: launcher) == ["HOME=/tmp", "PATH=/bin", "X=1"])
        let replaced = ChildProcessOptions(["/bin/true"], environment: ["X": "1"], replacesEnvironment: true)
        #expect(replaced.environmentBlock(launcher: launcher) == ["X=1"])
    }
}
