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

# ---------------------------------------------------------------- fetch ----

fetch() {
    mkdir -p "$KAFKA_HOME"
    # Serialize concurrent fetches (e.g. two test sessions starting at once).
    exec 9>"$KAFKA_HOME/.lock"
    flock 9

    # The stamp holds the pom's checksum so an edited pom triggers a re-fetch.
    local stamp=$LIBS/.fetched want
    want=$(sha256sum "$POM" | cut -d' ' -f1)
    if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
        command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka jars from Maven Central)"
        log "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS ..."
        local tmp=$LIBS.tmp
        rm -rf "$tmp"
        # Maven 3.8 -q still prints bare colour codes on stdout: strip them and
        # send everything to stderr so stdout stays clean for callers.
        mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
            -DoutputDirectory="$tmp" -DincludeScope=runtime -f "$POM" 2>&1 \
            | sed -u 's/\x1b\[[0-9;]*m//g; /^$/d' >&2 \
            || die "maven could not fetch the Kafka jars (see output above)"
        [[ -f $tmp/kafka_2.13-$KAFKA_VERSION.jar && -f $tmp/kafka-clients-$KAFKA_VERSION.jar ]] \
            || die "fetch incomplete: kafka jars missing in $tmp"
        rm -rf "$LIBS"
        mv "$tmp" "$LIBS"
        echo "$want" >"$LIBS/.fetched"
        log "fetched $(find "$LIBS" -name '*.jar' | wc -l) jars"
    fi

    # The readiness probe (an AdminClient describeCluster): the kafka-tools jar
    # (TopicCommand, kafka-topics) is not a dependency of kafka_2.13, so we
    # compile our own 60-line probe against kafka-clients.
    if [[ ! -f $PROBE_CLASSES/KafkaProbe.class || $PROBE_SRC -nt $PROBE_CLASSES/KafkaProbe.class \
          || $LIBS/.fetched -nt $PROBE_CLASSES/KafkaProbe.class ]]; then
        command -v javac >/dev/null || die "javac not found (a JDK, not just a JRE, is needed)"
        rm -rf "$PROBE_CLASSES"
        mkdir -p "$PROBE_CLASSES"
        javac -nowarn -cp "$LIBS/*" -d "$PROBE_CLASSES" "$PROBE_SRC" >&2 || die "could not compile $PROBE_SRC"
    fi
    exec 9>&-
}

# ------------------------------------------------------------- helpers ----

alive() {  # pid -> 0 if the process exists and is not a zombie (no reaper in some containers)
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [[ -n $state && $state != Z ]]
}

port_open() {  # port -> 0 if something accepts TCP connections on 127.0.0.1:port
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Every node we start carries -Dcontinuum.kafka.port=<port> on its command
# line. That lets us find our own nodes even when the pid file is gone (e.g.
# a previous CI run in another clone, with another .cache, left one behind)
# without ever touching unrelated java processes.
marker_pids() {  # port -> pids of kafka nodes started by this script for that port
    local f pid
    for f in /proc/[0-9]*/cmdline; do
        pid=${f#/proc/}; pid=${pid%/cmdline}
        if [[ $pid == "$$" ]] || ! alive "$pid"; then continue; fi
        if tr '\0' ' ' 2>/dev/null <"$f" | grep -q -- "-Dcontinuum.kafka.port=$1 .*kafka\.Kafka "; then
            echo "$pid"
        fi
    done
}

node_pid() {  # dir port -> pid if the node from that dir is alive, else nothing
    local pidfile=$1/kafka.pid pid
    [[ -f $pidfile ]] || return 0
    pid=$(cat "$pidfile")
    if [[ -n $pid ]] && alive "$pid" && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q -- "-Dcontinuum.kafka.port=$2 "; then
        echo "$pid"
    fi
}

node_running() { [[ -n $(node_pid "$1" "$2") ]] && port_open "$2"; }

kill_pids() {  # grace_seconds pid... : SIGTERM, wait, then SIGKILL
    local grace=$1; shift
    [[ $# -gt 0 ]] || return 0
    kill -TERM "$@" 2>/dev/null || true
    local i
    for ((i = 0; i < grace * 5; i++)); do
        any_alive "$@" || return 0
        sleep 0.2
    done
    log "still alive after ${grace}s, sending SIGKILL to $*"
    kill -KILL "$@" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
        any_alive "$@" || return 0
        sleep 0.1
    done
}

any_alive() {  # pid... -> 0 if any of them is alive
    local p
    for p in "$@"; do alive "$p" && return 0; done
    return 1
}

wait_port_free() {  # port...
    local i p busy
    for ((i = 0; i < 50; i++)); do
        busy=
        for p in "$@"; do port_open "$p" && busy="$busy${busy:+|}$p"; done
        [[ -z $busy ]] && return 0
        sleep 0.2
    done
    die "port(s) ${busy//|/ } on 127.0.0.1 still in use by another process: $(ss -ltnp 2>/dev/null | grep -E "127.0.0.1:($busy)\b" | tr -s ' ' || true)"
}

# Make sure nothing of ours is left on the node's ports before starting, and
# that nobody else holds them.
free_ports() {  # port ctrl_port
    local stale
    stale=$(marker_pids "$1")
    if [[ -n $stale ]]; then
        log "stopping leftover Kafka node on port $1 (pid ${stale//$'\n'/ }) started from another state dir"
        # shellcheck disable=SC2086
        kill_pids 20 $stale
    fi
    wait_port_free "$1" "$2"
}

# ------------------------------------------------------------ one node ----

write_props() {  # dir node_id port ctrl_port voters mode(single|cluster)
    local dir=$1 id=$2 port=$3 cport=$4 voters=$5 mode=$6 rf isr
    if [[ $mode == single ]]; then rf=1 isr=1; else rf=3 isr=2; fi
    cat >"$dir/server.properties" <<EOF
# generated by deploy/kafka.sh ($mode) - edits are overwritten on start
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data

num.partitions=6
auto.create.topics.enable=true
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$rf
share.coordinator.state.topic.min.isr=$isr
# consumers in tests should not sit out the default 3 s rebalance delay
group.initial.rebalance.delay.ms=0
# Faster failure detection than the 2 s / 9 s defaults: a SIGKILLed node is
# fenced (its partitions move) sooner, and a restarted node can re-register
# sooner (the controller refuses it while the old session is still alive).
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=5000

# small segments / short retention: test data is thrown away anyway
log.segment.bytes=16777216
log.retention.hours=2
log.retention.check.interval.ms=60000
offsets.topic.num.partitions=12
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
}

format_node() {  # dir cluster_id
    if [[ -f $1/data/meta.properties ]]; then
        log "$(basename "$1"): data dir already formatted, keeping it"
        return 0
    fi
    mkdir -p "$1/data"
    # Static quorum (controller.quorum.voters), so no --standalone /
    # --initial-controllers: those are for the dynamic quorum and refuse to
    # run when controller.quorum.voters is set.
    "$JAVA" -Dlog4j2.configurationFile="$LOG4J_CONF" -Dcontinuum.log.file="$1/format.log" \
        -cp "$LIBS/*" kafka.tools.StorageTool format -t "$2" -c "$1/server.properties" >"$1/format.out" 2>&1 \
        || die "formatting $1 failed: $(cat "$1/format.out")"
}

launch_node() {  # dir port heap
    local dir=$1 port=$2 heap=$3
    [[ -f $dir/server.log ]] && mv -f "$dir/server.log" "$dir/server.log.prev"
    # setsid: own session, so the node survives the calling shell / CI step and
    # does not get its Ctrl-C. The marker property must come before
    # kafka.Kafka (marker_pids greps for that order).
    setsid nohup "$JAVA" -Xmx"$heap" -Xms256m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$LOG4J_CONF" -Dcontinuum.log.file="$dir/server.log" \
        -Dcontinuum.kafka.port="$port" \
        -cp "$LIBS/*" kafka.Kafka "$dir/server.properties" \
        >"$dir/console.log" 2>&1 </dev/null 8>&- 9>&- &
    local pid=$! i
    echo "$pid" >"$dir/kafka.pid"
    # $! is the forked shell, then setsid, then nohup, until it has exec'd
    # into java (same pid throughout: setsid does not fork again, a background
    # job is no process-group leader). Wait for that, so that later checks of
    # the command line see the final one.
    for ((i = 0; i < 100; i++)); do
        [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == */java ]] || ! alive "$pid" && break
        sleep 0.05
    done
}

stop_node() {  # dir port ctrl_port
    local dir=$1 port=$2 pids
    pids=$( { node_pid "$dir" "$port"; marker_pids "$port"; } | sort -u)
    if [[ -n $pids ]]; then
        # shellcheck disable=SC2086
        kill_pids 20 $pids
        log "$(basename "$dir"): stopped (pid ${pids//$'\n'/ })"
    fi
    rm -f "$dir/kafka.pid"
}

node_failed() {  # dir -> print why a node died
    echo "--- tail of $1/server.log ---" >&2
    tail -n 40 "$1/server.log" >&2 2>/dev/null || true
    echo "--- tail of $1/console.log ---" >&2
    tail -n 20 "$1/console.log" >&2 2>/dev/null || true
}

abort_nodes() {  # "dir:port"... : a failed start leaves no half-started JVM behind
    local spec
    for spec in "$@"; do stop_node "${spec%:*}" "${spec##*:}"; done
}

# Wait until the nodes listen AND the cluster reports enough live brokers
# (a bound port alone only means the socket server is up, not that the broker
# has caught up with the metadata log and been unfenced).
wait_ready() {  # min_brokers required_id_or_empty "dir:port"...
    local min=$1 need_id=$2; shift 2
    local deadline=$((SECONDS + START_TIMEOUT)) spec dir port all bootstrap=""
    while :; do
        all=1
        for spec in "$@"; do
            dir=${spec%:*} port=${spec##*:}
            # by pid, not node_pid: a command line read during an exec can be empty
            if ! alive "$(cat "$dir/kafka.pid" 2>/dev/null || echo none)"; then
                node_failed "$dir"
                abort_nodes "$@"
                die "$(basename "$dir") (port $port) exited during startup; logs above"
            fi
            port_open "$port" || all=0
        done
        [[ $all == 1 ]] && break
        if ((SECONDS >= deadline)); then
            for spec in "$@"; do node_failed "${spec%:*}"; done
            abort_nodes "$@"
            die "timed out after ${START_TIMEOUT}s waiting for Kafka ports to open"
        fi
        sleep 0.3
    done
    for spec in "$@"; do bootstrap="$bootstrap${bootstrap:+,}127.0.0.1:${spec##*:}"; done
    local left=$((deadline - SECONDS)); ((left < 5)) && left=5
    local probe_log=${1%:*}/probe.log ids
    if ! ids=$("$JAVA" -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$LOG4J_CONF" \
            -Dcontinuum.log.file="$probe_log" -cp "$LIBS/*:$PROBE_CLASSES" \
            KafkaProbe "$bootstrap" "$min" "$((left * 1000))" "$need_id"); then
        for spec in "$@"; do node_failed "${spec%:*}"; done
        abort_nodes "$@"
        die "Kafka at $bootstrap did not report $min live broker(s) within ${START_TIMEOUT}s"
    fi
    log "ready: live brokers [$ids] at $bootstrap"
}

# --------------------------------------------------------- single node ----

SINGLE_DIR=$RUN/single

start_single() {
    local port=$KAFKA_PORT cport=$((KAFKA_PORT + 1))
    if node_running "$SINGLE_DIR" "$port"; then
        log "already running (pid $(node_pid "$SINGLE_DIR" "$port"), 127.0.0.1:$port)"
        return 0
    fi
    fetch
    local t0=$SECONDS
    stop_node "$SINGLE_DIR" "$port"        # a half-dead node from an earlier run
    free_ports "$port" "$cport"
    mkdir -p "$SINGLE_DIR"
    if [[ ${KAFKA_KEEP_DATA:-0} != 1 ]]; then rm -rf "$SINGLE_DIR/data"; fi
    write_props "$SINGLE_DIR" 1 "$port" "$cport" "1@127.0.0.1:$cport" single
    format_node "$SINGLE_DIR" "$("$JAVA" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid)"
    log "starting single node on 127.0.0.1:$port (controller $cport), logs in $SINGLE_DIR"
    launch_node "$SINGLE_DIR" "$port" 512m
    wait_ready 1 1 "$SINGLE_DIR:$port"
    log "single node up in $((SECONDS - t0))s: bootstrap 127.0.0.1:$port"
}

stop_single() {
    stop_node "$SINGLE_DIR" "$KAFKA_PORT"
    wait_port_free "$KAFKA_PORT" "$((KAFKA_PORT + 1))"
    log "single node not running"
}

# ------------------------------------------------------------- cluster ----

CLUSTER_DIR=$RUN/cluster
node_dir() { echo "$CLUSTER_DIR/node$1"; }
node_port() { echo $((KAFKA_CLUSTER_PORT + 2 * ($1 - 1))); }
node_cport() { echo $(($(node_port "$1") + 1)); }
node_spec() { echo "$(node_dir "$1"):$(node_port "$1")"; }
cluster_bootstrap() {
    local n out=""
    for ((n = 1; n <= CLUSTER_NODES; n++)); do out="$out${out:+,}127.0.0.1:$(node_port $n)"; done
    echo "$out"
}
check_node_arg() {
    if ! [[ ${1:-} =~ ^[1-9][0-9]*$ ]] || (($1 > CLUSTER_NODES)); then
        die "node number 1..$CLUSTER_NODES expected, got '${1:-}'"
    fi
}

start_cluster() {
    local n running=() missing=()
    for ((n = 1; n <= CLUSTER_NODES; n++)); do
        if node_running "$(node_dir $n)" "$(node_port $n)"; then running+=("$n"); else missing+=("$n"); fi
    done
    if [[ ${#missing[@]} == 0 ]]; then
        log "cluster already running: $(cluster_bootstrap)"
        return 0
    fi
    fetch
    local t0=$SECONDS specs=()
    if [[ ${#running[@]} -gt 0 ]]; then
        # Part of the cluster is up (e.g. after cluster-kill): bring back the
        # missing nodes on their existing data instead of wiping a live cluster.
        log "cluster partly running (nodes ${running[*]}); restarting nodes ${missing[*]} on their data"
        for n in "${missing[@]}"; do restart_node "$n" nowait; done
    else
        local voters="" cid
        for ((n = 1; n <= CLUSTER_NODES; n++)); do voters="$voters${voters:+,}$n@127.0.0.1:$(node_cport $n)"; done
        mkdir -p "$CLUSTER_DIR"
        if [[ ${KAFKA_KEEP_DATA:-0} == 1 && -f $CLUSTER_DIR/cluster.id ]]; then
            cid=$(cat "$CLUSTER_DIR/cluster.id")
        else
            cid=$("$JAVA" -cp "$LIBS/*" kafka.tools.StorageTool random-uuid)
            echo "$cid" >"$CLUSTER_DIR/cluster.id"
        fi
        local fmt_pids=()
        for ((n = 1; n <= CLUSTER_NODES; n++)); do
            stop_node "$(node_dir $n)" "$(node_port $n)"
            free_ports "$(node_port $n)" "$(node_cport $n)"
            mkdir -p "$(node_dir $n)"
            if [[ ${KAFKA_KEEP_DATA:-0} != 1 ]]; then rm -rf "$(node_dir $n)/data"; fi
            write_props "$(node_dir $n)" "$n" "$(node_port $n)" "$(node_cport $n)" "$voters" cluster
            # ~1 s of JVM start-up each: format the three in parallel
            format_node "$(node_dir $n)" "$cid" &
            fmt_pids+=($!)
        done
        for n in "${fmt_pids[@]}"; do wait "$n" || die "formatting the cluster failed"; done
        log "starting $CLUSTER_NODES-node cluster $cid on $(cluster_bootstrap), logs in $CLUSTER_DIR"
        # All at once: a controller quorum of 3 needs 2 voters up to elect a leader.
        for ((n = 1; n <= CLUSTER_NODES; n++)); do launch_node "$(node_dir $n)" "$(node_port $n)" 384m; done
    fi
    for ((n = 1; n <= CLUSTER_NODES; n++)); do specs+=("$(node_spec $n)"); done
    wait_ready "$CLUSTER_NODES" "" "${specs[@]}"
    log "cluster up in $((SECONDS - t0))s: bootstrap $(cluster_bootstrap)"
}

stop_cluster() {
    local n pids=()
    # SIGTERM all nodes together: stopped one by one, the last ones lose the
    # controller quorum and hang in controlled shutdown until SIGKILL.
    for ((n = 1; n <= CLUSTER_NODES; n++)); do
        mapfile -t -O "${#pids[@]}" pids < <({ node_pid "$(node_dir $n)" "$(node_port $n)"; marker_pids "$(node_port $n)"; } | sort -u)
    done
    if [[ ${#pids[@]} -gt 0 ]]; then kill_pids 20 "${pids[@]}"; fi
    for ((n = 1; n <= CLUSTER_NODES; n++)); do
        rm -f "$(node_dir $n)/kafka.pid"
        wait_port_free "$(node_port $n)" "$(node_cport $n)"
    done
    log "cluster not running"
}

kill_node() {  # N
    check_node_arg "${1:-}"
    local dir port pids
    dir=$(node_dir "$1") port=$(node_port "$1")
    pids=$( { node_pid "$dir" "$port"; marker_pids "$port"; } | sort -u)
    if [[ -z $pids ]]; then
        log "node $1 is not running"
    else
        # shellcheck disable=SC2086
        kill -KILL $pids
        # shellcheck disable=SC2086
        kill_pids 5 $pids   # just waits for the kernel to reap them
        log "node $1 killed (SIGKILL, pid ${pids//$'\n'/ }); data kept in $dir/data"
    fi
    rm -f "$dir/kafka.pid"
}

restart_node() {  # N [nowait]
    check_node_arg "${1:-}"
    local n=$1 dir port
    dir=$(node_dir "$n") port=$(node_port "$n")
    if node_running "$dir" "$port"; then
        log "node $n already running (127.0.0.1:$port)"
        return 0
    fi
    [[ -f $dir/data/meta.properties ]] || die "node $n has no formatted data in $dir/data; use cluster-start"
    fetch
    local t0=$SECONDS
    stop_node "$dir" "$port"
    free_ports "$port" "$(node_cport "$n")"
    log "restarting node $n on 127.0.0.1:$port with its existing data"
    launch_node "$dir" "$port" 384m
    [[ ${2:-} == nowait ]] && return 0
    # Ready = node n itself answers and is among the live brokers. Count the
    # others that are running too, so a deliberately killed node is not waited for.
    local m alive=0
    for ((m = 1; m <= CLUSTER_NODES; m++)); do
        [[ -n $(node_pid "$(node_dir $m)" "$(node_port $m)") ]] && alive=$((alive + 1))
    done
    wait_ready "$alive" "$n" "$dir:$port"
    log "node $n back in $((SECONDS - t0))s"
}

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
