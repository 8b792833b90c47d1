# A ZKafka broker: the `zkafka` executable of a release build on the host and the shared libraries
# it links (Swift runtime, libzookeeper_mt, ...), staged in containers/.stage by
# scripts/build_images.sh. Nothing is compiled here, so the image builds in seconds.
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim
FROM ${BASE_IMAGE}
COPY .stage/lib/ /opt/zkafka/lib/
COPY .stage/bin/zkafka /usr/local/bin/zkafka
COPY broker-healthcheck.sh /usr/local/bin/broker-healthcheck
COPY kraft-entrypoint.sh /usr/local/bin/kraft-entrypoint
COPY server.properties /etc/zkafka/server.properties
ENV LD_LIBRARY_PATH=/opt/zkafka/lib
EXPOSE 9092 19092
VOLUME ["/var/lib/zkafka"]
ENTRYPOINT ["/usr/local/bin/zkafka"]
CMD ["server-start", "/etc/zkafka/server.properties"]
