/// The leader's assignment while it is being stored.
struct PendingAssignment: Sendable, Hashable {
    var generation: Int32
    var assignments: [String: [UInt8]]
}
