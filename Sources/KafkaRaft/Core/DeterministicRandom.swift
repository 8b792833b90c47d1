import SeededRandom

/// The Raft core's seeded generator, so that randomized election timeouts are reproducible from a seed (the
/// simulation replays schedules by seed).
public typealias DeterministicRandom = SplitMix64
