# Our Kafka processes and ports: finding, probing, stopping (sourced by deploy/kafka.sh).
# shellcheck shell=bash

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
