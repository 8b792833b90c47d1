#!/bin/bash
# Writes zoo.cfg from the environment and runs one ZooKeeper server in the foreground, with the
# settings `zkafka cluster up` uses on the host (LocalCluster's ZooKeeperServerConfig).
#   ZOO_MY_ID     this server's id (required)
#   ZOO_SERVERS   space-separated "server.N=host:2888:3888;2181" entries (the ensemble)
#   ZOO_TICK_TIME tick in ms (default 500)
set -euo pipefail
: "${ZOO_MY_ID:?set ZOO_MY_ID}"
data=/var/lib/zookeeper/data
config=/var/lib/zookeeper/zoo.cfg
mkdir -p "$data"
echo "$ZOO_MY_ID" > "$data/myid"
{
    echo "tickTime=${ZOO_TICK_TIME:-500}"
    echo "initLimit=${ZOO_INIT_LIMIT:-20}"
    echo "syncLimit=${ZOO_SYNC_LIMIT:-10}"
    echo "dataDir=$data"
    echo "clientPort=2181"
    echo "maxClientCnxns=0"
    echo "4lw.commands.whitelist=${ZOO_4LW_COMMANDS_WHITELIST:-srvr,ruok,stat,mntr}"
    echo "admin.enableServer=false"
    # Quorum and election sockets bind every address: a container's own name may resolve late.
    echo "quorumListenOnAllIPs=true"
    echo "cnxTimeout=1000"
    echo "preAllocSize=4096"
    for server in ${ZOO_SERVERS:-}; do echo "$server"; done
} > "$config"
exec java -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dzookeeper.forceSync=no -Dzookeeper.admin.enableServer=false \
    -cp /usr/share/java/zookeeper.jar:/usr/share/java/slf4j-simple.jar \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$config"
