/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny generator whose whole state is one 64-bit seed. Everything in
/// ZKafka that must replay exactly from a seed draws from it — the Raft core's election timeouts and its
/// simulation's schedules, `zkafka fuzz`'s frames, `zkafka chaos`'s faults — since Swift's system generator cannot
/// be seeded.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
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
