# The single node: deploy/kafka.sh start | stop.
# shellcheck shell=bash

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
