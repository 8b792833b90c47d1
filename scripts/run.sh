#!/usr/bin/env bash
# The main job: set up and build, then run `zkafka demo` — a guided tour of the ZooKeeper-mode architecture
# on a local cluster (3 ZooKeeper servers, 3 brokers): the controller election, a topic, kill -9 of the
# controller and of a partition leader, the restarts, and the timeline of controller events and state
# transitions. The cluster is kept running afterwards for exploring (`zkafka trace`, zkCli, kcat).
# Extra arguments go to `zkafka demo` (for example nothing, or `--dir DIR`).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

zkafka="$(swift build --show-bin-path)/zkafka"
cluster_dir="${ZKAFKA_CLUSTER_DIR:-${TMPDIR:-/tmp}/zkafka-cluster}"

# A previous run's cluster would make `up` refuse the directory; `down` is a no-op otherwise. Its data
# goes too (only in a directory that holds a cluster.json), so the tour starts from an empty cluster.
"$zkafka" cluster down --dir "$cluster_dir" >/dev/null
if [ -f "$cluster_dir/cluster.json" ]; then rm -rf "$cluster_dir"; fi

"$zkafka" demo --keep --dir "$cluster_dir" "$@"
echo "(zkafka is $zkafka)"

