#!/usr/bin/env bash
# A Docker engine and the CLI plugins docker-compose.yml needs, on a Debian machine with no container registry.
#
#   deploy/images/engine.sh           everything below, each step only when it is missing (a second run is instant)
#   deploy/images/engine.sh start     Debian's docker.io when dockerd is missing; dockerd in the background when
#                                     `docker info` fails; waits until the engine answers
#   deploy/images/engine.sh plugins   Compose v2 and buildx, built from the Go module proxy into
#                                     $CONTINUUM_CACHE/bin (default <repo>/.cache/bin) and copied into
#                                     ~/.docker/cli-plugins, when `docker compose` / `docker buildx` are missing
#   deploy/images/engine.sh stop      stop the dockerd this script started (containers stop with it)
#
# Environment: COMPOSE_VERSION (default 2.40.3), BUILDX_VERSION (default 0.29.1), DOCKERD_LOG (default
# $CONTINUUM_CACHE/docker/dockerd.log), ENGINE_START_TIMEOUT seconds (default 60). Needs root (apt-get, dockerd)
# unless the engine already runs, and Go >= 1.24 for the plugins.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CACHE=${CONTINUUM_CACHE:-$REPO/.cache}
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
COMPOSE_VERSION=${COMPOSE_VERSION:-2.40.3}
BUILDX_VERSION=${BUILDX_VERSION:-0.29.1}
DOCKERD_LOG=${DOCKERD_LOG:-$CACHE/docker/dockerd.log}
START_TIMEOUT=${ENGINE_START_TIMEOUT:-60}
PLUGINS=${DOCKER_CONFIG:-$HOME/.docker}/cli-plugins
PIDFILE=/var/run/continuum-dockerd.pid

log() { echo "engine.sh: $*" >&2; }
die() { echo "engine.sh: ERROR: $*" >&2; exit 1; }

install_engine() {
    command -v dockerd >/dev/null && command -v docker >/dev/null && return
    [[ $(id -u) == 0 ]] || die "dockerd is missing and only root can install it: apt-get install -y docker.io"
    log "installing Debian's docker.io ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q docker.io >&2 || { apt-get update -q >&2 && apt-get install -y -q docker.io >&2; }
}

start() {
    docker info >/dev/null 2>&1 && return
    install_engine
    [[ $(id -u) == 0 ]] || die "no Docker engine answers \`docker info\` for this user, and only root can start one (dockerd)"
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    log "starting dockerd in the background (log: $DOCKERD_LOG) ..."
    # setsid: its own session, so the engine outlives this shell and the CI step that started it.
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
    echo $! >"$PIDFILE"
    local waited=0
    until docker info >/dev/null 2>&1; do
        kill -0 "$(cat "$PIDFILE")" 2>/dev/null || die "dockerd exited: $(tail -5 "$DOCKERD_LOG")"
        ((waited++ < START_TIMEOUT * 2)) || die "dockerd gave no answer after ${START_TIMEOUT}s: $(tail -5 "$DOCKERD_LOG")"
        sleep 0.5
    done
    log "engine $(docker version --format '{{.Server.Version}}') is up"
}

stop() {
    [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null || { log "no dockerd started by this script"; return; }
    kill "$(cat "$PIDFILE")"
    while kill -0 "$(cat "$PIDFILE")" 2>/dev/null; do sleep 0.5; done
    rm -f "$PIDFILE"
}

go_binary() {
    local go
    go=$(command -v go || true)
    [[ -z $go && -x /usr/local/go/bin/go ]] && go=/usr/local/go/bin/go
    [[ -n $go ]] || die "Go (>= 1.24) is needed to build the Docker CLI plugins; install it into /usr/local/go"
    echo "$go"
}

# build_plugin NAME MODULE VERSION PACKAGE: `go install` refuses these modules (their go.mod has exclude
# directives), so the module is downloaded from the proxy and built inside a writable copy of it.
build_plugin() {
    local name=$1 module=$2 version=$3 package=$4 binary=$CACHE/bin/cli-plugins/$1-$3
    if [[ ! -x $binary ]]; then
        local go dir work buildlog=$CACHE/bin/cli-plugins/$1-$3.log
        go=$(go_binary)
        mkdir -p "$(dirname "$binary")"
        log "building $name $version from the Go module proxy (about 4 min on 2 idle cores; log: $buildlog) ..."
        dir=$("$go" mod download -json "$module@$version" 2>>"$buildlog" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
        [[ -d $dir ]] || die "go mod download $module@$version gave no module directory: $(tail -3 "$buildlog")"
        work=$(mktemp -d)
        cp -r "$dir/." "$work" && chmod -R u+w "$work"
        (cd "$work" && nice -n "${BUILD_NICE:-15}" "$go" build -trimpath -buildvcs=false \
            -ldflags "-s -w ${5:-}" -o "$binary.tmp" "$package") >>"$buildlog" 2>&1 \
            || { rm -rf "$work"; die "building $name failed: $(tail -5 "$buildlog")"; }
        rm -rf "$work"
        mv "$binary.tmp" "$binary"
    fi
    mkdir -p "$PLUGINS"
    install -m 0755 "$binary" "$PLUGINS/$name"   # a copy: the engine outlives this checkout
}

plugins() {
    docker compose version >/dev/null 2>&1 || build_plugin docker-compose github.com/docker/compose/v2 \
        "v$COMPOSE_VERSION" ./cmd "-X github.com/docker/compose/v2/internal.Version=v$COMPOSE_VERSION"
    docker buildx version >/dev/null 2>&1 || build_plugin docker-buildx github.com/docker/buildx \
        "v$BUILDX_VERSION" ./cmd/buildx "-X github.com/docker/buildx/version.Version=v$BUILDX_VERSION"
    log "$(docker compose version), $(docker buildx version)"
}

case ${1:-all} in
    all) start && plugins ;;
    start) start ;;
    plugins) plugins ;;
    stop) stop ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
