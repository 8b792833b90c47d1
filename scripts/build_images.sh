#!/usr/bin/env bash
# Builds the images docker-compose.yml runs, locally, and writes their names to .env (which
# `docker compose` and `podman-compose` read), then prints them:
#   base       Debian bookworm: `debootstrap --variant=minbase` imported as an image (no registry
#              needed), or the image named by $ZKAFKA_BASE_IMAGE (e.g. debian:bookworm-slim where
#              Docker Hub is reachable)
#   zookeeper  the base plus Debian's zookeeper package (containers/zookeeper.Dockerfile)
#   broker     the base plus the host's release build of zkafka and the shared libraries it links
#              (containers/broker.Dockerfile)
# Each image is tagged with a hash of its inputs (base image id, Dockerfile, scripts, binary), so
# an image whose inputs did not change is reused, not rebuilt.
#
# Environment: ZKAFKA_CONTAINER_ENGINE=podman|docker (default: podman if present, else docker),
# ZKAFKA_BASE_IMAGE, ZKAFKA_DEBIAN_MIRROR (debootstrap's mirror; its default otherwise),
# ZKAFKA_BUILD_CONFIGURATION=release|debug (default release; the container suite uses the debug
# build scripts/test.sh has just made), ZKAFKA_SKIP_SWIFT_BUILD=1 (use the existing build as it is).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

engine=${ZKAFKA_CONTAINER_ENGINE:-}
if [ -z "$engine" ]; then
    if command -v podman >/dev/null 2>&1; then engine=podman; else engine=docker; fi
fi
engine_cmd=("$engine")
if [ "$engine" = podman ]; then
    # runc (crun refuses this machine's hybrid cgroup layout) and ulimits within the hard limits.
    export CONTAINERS_CONF=${CONTAINERS_CONF:-$root/containers/podman-containers.conf}
fi
log() { echo "build_images: $*" >&2; }
trap 'log "failed (exit status $?) at line $LINENO: $BASH_COMMAND"' ERR
hash_of() { sha256sum | cut -c1-16; }
image_exists() { "${engine_cmd[@]}" image exists "$1" 2>/dev/null || "${engine_cmd[@]}" image inspect "$1" >/dev/null 2>&1; }
image_id() { "${engine_cmd[@]}" image inspect --format '{{.Id}}' "$1"; }

# 1. The base image.
base=${ZKAFKA_BASE_IMAGE:-}
if [ -z "$base" ]; then
    suite=bookworm
    mirror=${ZKAFKA_DEBIAN_MIRROR:-}
    base="localhost/zkafka-debian:$suite-$(printf 'minbase %s %s v1' "$suite" "$mirror" | hash_of)"
    if image_exists "$base"; then
        log "base $base: reused"
    else
        command -v debootstrap >/dev/null || { log "debootstrap is not installed (apt-get install debootstrap)"; exit 1; }
        rootfs=$(mktemp -d "${TMPDIR:-/tmp}/zkafka-rootfs.XXXXXX")
        trap 'rm -rf "$rootfs"' EXIT
        log "base $base: debootstrap --variant=minbase $suite ${mirror:-(default mirror)}"
        started=$SECONDS
        # Up to three attempts: a mirror's transient failure (a dropped connection, a file mid-sync) is
        # not a reason to skip the containers' checks.
        for attempt in 1 2 3; do
            if debootstrap --variant=minbase "$suite" "$rootfs" ${mirror:+"$mirror"} > "$rootfs.log" 2>&1; then
                break
            fi
            if [ "$attempt" = 3 ]; then tail -20 "$rootfs.log" >&2; rm -f "$rootfs.log"; exit 1; fi
            log "base $base: debootstrap attempt $attempt failed ($(tail -1 "$rootfs.log")); retrying in 15 s"
            rm -rf "$rootfs" && mkdir -p "$rootfs"
            sleep 15
        done
        rm -f "$rootfs.log"
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
        tar -C "$rootfs" -c . | "${engine_cmd[@]}" import \
            --change 'CMD ["/bin/bash"]' --change 'ENV LANG=C.UTF-8' - "$base" >/dev/null
        rm -rf "$rootfs"
        trap - EXIT
        log "base $base: built in $((SECONDS - started)) s"
    fi
fi
base_id=$(image_id "$base")

# Builds containers/$1.Dockerfile as $2 unless an image with that tag exists.
build() {
    local name=$1 tag=$2 started=$SECONDS
    if image_exists "$tag"; then
        log "$name $tag: reused"
        return
    fi
    log "$name $tag: building"
    # Up to three attempts, for the same reason as debootstrap's: the builds run apt-get against a mirror.
    local attempt
    for attempt in 1 2 3; do
        if "${engine_cmd[@]}" build --quiet --build-arg "BASE_IMAGE=$base" --label "zkafka.inputs=${tag##*:}" \
            -f "containers/$name.Dockerfile" -t "$tag" containers >/dev/null; then
            break
        fi
        [ "$attempt" != 3 ] || { log "$name $tag: the build failed three times"; exit 1; }
        log "$name $tag: build attempt $attempt failed; retrying in 15 s"
        sleep 15
    done
    log "$name $tag: built in $((SECONDS - started)) s"
    # Older builds of this image (other input hashes) are only disk space now; an image a
    # container still uses stays.
    "${engine_cmd[@]}" images --format '{{.Repository}}:{{.Tag}}' | grep -F "${tag%%:*}:" | grep -vxF "$tag" \
        | while read -r old; do "${engine_cmd[@]}" rmi "$old" >/dev/null 2>&1 || true; done || true
}

# 2. ZooKeeper.
zookeeper="localhost/zkafka-zookeeper:$( { echo "$base_id"; cat containers/zookeeper.Dockerfile containers/zookeeper-*.sh; } | hash_of)"
build zookeeper "$zookeeper"

# 3. The broker: stage the zkafka binary and every shared library it links but glibc's.
configuration=${ZKAFKA_BUILD_CONFIGURATION:-release}
if [ "${ZKAFKA_SKIP_SWIFT_BUILD:-0}" != 1 ]; then
    started=$SECONDS
    log "swift build -c $configuration --product zkafka"
    swift build -c "$configuration" --product zkafka >&2
    log "$configuration build: $((SECONDS - started)) s"
fi
binary="$(swift build -c "$configuration" --show-bin-path)/zkafka"
[ -x "$binary" ] || { log "$binary is missing: run swift build -c $configuration --product zkafka"; exit 1; }
stage=containers/.stage
rm -rf "$stage" && mkdir -p "$stage/bin" "$stage/lib"
cp "$binary" "$stage/bin/zkafka"
missing=$(ldd "$binary" | awk '/not found/ { print $1 }')
[ -z "$missing" ] || { log "zkafka links libraries that are not found: $missing"; exit 1; }
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | while read -r library; do
    case "$(basename "$library")" in
        libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*) ;;  # the base image's glibc
        *) cp -L "$library" "$stage/lib/" ;;
    esac
done
broker="localhost/zkafka-broker:$( { echo "$base_id"; cat containers/broker.Dockerfile containers/broker-healthcheck.sh containers/kraft-entrypoint.sh \
    containers/server.properties; find "$stage" -type f | sort | xargs cat; } | hash_of)"
build broker "$broker"

cat > .env <<ENV
# Written by scripts/build_images.sh: the images docker-compose.yml runs.
ZKAFKA_BASE_IMAGE=$base
ZKAFKA_ZOOKEEPER_IMAGE=$zookeeper
ZKAFKA_BROKER_IMAGE=$broker
ENV
cat .env | grep -v '^#'
