# Apache Kafka in KRaft mode, one combined broker and controller (built by deploy/images/build.sh kafka).
# The build context is made by build.sh: libs/ holds the jars `deploy/kafka.sh fetch` takes from Maven Central
# (the same version and pom as the local broker), probe/ the readiness probe compiled from deploy/kafka/.
# Configured like the apache/kafka image: every KAFKA_<NAME> variable is the property <name> (`_` is `.`,
# `__` is `_`, `___` is `-`), CLUSTER_ID formats an empty data directory on the first start.
ARG BASE_IMAGE=continuum/base:bookworm
FROM ${BASE_IMAGE}
RUN apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --uid 10002 --home-dir /opt/kafka --shell /usr/sbin/nologin kafka \
    && mkdir -p /var/lib/kafka/data /opt/kafka/config && chown kafka:kafka /var/lib/kafka/data /opt/kafka/config
COPY libs /opt/kafka/libs
COPY probe /opt/kafka/probe
COPY log4j2.properties /opt/kafka/log4j2.properties
COPY kafka-entrypoint kafka-ready /opt/kafka/bin/
ENV KAFKA_HEAP_OPTS="-Xmx512m -Xms256m"
USER kafka:kafka
VOLUME /var/lib/kafka/data
EXPOSE 9092 9093
HEALTHCHECK --interval=10s --timeout=15s --start-period=30s --retries=12 CMD ["/opt/kafka/bin/kafka-ready"]
ENTRYPOINT ["/opt/kafka/bin/kafka-entrypoint"]
