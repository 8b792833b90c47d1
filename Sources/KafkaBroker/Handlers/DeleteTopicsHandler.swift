import KafkaMetadata
import KafkaProtocol

extension BrokerApiTable {
    /// DeleteTopics (key 20), answered by the active controller only (Kafka 2.8's
    /// `KafkaApis.handleDeleteTopicsRequest` + `ZkAdminManager.deleteTopics`): unknown topics are
    /// refused, the others are marked with `/admin/delete_topics/<t>` (already marked counts as
    /// success) and the request waits, at most `timeoutMs`, until they leave the metadata cache, as
    /// Kafka's `DelayedDeleteTopics`; topics still present then answer REQUEST_TIMED_OUT while the
    /// controller goes on deleting them.
    static func deleteTopics(context: BrokerContext) -> BrokerApi {
        .typed(DeleteTopicsRequest.self, versions: 0...3) { request, header, _ in
            let names = request.topicNames
            func answer(_ code: KafkaErrorCode) -> DeleteTopicsResponse {
                DeleteTopicsResponse(throttleTimeMs: 0, responses: names.map { .init(name: $0, errorCode: code.rawValue) })
            }
            let snapshot = context.metadataCache.snapshot
            guard snapshot.controllerID == context.brokerID || context.topicAdministration.forwardsToController else {
                return answer(.notController)
            }
            guard context.config.deleteTopicEnable else {
                // Kafka throws InvalidRequestException("Topic deletion is disabled.") below v3.
                return answer(header.apiVersion < 3 ? .invalidRequest : .topicDeletionDisabled)
            }
            var errors: [String: KafkaErrorCode] = [:]
            var marked: Set<String> = []
            for name in names where errors[name] == nil && !marked.contains(name) {
                guard snapshot.contains(topic: name) else {
                    errors[name] = .unknownTopicOrPartition
                    continue
                }
                do {
                    try await context.topicAdministration.markTopicForDeletion(name)
                    context.logger.info("Topic \(name) marked for deletion by client \(header.clientId ?? "-")")
                    marked.insert(name)
                } catch TopicAdministrationError.alreadyMarkedForDeletion {
                    marked.insert(name)  // still tracked, so repeated calls wait for the deletion too
                } catch TopicAdministrationError.unknownTopic {
                    errors[name] = .unknownTopicOrPartition
                } catch {
                    context.logger.error("Error processing delete topic request for topic \(name): \(error)")
                    errors[name] = .unknownServerError
                }
            }
            var pending = marked
            if !marked.isEmpty && request.timeoutMs > 0 {
                pending = await waitUntilGone(marked, metadataCache: context.metadataCache, timeoutMs: request.timeoutMs)
            }
            return DeleteTopicsResponse(
                throttleTimeMs: 0,
                responses: names.map { name in
                    let code = errors[name] ?? (pending.contains(name) ? KafkaErrorCode.requestTimedOut : KafkaErrorCode.none)
                    return .init(name: name, errorCode: code.rawValue)
                })
        }
    }

    /// Polls the metadata cache until none of `topics` is in it, for at most `timeoutMs`; returns
    /// those still there.
    private static func waitUntilGone(_ topics: Set<String>, metadataCache: MetadataCache, timeoutMs: Int32) async -> Set<String> {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(timeoutMs)))
        while true {
            let snapshot = metadataCache.snapshot
            let remaining = topics.filter { snapshot.contains(topic: $0) }
            if remaining.isEmpty || clock.now >= deadline { return remaining }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
