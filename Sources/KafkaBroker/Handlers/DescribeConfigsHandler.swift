import KafkaConfig
import KafkaProtocol

extension BrokerApiTable {
    /// DescribeConfigs (key 32), Kafka 2.8's `ZkAdminManager.describeConfigs` for TOPIC and BROKER
    /// resources: a topic's every config, its `/config/topics/<t>` overrides as TOPIC_CONFIG and the
    /// rest inherited from this broker; a broker's own configuration. Values ZKafka cannot tell apart
    /// from Kafka's default are reported as DEFAULT_CONFIG, others as STATIC_BROKER_CONFIG.
    static func describeConfigs(context: BrokerContext) -> BrokerApi {
        .typed(DescribeConfigsRequest.self, versions: 0...2) { request, header, _ in
            var results: [DescribeConfigsResponse.DescribeConfigsResult] = []
            for resource in request.resources {
                let keys = resource.configurationKeys.map { Set($0) }
                var result = DescribeConfigsResponse.DescribeConfigsResult(
                    errorCode: 0, errorMessage: nil, resourceType: resource.resourceType,
                    resourceName: resource.resourceName, configs: [])
                switch ConfigResourceType(rawValue: resource.resourceType) {
                case .topic:
                    let topic = resource.resourceName
                    if let problem = TopicName.problem(with: topic) {
                        result.errorCode = KafkaErrorCode.invalidTopicException.rawValue
                        result.errorMessage = problem
                    } else if !context.metadataCache.snapshot.contains(topic: topic) {
                        result.errorCode = KafkaErrorCode.unknownTopicOrPartition.rawValue
                    } else {
                        do {
                            let overrides = try await context.topicAdministration.topicConfig(topic) ?? [:]
                            result.configs = TopicConfigDefinitions.all
                                .filter { keys?.contains($0.name) ?? true }
                                .map { $0.describe(override: overrides[$0.name], broker: context.config, request: request, version: header.apiVersion) }
                        } catch {
                            context.logger.error("Error describing configs of topic \(topic): \(error)")
                            result.errorCode = KafkaErrorCode.unknownServerError.rawValue
                            result.errorMessage = "\(error)"
                        }
                    }
                case .broker:
                    let name = resource.resourceName
                    if !name.isEmpty && name != String(context.brokerID) {
                        result.errorCode = KafkaErrorCode.invalidRequest.rawValue
                        result.errorMessage = "Unexpected broker id, expected \(context.brokerID) or empty string, but received \(name)"
                    } else {
                        result.configs = BrokerConfigDescription.entries(context.config)
                            .filter { keys?.contains($0.name) ?? true }
                            .map { entry in
                                let source: ConfigSource = entry.isDefault ? .defaultConfig : .staticBroker
                                return .init(
                                    name: entry.name, value: entry.value, readOnly: true, isDefault: entry.isDefault,
                                    configSource: source.rawValue, isSensitive: false,
                                    synonyms: request.includeSynonyms
                                        ? [.init(name: entry.name, value: entry.value, source: source.rawValue)] : [],
                                    configType: 0, documentation: nil)
                            }
                    }
                case nil:
                    result.errorCode = KafkaErrorCode.invalidRequest.rawValue
                    result.errorMessage = "Unsupported resource type \(resource.resourceType)"
                }
                results.append(result)
            }
            return DescribeConfigsResponse(throttleTimeMs: 0, results: results)
        }
    }
}

/// The resource types DescribeConfigs answers here (Kafka's `ConfigResource.Type`).
enum ConfigResourceType: Int8 {
    case topic = 2
    case broker = 4
}

/// Kafka's `DescribeConfigsResponse.ConfigSource` ids.
enum ConfigSource: Int8 {
    case topicConfig = 1
    case staticBroker = 4
    case defaultConfig = 5
}

/// One topic-level config of Kafka 2.8's `LogConfig`: its name, the broker config it falls back to,
/// Kafka's default, and the value this broker supplies.
struct TopicConfigDefinition: Sendable {
    enum Kind: Sendable { case long, int, double, boolean, string, list }

    let name: String
    let brokerName: String?
    let kind: Kind
    let kafkaDefault: String
    let brokerValue: @Sendable (BrokerConfig) -> String?

    func describe(
        override: String?, broker: BrokerConfig, request: DescribeConfigsRequest, version: Int16
    ) -> DescribeConfigsResponse.DescribeConfigsResourceResult {
        let inherited = brokerValue(broker) ?? kafkaDefault
        let inheritedSource: ConfigSource = inherited == kafkaDefault ? .defaultConfig : .staticBroker
        var synonyms: [DescribeConfigsResponse.DescribeConfigsSynonym] = []
        if request.includeSynonyms {
            if let override { synonyms.append(.init(name: name, value: override, source: ConfigSource.topicConfig.rawValue)) }
            synonyms.append(.init(name: brokerName ?? name, value: inherited, source: inheritedSource.rawValue))
        }
        let source: ConfigSource = override == nil ? inheritedSource : .topicConfig
        return .init(
            name: name, value: override ?? inherited, readOnly: false, isDefault: source == .defaultConfig,
            configSource: source.rawValue, isSensitive: false, synonyms: synonyms, configType: 0, documentation: nil)
    }

    /// Why `value` is not valid for this config, or nil (a subset of Kafka's `ConfigDef` parsing).
    func problem(with value: String) -> String? {
        let text = value.trimmingSpaces()
        let valid: Bool =
            switch kind {
            case .long: Int64(text) != nil
            case .int: Int32(text) != nil
            case .double: Double(text) != nil
            case .boolean: text.lowercased() == "true" || text.lowercased() == "false"
            case .string, .list: true
            }
        return valid ? nil : "Invalid value \(value) for configuration \(name): Not a number of type \(String(describing: kind).uppercased())"
    }
}

/// Kafka 2.8's topic configs (`LogConfig.configNames`), with the broker keys they inherit from.
enum TopicConfigDefinitions {
    static let all: [TopicConfigDefinition] = [
        .init(name: "cleanup.policy", brokerName: "log.cleanup.policy", kind: .list, kafkaDefault: "delete") { $0.logCleanupPolicy },
        .init(name: "compression.type", brokerName: "compression.type", kind: .string, kafkaDefault: "producer") { _ in nil },
        .init(name: "delete.retention.ms", brokerName: "log.cleaner.delete.retention.ms", kind: .long, kafkaDefault: "86400000") { String($0.logCleanerDeleteRetentionMs) },
        .init(name: "file.delete.delay.ms", brokerName: "log.segment.delete.delay.ms", kind: .long, kafkaDefault: "60000") { _ in nil },
        .init(name: "flush.messages", brokerName: "log.flush.interval.messages", kind: .long, kafkaDefault: String(Int64.max)) {
            String($0.logFlushIntervalMessages)
        },
        .init(name: "flush.ms", brokerName: "log.flush.interval.ms", kind: .long, kafkaDefault: String(Int64.max)) {
            $0.logFlushIntervalMs.map { String($0) }
        },
        .init(name: "follower.replication.throttled.replicas", brokerName: nil, kind: .list, kafkaDefault: "") { _ in nil },
        .init(name: "index.interval.bytes", brokerName: "log.index.interval.bytes", kind: .int, kafkaDefault: "4096") { _ in nil },
        .init(name: "leader.replication.throttled.replicas", brokerName: nil, kind: .list, kafkaDefault: "") { _ in nil },
        .init(name: "max.compaction.lag.ms", brokerName: "log.cleaner.max.compaction.lag.ms", kind: .long, kafkaDefault: String(Int64.max)) { _ in nil },
        .init(name: "max.message.bytes", brokerName: "message.max.bytes", kind: .int, kafkaDefault: "1048588") { String($0.messageMaxBytes) },
        .init(name: "message.downconversion.enable", brokerName: "log.message.downconversion.enable", kind: .boolean, kafkaDefault: "true") { _ in nil },
        .init(name: "message.format.version", brokerName: "log.message.format.version", kind: .string, kafkaDefault: "2.8-IV1") { _ in nil },
        .init(name: "message.timestamp.difference.max.ms", brokerName: "log.message.timestamp.difference.max.ms", kind: .long, kafkaDefault: String(Int64.max)) { _ in nil },
        .init(name: "message.timestamp.type", brokerName: "log.message.timestamp.type", kind: .string, kafkaDefault: "CreateTime") { _ in nil },
        .init(name: "min.cleanable.dirty.ratio", brokerName: "log.cleaner.min.cleanable.ratio", kind: .double, kafkaDefault: "0.5") { String($0.logCleanerMinCleanableRatio) },
        .init(name: "min.compaction.lag.ms", brokerName: "log.cleaner.min.compaction.lag.ms", kind: .long, kafkaDefault: "0") {
            String($0.logCleanerMinCompactionLagMs)
        },
        .init(name: "min.insync.replicas", brokerName: "min.insync.replicas", kind: .int, kafkaDefault: "1") { String($0.minInsyncReplicas) },
        .init(name: "preallocate", brokerName: "log.preallocate", kind: .boolean, kafkaDefault: "false") { _ in nil },
        .init(name: "retention.bytes", brokerName: "log.retention.bytes", kind: .long, kafkaDefault: "-1") { String($0.logRetentionBytes) },
        .init(name: "retention.ms", brokerName: "log.retention.ms", kind: .long, kafkaDefault: "604800000") { String($0.logRetentionMs) },
        .init(name: "segment.bytes", brokerName: "log.segment.bytes", kind: .int, kafkaDefault: "1073741824") { String($0.logSegmentBytes) },
        .init(name: "segment.index.bytes", brokerName: "log.index.size.max.bytes", kind: .int, kafkaDefault: "10485760") { _ in nil },
        .init(name: "segment.jitter.ms", brokerName: "log.roll.jitter.ms", kind: .long, kafkaDefault: "0") { _ in nil },
        .init(name: "segment.ms", brokerName: "log.roll.ms", kind: .long, kafkaDefault: "604800000") { String($0.logRollMs) },
        .init(name: "unclean.leader.election.enable", brokerName: "unclean.leader.election.enable", kind: .boolean, kafkaDefault: "false") {
            String($0.uncleanLeaderElectionEnable)
        },
    ]

    static let byName: [String: TopicConfigDefinition] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// Kafka's `LogConfig.validate` (names and value types): the first problem, or nil.
    static func problem(with config: [String: String]) -> String? {
        for (name, value) in config.sorted(by: { $0.key < $1.key }) {
            guard let definition = byName[name] else { return "Unknown topic config name: \(name)" }
            if let problem = definition.problem(with: value) { return problem }
        }
        return nil
    }
}

/// The broker's own configuration as DescribeConfigs (BROKER) reports it.
enum BrokerConfigDescription {
    struct Entry {
        var name: String
        var value: String
        var isDefault: Bool
    }

    static func entries(_ config: BrokerConfig) -> [Entry] {
        func entry(_ name: String, _ value: String, default kafkaDefault: String?) -> Entry {
            Entry(name: name, value: value, isDefault: value == kafkaDefault)
        }
        return [
            entry("broker.id", String(config.brokerID), default: nil),
            entry("zookeeper.connect", config.zookeeperConnect, default: nil),
            entry("log.dirs", config.logDirs.joined(separator: ","), default: nil),
            entry("inter.broker.listener.name", config.interBrokerListenerName, default: nil),
            entry("num.partitions", String(config.numPartitions), default: "1"),
            entry("default.replication.factor", String(config.defaultReplicationFactor), default: "1"),
            entry("min.insync.replicas", String(config.minInsyncReplicas), default: "1"),
            entry("auto.create.topics.enable", String(config.autoCreateTopicsEnable), default: "true"),
            entry("delete.topic.enable", String(config.deleteTopicEnable), default: "true"),
            entry("unclean.leader.election.enable", String(config.uncleanLeaderElectionEnable), default: "false"),
            entry("auto.leader.rebalance.enable", String(config.autoLeaderRebalanceEnable), default: "true"),
            entry("message.max.bytes", String(config.messageMaxBytes), default: "1048588"),
            entry("log.segment.bytes", String(config.logSegmentBytes), default: "1073741824"),
            entry("log.retention.ms", String(config.logRetentionMs), default: "604800000"),
            entry("log.retention.bytes", String(config.logRetentionBytes), default: "-1"),
            entry("log.roll.ms", String(config.logRollMs), default: "604800000"),
            entry("offsets.topic.replication.factor", String(config.offsetsTopicReplicationFactor), default: "3"),
            entry("offsets.topic.num.partitions", String(config.offsetsTopicNumPartitions), default: "50"),
            entry("num.network.threads", String(config.numNetworkThreads), default: "3"),
            entry("num.io.threads", String(config.numIOThreads), default: "8"),
            entry("zookeeper.session.timeout.ms", String(config.zookeeperSessionTimeoutMs), default: "18000"),
        ].sorted { $0.name < $1.name }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
