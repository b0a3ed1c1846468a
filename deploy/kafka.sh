#!/usr/bin/env bash
# Apache Kafka 4.1.1 (KRaft, no ZooKeeper) for tests and local runs, without
# Docker: the jars come from Maven Central (deploy/kafka/pom.xml) and run on
# the local JDK.
#
#   deploy/kafka.sh fetch                  download the jars once into $CACHE/kafka-4.1.1/libs
#   deploy/kafka.sh start | stop           single combined broker+controller on 127.0.0.1:${KAFKA_PORT:-19092}
#   deploy/kafka.sh cluster-start | cluster-stop
#                                          three combined nodes on ${KAFKA_CLUSTER_PORT:-29092}, +2, +4
#   deploy/kafka.sh cluster-kill N         SIGKILL node N (1..3) of the cluster, keep its data
#   deploy/kafka.sh cluster-restart-node N start node N again on its existing data
#   deploy/kafka.sh status                 running / not running, for both forms
#
# Environment:
#   CONTINUUM_CACHE     state dir (default: <repo>/.cache); jars, data, logs, pid files live here
#   KAFKA_PORT          single node PLAINTEXT port (default 19092); controller = port+1
#   KAFKA_CLUSTER_PORT  cluster node 1 PLAINTEXT port (default 29092); node N = base+2(N-1), controller +1
#   KAFKA_KEEP_DATA=1   keep the data dir on start/cluster-start (default: fresh data every start)
#   KAFKA_START_TIMEOUT seconds to wait for readiness (default 90)
#
# Layout under $CACHE:
#   kafka-4.1.1/libs/          the jars (+ .fetched stamp), kafka-4.1.1/probe/ compiled readiness probe
#   kafka-run/single/          server.properties, data/, server.log, console.log, kafka.pid
#   kafka-run/cluster/nodeN/   the same per cluster node; kafka-run/cluster/cluster.id
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/.." && pwd)
CACHE=${CONTINUUM_CACHE:-$REPO/.cache}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)   # absolute: the paths end up in properties files and pid markers

KAFKA_VERSION=4.1.1
KAFKA_HOME=$CACHE/kafka-$KAFKA_VERSION
LIBS=$KAFKA_HOME/libs
PROBE_CLASSES=$KAFKA_HOME/probe
POM=$SCRIPT_DIR/kafka/pom.xml
LOG4J_CONF=$SCRIPT_DIR/kafka/log4j2.properties
PROBE_SRC=$SCRIPT_DIR/kafka/KafkaProbe.java
RUN=$CACHE/kafka-run

KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_CLUSTER_PORT=${KAFKA_CLUSTER_PORT:-29092}
START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
CLUSTER_NODES=3
JAVA=${JAVA:-java}

log() { echo "kafka.sh: $*" >&2; }
die() { echo "kafka.sh: ERROR: $*" >&2; exit 1; }

# The parts, each a set of functions (and the state dirs they use), in the order they build on each other.
# shellcheck source=kafka/fetch.sh
source "$SCRIPT_DIR/kafka/fetch.sh"
# shellcheck source=kafka/processes.sh
source "$SCRIPT_DIR/kafka/processes.sh"
# shellcheck source=kafka/node.sh
source "$SCRIPT_DIR/kafka/node.sh"
# shellcheck source=kafka/single.sh
source "$SCRIPT_DIR/kafka/single.sh"
# shellcheck source=kafka/cluster.sh
source "$SCRIPT_DIR/kafka/cluster.sh"

# -------------------------------------------------------------- status ----

status() {
    local n pid
    pid=$(node_pid "$SINGLE_DIR" "$KAFKA_PORT")
    if [[ -n $pid ]] && port_open "$KAFKA_PORT"; then
        echo "single: running (pid $pid, 127.0.0.1:$KAFKA_PORT)"
    else
        echo "single: not running"
    fi
    for ((n = 1; n <= CLUSTER_NODES; n++)); do
        pid=$(node_pid "$(node_dir $n)" "$(node_port $n)")
        if [[ -n $pid ]] && port_open "$(node_port $n)"; then
            echo "cluster node $n: running (pid $pid, 127.0.0.1:$(node_port $n))"
        else
            echo "cluster node $n: not running"
        fi
    done
}

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

# One kafka.sh at a time per state dir (e.g. several pytest sessions calling
# `start` at once). The nodes themselves must not inherit this lock fd
# (launch_node closes it), or the next call would wait forever.
lock() {
    mkdir -p "$RUN"
    exec 8>"$RUN/.lock"
    flock -w 300 8 || die "another deploy/kafka.sh has been busy for 300 s (lock $RUN/.lock)"
}

case ${1:-} in
    start | stop | cluster-*) lock ;;
esac
case ${1:-} in
    fetch) fetch ;;
    start) start_single ;;
    stop) stop_single ;;
    cluster-start) start_cluster ;;
    cluster-stop) stop_cluster ;;
    cluster-kill) kill_node "${2:-}" ;;
    cluster-restart-node) restart_node "${2:-}" ;;
    status) status ;;
    *) usage ;;
esac
