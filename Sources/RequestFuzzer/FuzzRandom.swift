import SeededRandom

/// The fuzzer's generator: a run is reproduced exactly by its `--seed`.
public typealias FuzzRandom = SplitMix64
