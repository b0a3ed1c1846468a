# The images built FROM the base (sourced by deploy/images/build.sh): Python, Kafka, PostgreSQL, Jaeger, services.
# shellcheck shell=bash

SERVICES=(intake dispatch handoff followup board)
KAFKA_VERSION=4.1.1
POSTGRES_VERSION=15
JAEGER_VERSION=2.13.0
# Jaeger tags each v2 release with a v1 twin too; the Go module proxy knows only the v1 names of the module.
JAEGER_MODULE_VERSION=v1.76.0

build_python() {
    local dir
    dir=$(context python)
    cp -a "$REPO/deploy/install.sh" "$dir/install.sh"
    mkdir -p "$dir/ca-certificates"
    find /usr/local/share/ca-certificates -name '*.crt' -exec cp {} "$dir/ca-certificates/" \; 2>/dev/null || true
    build continuum/python:3.11 "$HERE/python.Dockerfile" "$dir" --target runtime
    build continuum/python-build:3.11 "$HERE/python.Dockerfile" "$dir" --target build
}

# The images' tag for the services: the workspace's version (pyproject.toml), as docker-compose.yml defaults it.
service_tag() {
    sed -n 's/^version = "\(.*\)"$/\1/p' "$REPO/pyproject.toml" | head -1
}

build_service() {
    build "continuum/$1:$(service_tag)" "$REPO/deploy/docker/$1.Dockerfile" "$REPO"
}

# An earlier release's five service images, from its commit as deploy/images/releases lists it (for an upgrade:
# tests/test_compose_up.py starts a county on the previous release and upgrades it). Images of that tag that an
# engine already has are kept: a release does not change.
build_release() {
    local version=$1 commit dir service
    commit=$(awk -v v="$version" '$1 == v {print $2}' "$HERE/releases")
    [[ -n $commit ]] || die "release $version is not in deploy/images/releases"
    local missing=()
    for service in "${SERVICES[@]}"; do
        docker image inspect "continuum/$service:$version" >/dev/null 2>&1 || missing+=("$service")
    done
    ((${#missing[@]})) || return 0
    # A shallow clone may not hold the release's commit: fetch just that one.
    git -C "$REPO" cat-file -e "$commit^{commit}" 2>/dev/null || git -C "$REPO" fetch --quiet --depth 1 origin "$commit" \
        || die "release $version: commit $commit is not in this clone and cannot be fetched"
    dir=$CACHE/images/release-$version
    rm -rf "$dir" && mkdir -p "$dir"
    git -C "$REPO" archive "$commit" | tar -x -C "$dir"
    for service in "${missing[@]}"; do
        timed "$service $version" build "continuum/$service:$version" "$dir/deploy/docker/$service.Dockerfile" "$dir"
    done
    rm -rf "$dir"
}

# A build context of its own under $CACHE/images/<name>: the artifacts (hard links where possible) and the
# files beside its Dockerfile.
context() {
    local dir=$CACHE/images/$1-context
    rm -rf "$dir"
    mkdir -p "$dir"
    [[ -d $HERE/$1 ]] && cp -a "$HERE/$1/." "$dir/"
    echo "$dir"
}

build_kafka() {
    local libs=$CACHE/kafka-$KAFKA_VERSION dir
    CONTINUUM_CACHE=$CACHE bash "$REPO/deploy/kafka.sh" fetch
    dir=$(context kafka)
    cp -al "$libs/libs" "$dir/libs" 2>/dev/null || cp -a "$libs/libs" "$dir/libs"
    cp -a "$libs/probe" "$dir/probe"
    build "continuum/kafka:$KAFKA_VERSION" "$HERE/kafka.Dockerfile" "$dir"
}

build_postgres() {
    build "continuum/postgres:$POSTGRES_VERSION" "$HERE/postgres.Dockerfile" "$(context postgres)"
}

# Jaeger's binary, built once from the Go module proxy into $CACHE/bin (Go's module and build caches make a
# rebuild of a changed version quicker).
jaeger_binary() {
    local binary=$CACHE/bin/jaeger-$JAEGER_VERSION
    if [[ ! -x $binary ]]; then
        local go dir work buildlog=$CACHE/images/jaeger-build.log
        go=$(command -v go || echo /usr/local/go/bin/go)
        [[ -x $go ]] || die "Go (>= 1.24) is needed to build Jaeger; install it into /usr/local/go"
        log "building Jaeger $JAEGER_VERSION from the Go module proxy (log: $buildlog) ..."
        dir=$("$go" mod download -json "github.com/jaegertracing/jaeger@$JAEGER_MODULE_VERSION" 2>>"$buildlog" \
            | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
        [[ -d $dir ]] || die "go mod download of Jaeger failed: $(tail -3 "$buildlog")"
        work=$(mktemp -d)
        cp -r "$dir/." "$work" && chmod -R u+w "$work"
        mkdir -p "$(dirname "$binary")"
        (cd "$work" && CGO_ENABLED=0 $NICE "$go" build -trimpath -buildvcs=false -ldflags "-s -w" \
            -o "$binary.tmp" ./cmd/jaeger) >>"$buildlog" 2>&1 \
            || { rm -rf "$work"; die "building Jaeger failed: $(tail -5 "$buildlog")"; }
        rm -rf "$work"
        mv "$binary.tmp" "$binary"
    fi
    echo "$binary"
}

build_jaeger() {
    local binary dir
    # The Go build is the longest part: an engine that has this Jaeger keeps it unless a binary is at hand.
    if [[ ! -x $CACHE/bin/jaeger-$JAEGER_VERSION ]] && docker image inspect "continuum/jaeger:$JAEGER_VERSION" >/dev/null 2>&1; then
        return
    fi
    binary=$(jaeger_binary)
    dir=$(context jaeger)
    cp -al "$binary" "$dir/jaeger" 2>/dev/null || cp -a "$binary" "$dir/jaeger"
    build "continuum/jaeger:$JAEGER_VERSION" "$HERE/jaeger.Dockerfile" "$dir"
}
