#!/usr/bin/env bash
# Sets up and builds, checks the container files, then runs every test of the package (unit and
# integration; integration tests start real ZooKeeper servers). The output ends with
# `swift test`'s own summary lines; the exit status is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh || exit 1

failed=()
# First because it takes a second, so its verdict is not buried under the test output.
python3 scripts/check_containers.py || failed+=("scripts/check_containers.py")
swift test || failed+=("swift test")

if ((${#failed[@]} > 0)); then
    echo "FAILED: ${failed[*]}"
    exit 1
fi
