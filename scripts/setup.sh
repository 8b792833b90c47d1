#!/usr/bin/env bash
# Prepares a Debian/Ubuntu machine for ZKafka and builds it. Idempotent: installs only the system
# packages that are missing (running `apt-get update` first), then runs `swift build`.
#
# The package list and the build command are mirrored in the Dockerfile and the README;
# scripts/check_containers.py fails when they drift apart.
set -euo pipefail
cd "$(dirname "$0")/.."

# zookeeper: the servers `zkafka cluster` launches. libzookeeper-mt-dev: the C client our Swift
# client wraps. zlib1g-dev: gzip record batches. kcat and the Python clients: independent Kafka/ZooKeeper clients for checking our
# work. libsnappy-dev, liblz4-dev, libzstd-dev: the other record codecs. docker-compose (its parser, no
# daemon needed) and python3-yaml: the docker-compose.yml checks.
APT_PACKAGES=(zookeeper libzookeeper-mt-dev zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev kcat python3-confluent-kafka python3-kafka python3-kazoo docker-compose python3-yaml)
# ZooKeeper needs a Java runtime; any installed `java` will do.
JAVA_PACKAGE=default-jre-headless
# The container suite (scripts/container_suite.py): Podman with runc, podman-compose, and
# debootstrap for the base image. Not needed to build or run zkafka, so a failure to install them
# only makes the suite skip; ZKAFKA_CONTAINER_TESTS=0 does not install them at all.
CONTAINER_PACKAGES=(podman podman-compose runc debootstrap)

missing=()
for package in "${APT_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if ! command -v java >/dev/null 2>&1; then
    missing+=("$JAVA_PACKAGE")
fi

missing_containers=()
if [ "${ZKAFKA_CONTAINER_TESTS:-1}" != 0 ]; then
    for package in "${CONTAINER_PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing_containers+=("$package")
        fi
    done
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then sudo=(sudo); fi
if ((${#missing[@]} + ${#missing_containers[@]} > 0)); then
    "${sudo[@]}" apt-get update
fi
if ((${#missing[@]} > 0)); then
    echo "setup: installing missing packages: ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
else
    echo "setup: all system packages present"
fi
if ((${#missing_containers[@]} > 0)); then
    echo "setup: installing the container suite's packages: ${missing_containers[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing_containers[@]}" \
        || echo "setup: could not install ${missing_containers[*]}; the container suite will be skipped"
fi

if ! command -v swift >/dev/null 2>&1; then
    echo "setup: no Swift toolchain on PATH. Install Swift 6.3 or newer (https://www.swift.org/install/linux/)," >&2
    echo "setup: or build in Docker instead (see README.md, Containers)." >&2
    exit 1
fi

swift build
