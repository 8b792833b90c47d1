import KafkaController

// The core's request values under names that do not clash with KafkaProtocol's generated messages
// (`StopReplicaRequest`, `UpdateMetadataRequest`), for the files that import both. Qualifying them as
// `KafkaController.StopReplicaRequest` no longer works: inside the module's name, `KafkaController` is the core's
// entry-point type. This file imports only the core, so the names below resolve to its types.
typealias CoreLeaderAndISRRequest = LeaderAndISRRequest
typealias CoreUpdateMetadataRequest = UpdateMetadataRequest
typealias CoreStopReplicaRequest = StopReplicaRequest
