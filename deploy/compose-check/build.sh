#!/usr/bin/env bash
# Builds compose-check (a Compose loader on compose-spec/compose-go, see main.go) from the Go module proxy
# into $CONTINUUM_CACHE/bin (default <repo>/.cache/bin) and prints its path. go.sum pins every module.
# Needs Go >= 1.24 on PATH or in /usr/local/go/bin; a rebuild with nothing changed takes about a second.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CACHE=${CONTINUUM_CACHE:-$REPO/.cache}

GO=$(command -v go || true)
[[ -z $GO && -x /usr/local/go/bin/go ]] && GO=/usr/local/go/bin/go
if [[ -z $GO ]]; then
    echo "deploy/compose-check/build.sh: Go (>= 1.24) is needed to validate docker-compose.yml;" \
        "install it from https://go.dev/dl/ (tarball into /usr/local/go) and run again" >&2
    exit 1
fi

mkdir -p "$CACHE/bin"
cd "$HERE"
"$GO" build -mod=readonly -trimpath -buildvcs=false -o "$CACHE/bin/compose-check" .
echo "$CACHE/bin/compose-check"
