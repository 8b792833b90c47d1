#!/bin/bash
# A KRaft node (docker-compose.yml's `kraft` profile): writes its server.properties from the
# environment (KRaft refuses the image's zookeeper.connect, so the ZooKeeper-mode file is not
# reused), formats its log directory once (`storage format --ignore-formatted`, as Kafka 3.3's
# kafka-storage.sh), then runs the node as the container's process 1.
#   KRAFT_ROLE           controller or broker (Kafka 3.3 keeps the roles in separate processes)
#   KRAFT_NODE_ID        node.id (controllers 3001..., brokers 1...)
#   KRAFT_VOTERS         controller.quorum.voters, id@host:port,...
#   KRAFT_CLUSTER_ID     the cluster id every node is formatted with
#   KRAFT_EXTERNAL_PORT  brokers: the EXTERNAL listener's port, published on the host's 127.0.0.1
set -euo pipefail
: "${KRAFT_ROLE:?set KRAFT_ROLE}" "${KRAFT_NODE_ID:?set KRAFT_NODE_ID}" "${KRAFT_VOTERS:?set KRAFT_VOTERS}"
: "${KRAFT_CLUSTER_ID:?set KRAFT_CLUSTER_ID}"
config=/var/lib/zkafka/server.properties
mkdir -p /var/lib/zkafka/logs
{
    echo "process.roles=$KRAFT_ROLE"
    echo "node.id=$KRAFT_NODE_ID"
    echo "controller.quorum.voters=$KRAFT_VOTERS"
    echo "controller.listener.names=CONTROLLER"
    if [ "$KRAFT_ROLE" = controller ]; then
        echo "listeners=CONTROLLER://0.0.0.0:9093"
        echo "listener.security.protocol.map=CONTROLLER:PLAINTEXT"
    else
        : "${KRAFT_EXTERNAL_PORT:?set KRAFT_EXTERNAL_PORT}"
        echo "listeners=INTERNAL://0.0.0.0:19092,EXTERNAL://0.0.0.0:$KRAFT_EXTERNAL_PORT"
        echo "advertised.listeners=INTERNAL://$(hostname):19092,EXTERNAL://127.0.0.1:$KRAFT_EXTERNAL_PORT"
        echo "listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT"
        echo "inter.broker.listener.name=INTERNAL"
        echo "controlled.shutdown.retry.backoff.ms=1000"
    fi
    echo "log.dirs=/var/lib/zkafka/logs"
} > "$config"
zkafka storage format --cluster-id "$KRAFT_CLUSTER_ID" --config "$config" --ignore-formatted
exec zkafka server-start --config "$config"
