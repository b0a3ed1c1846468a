# The base image every Continuum image starts FROM, continuum/base:bookworm (sourced by deploy/images/build.sh).
# shellcheck shell=bash
#
# CONTINUUM_BASE=debootstrap (the default): Debian 12 from Debian's own package mirror, `debootstrap
#   --variant=minbase`, imported with `docker import`; needs no container registry. The root file system is
#   cached as $CACHE/images/bookworm-minbase.tar.
# An engine that already has the base from the same source keeps it; CONTINUUM_BASE_REFRESH=1 makes it anew.
# CONTINUUM_BASE=debian: `debian:bookworm-slim` from a registry, tagged with the same name.

BASE_IMAGE=continuum/base:bookworm
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}

build_base() {
    # An engine that has the base keeps it (a new base id would rebuild every layer of every image above it):
    # CONTINUUM_BASE_REFRESH=1 makes it again, from Debian's newest packages.
    local have
    have=$(docker image inspect --format '{{index .Config.Labels "org.continuum.base"}}' "$BASE_IMAGE" 2>/dev/null || true)
    if [[ ${CONTINUUM_BASE_REFRESH:-0} != 1 && $have == "${CONTINUUM_BASE:-debootstrap}" ]]; then
        return
    fi
    [[ ${CONTINUUM_BASE_REFRESH:-0} == 1 ]] && rm -f "$CACHE/images/bookworm-minbase.tar"
    case ${CONTINUUM_BASE:-debootstrap} in
        debootstrap) base_from_debootstrap ;;
        debian)
            docker pull debian:bookworm-slim >&2
            printf 'FROM debian:bookworm-slim\nLABEL org.continuum.base=debian\n' \
                | docker build --quiet --tag "$BASE_IMAGE" - >/dev/null
            ;;
        *) die "CONTINUUM_BASE is debootstrap or debian, not ${CONTINUUM_BASE}" ;;
    esac
}

base_from_debootstrap() {
    local tarball=$CACHE/images/bookworm-minbase.tar
    if [[ ! -f $tarball ]]; then
        command -v debootstrap >/dev/null || {
            [[ $(id -u) == 0 ]] || die "debootstrap is missing: apt-get install -y debootstrap"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2 \
                || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >&2; }
        }
        local rootfs
        rootfs=$(mktemp -d "$CACHE/images/rootfs.XXXXXX")
        log "debootstrap --variant=minbase bookworm from $DEBIAN_MIRROR ..."
        debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" >"$CACHE/images/debootstrap.log" 2>&1 \
            || { rm -rf "$rootfs"; die "debootstrap failed: $(tail -5 "$CACHE/images/debootstrap.log")"; }
        # What debian:bookworm-slim has too: the updates and security suites, no package lists or caches kept,
        # no documentation or translations installed by later layers.
        cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $DEBIAN_MIRROR bookworm main
deb $DEBIAN_MIRROR bookworm-updates main
deb $DEBIAN_SECURITY_MIRROR bookworm-security main
SOURCES
        cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'APT'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";
APT::Install-Recommends "false";
APT
        cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-minimal" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
DPKG
        rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
            "$rootfs"/var/log/*.log "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/*
        # Some packages' scripts (the JDK's update-alternatives) link their man page there, wanted or not.
        mkdir -p "$rootfs"/usr/share/man/man1
        tar --numeric-owner -C "$rootfs" -cf "$tarball.tmp" .
        rm -rf "$rootfs"
        mv "$tarball.tmp" "$tarball"
    fi
    docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' --change 'LABEL org.continuum.base=debootstrap' --change 'CMD ["bash"]' \
        "$tarball" "$BASE_IMAGE" >/dev/null
}
