#!/usr/bin/env bash
# The main job, for now: set up and build, then bring up a local cluster (3 ZooKeeper servers and
# 3 brokers) in the background and show its status.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

zkafka="$(swift build --show-bin-path)/zkafka"
cluster_dir="${ZKAFKA_CLUSTER_DIR:-${TMPDIR:-/tmp}/zkafka-cluster}"

# A previous run's cluster would make `up` refuse the directory; `down` is a no-op otherwise.
"$zkafka" cluster down --dir "$cluster_dir" >/dev/null
# `up` prints the status table once the ensemble has a leader and every broker has started.
"$zkafka" cluster up --dir "$cluster_dir" --zookeepers 3 --brokers 3

cat <<MESSAGE

The cluster keeps running in the background. Try:
  kcat -b $(python3 -c "import json,sys; b=json.load(open(sys.argv[1]))['brokers'][0]; print(b['host']+':'+str(b['port']))" "$cluster_dir/cluster.json") -L
  $zkafka cluster kill  --dir $cluster_dir --broker 1        # crash a broker (its partitions get new leaders)
  $zkafka cluster start --dir $cluster_dir --broker 1        # bring it back
  $zkafka cluster kill  --dir $cluster_dir --zookeeper 1     # crash a ZooKeeper server
  $zkafka cluster status --dir $cluster_dir --json
Stop it with:
  $zkafka cluster down --dir $cluster_dir
MESSAGE
