#!/usr/bin/env bash
# Sets up and builds, checks the container files, then runs every test of the package (unit and
# integration; integration tests start real ZooKeeper servers and brokers) and the container suite
# (docker-compose.yml under Podman; skipped with a reason where no engine works). The output ends with
# `swift test`'s own summary lines; the exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || exit 1

failed=()
# First because it takes a second, so its verdict is not buried under the test output.
python3 scripts/check_containers.py || failed+=("scripts/check_containers.py")
if swift build --build-tests; then
    # The compose cluster under Podman (images from this build), or a printed reason to skip it.
    # Before the package's tests so their summary stays the last lines.
    # Its output is kept, so a failed step's reason is repeated at the end, where a CI log's tail shows it.
    container_log="$(mktemp /tmp/zkafka-container-suite.XXXXXX.log)"
    if ! /usr/bin/python3 scripts/container_suite.py 2>&1 | tee "$container_log"; then
        failed+=("scripts/container_suite.py")
        container_failure="$(grep -A 25 '^FAIL ' "$container_log" | head -60)"
    fi
    rm -f "$container_log"
    # Two runs of the same test bundle. In-process tests first (unit tests, loopback servers, single
    # ensembles): they time real sockets and must not share the process's two cooperative threads
    # with the cluster suites, whose client processes and polls block while they wait.
    swift test --skip-build --skip ClusterIntegrationTests || failed+=("swift test --skip ClusterIntegrationTests")
    # Then the suites that each start a whole cluster (3 ZooKeeper servers, 3 brokers) and drive it with
    # kcat, confluent-kafka, kafka-python and kazoo.
    swift test --skip-build --filter ClusterIntegrationTests || failed+=("swift test --filter ClusterIntegrationTests")
else
    failed+=("swift build --build-tests")
fi

if ((${#failed[@]} > 0)); then
    if [[ -n "${container_failure:-}" ]]; then
        echo "The container suite's failed step (its full output is above):"
        echo "$container_failure"
    fi
    echo "FAILED: ${failed[*]}"
    exit 1
fi
