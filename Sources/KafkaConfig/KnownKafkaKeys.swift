/// Kafka 2.8 broker settings ZKafka accepts but does not act on (they appear in stock
/// `server.properties` files, so they get a softer warning than unknown keys).
enum KnownKafkaKeys {
    static let ignored: Set<String> = [
        "broker.id.generation.enable", "reserved.broker.max.id", "num.recovery.threads.per.data.dir",
        "transaction.state.log.replication.factor", "transaction.state.log.min.isr",
        "compression.type", "zookeeper.set.acl", "zookeeper.sync.time.ms",
        "log.message.format.version", "security.inter.broker.protocol",
        "control.plane.listener.name", "request.timeout.ms", "offsets.commit.required.acks",
        "log.preallocate", "socket.listen.backlog.size",
        "max.connections", "max.connections.per.ip", "background.threads", "metric.reporters",
        "ssl.keystore.location", "ssl.keystore.password", "ssl.key.password", "ssl.truststore.location",
        "ssl.truststore.password", "sasl.enabled.mechanisms", "sasl.mechanism.inter.broker.protocol",
        "authorizer.class.name", "super.users", "num.replica.alter.log.dirs.threads",
    ]
}
