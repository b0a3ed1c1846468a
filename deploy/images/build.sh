#!/usr/bin/env bash
# Every image docker-compose.yml uses, built from a Debian base with nothing pulled from a registry: `make images`.
#
#   deploy/images/build.sh [all]   the base, then Kafka, PostgreSQL, Jaeger and the five services
#   deploy/images/build.sh base | python | kafka | postgres | jaeger | services | <service>
#                                  one part (each needs the base, the services also the python images)
#   deploy/images/build.sh release VERSION
#                                  the five service images of an earlier release (deploy/images/releases), from
#                                  its commit, tagged continuum/<service>:VERSION
#
# Images: continuum/base:bookworm, continuum/python:3.11 and continuum/python-build:3.11 (what the services'
# Dockerfiles start FROM), continuum/kafka:4.1.1, continuum/postgres:15, continuum/jaeger:2.13.0 and
# continuum/<service>:<workspace version> for intake, dispatch, handoff, followup and board.
#
# Environment:
#   CONTINUUM_BASE   debootstrap (default: Debian's packages only) or debian (debian:bookworm-slim from a registry)
#   CONTINUUM_BASE_REFRESH=1  make the base anew (Debian's newest packages); otherwise an engine keeps the base it
#                    has, so that every layer above it stays cached
#   CONTINUUM_CACHE  where the base tarball, Kafka's jars and the Jaeger binary are cached (default <repo>/.cache)
#   BUILD_NICE       niceness of the builds (default 15: other work on the machine goes first)
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${CONTINUUM_CACHE:-$REPO/.cache}
mkdir -p "$CACHE/images"
CACHE=$(cd "$CACHE" && pwd)
export DOCKER_BUILDKIT=1
NICE="nice -n ${BUILD_NICE:-15}"

log() { echo "images: $*" >&2; }
die() { echo "images: ERROR: $*" >&2; exit 1; }

# timed NAME COMMAND...: run one part and say how long it took.
timed() {
    local name=$1 t0=$SECONDS
    shift
    "$@"
    log "$name: $((SECONDS - t0)) s"
}

# build TAG DOCKERFILE CONTEXT [ARGS...]
build() {
    local tag=$1 dockerfile=$2 context=$3
    shift 3
    $NICE docker build --quiet --tag "$tag" --file "$dockerfile" "$@" "$context" >/dev/null \
        || die "building $tag failed (run again without --quiet to see why: docker build -f $dockerfile $context)"
}

# shellcheck source=base.sh
source "$HERE/base.sh"
# shellcheck source=parts.sh
source "$HERE/parts.sh"

case ${1:-all} in
    all)
        timed base build_base
        timed python build_python
        timed kafka build_kafka
        timed postgres build_postgres
        timed jaeger build_jaeger
        for service in "${SERVICES[@]}"; do timed "$service" build_service "$service"; done
        ;;
    base) timed base build_base ;;
    python) timed python build_python ;;
    kafka) timed kafka build_kafka ;;
    postgres) timed postgres build_postgres ;;
    jaeger) timed jaeger build_jaeger ;;
    services) for service in "${SERVICES[@]}"; do timed "$service" build_service "$service"; done ;;
    intake | dispatch | handoff | followup | board) timed "$1" build_service "$1" ;;
    release) [[ -n ${2:-} ]] || die "release needs a version (deploy/images/releases)"; build_release "$2" ;;
    *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac
