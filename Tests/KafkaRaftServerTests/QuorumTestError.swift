/// A quorum process test could not set up or its condition never held; carries the controllers' logs.
struct QuorumTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
