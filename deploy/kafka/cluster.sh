# The three-node cluster: deploy/kafka.sh cluster-start | cluster-stop | cluster-kill | cluster-restart-node.
# shellcheck shell=bash

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
