/// The simulated crash (only thrown when a crash point is given).
public struct SimulatedCrash: Error, Sendable, Hashable {
    public var point: CleanerCrashPoint
}
