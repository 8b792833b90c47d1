# A ZooKeeper server from Debian's `zookeeper` package (3.8 in bookworm), the same server
# `zkafka cluster up` runs on the host. Configured from ZOO_* variables (zookeeper-entrypoint).
# BASE_IMAGE: Debian bookworm. scripts/build_images.sh passes a local image made by debootstrap
# where no registry can be reached; the default is the public image, for hosts that reach Docker Hub.
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim
FROM ${BASE_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends zookeeper default-jre-headless \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
COPY zookeeper-entrypoint.sh /usr/local/bin/zookeeper-entrypoint
COPY zookeeper-healthcheck.sh /usr/local/bin/zookeeper-healthcheck
EXPOSE 2181 2888 3888
VOLUME ["/var/lib/zookeeper"]
ENTRYPOINT ["/usr/local/bin/zookeeper-entrypoint"]
