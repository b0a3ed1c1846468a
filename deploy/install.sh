#!/usr/bin/env bash
# Continuum's one install step. CI runs it for everything, each container image for its one service,
# so what CI tests is what the images hold (same uv, same uv.lock, no re-resolution).
#
#   deploy/install.sh all                 every workspace package plus the dev tools: uv sync --frozen (CI, developers)
#   deploy/install.sh continuum-<service> that one service and its dependencies only, no dev tools, not editable:
#                                         uv sync --frozen --no-dev --no-editable --package continuum-<service> (images)
#   deploy/install.sh uv                  only make sure uv is there
#
# uv is installed from PyPI (pinned) when it is missing. The environment goes where uv puts it:
# .venv, or $UV_PROJECT_ENVIRONMENT (the images set /opt/continuum).
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9

usage() {
    sed -n '5,8p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

ensure_uv() {
    command -v uv >/dev/null 2>&1 && return
    python3 -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
}

[[ $# -eq 1 ]] || usage
case $1 in
    uv)
        ensure_uv
        ;;
    all)
        ensure_uv
        uv sync --frozen
        ;;
    continuum-*)
        ensure_uv
        uv sync --frozen --no-dev --no-editable --package "$1"
        ;;
    *)
        usage
        ;;
esac
