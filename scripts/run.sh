#!/usr/bin/env bash
# The main job, for now: set up and build, then bring up a local 3-server ZooKeeper ensemble in
# the background and show its status. (Brokers join once `zkafka server-start` exists.)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

zkafka="$(swift build --show-bin-path)/zkafka"
cluster_dir="${ZKAFKA_CLUSTER_DIR:-${TMPDIR:-/tmp}/zkafka-cluster}"

# A previous run's cluster would make `up` refuse the directory; `down` is a no-op otherwise.
"$zkafka" cluster down --dir "$cluster_dir" >/dev/null
# `up` prints the status table once the ensemble has a leader.
"$zkafka" cluster up --dir "$cluster_dir" --zookeepers 3 --brokers 0

cat <<MESSAGE

The ensemble keeps running in the background. Try:
  $zkafka cluster kill  --dir $cluster_dir --zookeeper 1     # crash a server
  $zkafka cluster start --dir $cluster_dir --zookeeper 1     # bring it back
  $zkafka cluster status --dir $cluster_dir --json
Stop it with:
  $zkafka cluster down --dir $cluster_dir
MESSAGE
