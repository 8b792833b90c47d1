# A development image: the Swift toolchain, the system packages scripts/setup.sh installs
# (scripts/check_containers.py checks the two agree) and zkafka built from source in it, for hosts
# that reach Docker Hub: `docker build -t zkafka-dev .`. docker-compose.yml does not use it: its
# images (containers/*.Dockerfile) are built by scripts/build_images.sh from the host's release build.
FROM swift:6.3-bookworm

RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        zookeeper libzookeeper-mt-dev zlib1g-dev libsnappy-dev liblz4-dev libzstd-dev kcat python3-confluent-kafka python3-kafka python3-kazoo \
        docker-compose python3-yaml default-jre-headless \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Only what the build needs, so local .build directories never enter the image.
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
# Same build command as scripts/setup.sh, in the release configuration.
RUN swift build -c release \
    && install -m 0755 "$(swift build -c release --show-bin-path)/zkafka" /usr/local/bin/zkafka
# The client script `zkafka demo` and `zkafka chaos` run (found as <prefix>/share/zkafka/kafka_client.py).
COPY scripts/kafka_client.py /usr/local/share/zkafka/kafka_client.py

ENTRYPOINT ["zkafka"]
CMD ["--help"]
