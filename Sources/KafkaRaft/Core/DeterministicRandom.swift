/// SplitMix64: a tiny seeded generator kept inside the pure Raft core, so that randomized
/// election timeouts are reproducible from a seed (the simulation replays schedules by seed).
public struct DeterministicRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform value in `0..<bound` (`bound > 0`).
    public mutating func nextInt64(below bound: Int64) -> Int64 {
        precondition(bound > 0, "bound must be positive, got \(bound)")
        return Int64(next() % UInt64(bound))
    }
}
