# Shared helpers for tools/*.sh and qemu-bundle/*.sh (sourced, not run).
# shellcheck shell=bash

ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
TABLE_SRC="$ROOT/extension/src/main/resources/io/github/multiarch/junit/architectures.tsv"
HASH_LABEL=io.github.multiarch.input-hash
CACHE_DIR=${MULTIARCH_CACHE:-/var/cache/multiarch}
STATE_DIR=/var/lib/multiarch   # what the set-up did to this machine, for tools/uninstall.sh
export DEBIAN_FRONTEND=noninteractive

log() { echo "${LOG_TAG:-multiarch}: $*" >&2; }
die() { echo "${LOG_TAG:-multiarch}: ERROR: $*" >&2; exit 1; }

# The project version: the first <version> of pom.xml (0.1.0-SNAPSHOT without a pom).
project_version() {
    local v=""
    if [ -f "$ROOT/pom.xml" ]; then
        v=$(sed -n 's:.*<version>\([^<]*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
    fi
    echo "${v:-0.1.0-SNAPSHOT}"
}

# The engine's architecture as a Docker platform name (amd64, arm64, ...).
engine_arch() {
    local a
    a=$(docker version --format '{{.Server.Arch}}' 2>/dev/null) || die "docker engine not answering (run tools/engine.sh)"
    case $a in
        x86_64) a=amd64 ;;
        aarch64) a=arm64 ;;
    esac
    echo "$a"
}

APT_UPDATED=
apt_update_once() {
    [ -n "$APT_UPDATED" ] && return 0
    log "apt-get update"
    apt-get update -qq </dev/null >&2 || die "apt-get update failed"
    APT_UPDATED=1
}

PACKAGES_TSV="$ROOT/tools/packages.tsv"
# The Debian packages of tools/packages.tsv (one per line, no duplicates).
declared_packages() {
    awk -F '\t' '!/^#/ && NF >= 2 && $2 != "-" { print $2 }' "$PACKAGES_TSV" | sort -u
}

# Install every package of tools/packages.tsv that dpkg does not list as installed (docker.io
# only when the machine has no engine of its own, see engine_provided). Checked by
# package, not by command: another copy on PATH (a /usr/local client, a pyenv shim) says
# nothing about what a fresh machine has. Recommends are never installed, so whatever a tool
# needs at run time is in the table by name.
package_installed() { dpkg-query -W -f '${Status}' "$1" 2>/dev/null | grep -q ' installed$'; }
# A Docker engine the machine brings itself (Docker's own packages on a CI runner, Docker
# Desktop): it answers, and Debian's docker.io is not what provides it. Then docker.io is not
# installed (it would conflict with the engine's packages).
engine_provided() { ! package_installed docker.io && docker info >/dev/null 2>&1; }
need_packages() {
    local p missing=()
    for p in $(declared_packages); do
        [ "$p" = docker.io ] && engine_provided && continue
        package_installed "$p" || missing+=("$p")
    done
    [ ${#missing[@]} = 0 ] && return 0
    apt_update_once
    log "apt-get install ${missing[*]}"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2 \
        || die "apt-get install ${missing[*]} failed"
    # what the set-up installed (not what the machine had): tools/uninstall.sh --packages removes it
    mkdir -p "$STATE_DIR"
    printf '%s\n' "${missing[@]}" >>"$STATE_DIR/installed-packages"
}

# Download Debian 12 (bookworm) packages of any architecture into DIR through a private apt
# configuration (lists under $CACHE_DIR/apt-bookworm-ARCH): the host's own apt sources,
# architectures and distribution (an Ubuntu runner, another Debian release) are neither used
# nor changed, so every machine gets the same packages.
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
debian_download() { # debian_download DIR ARCH PACKAGE...
    debian_download_suite bookworm "$@"
}
# The same from another Debian suite (trixie, ...); lists under $CACHE_DIR/apt-SUITE-ARCH.
# The keyring must know the suite's keys (Debian 12's debian-archive-keyring has trixie's).
debian_download_suite() { # debian_download_suite SUITE DIR ARCH PACKAGE...
    local suite=$1 dir=$2 arch=$3 root; shift 3
    root="$CACHE_DIR/apt-$suite-$arch"
    mkdir -p "$root/lists/partial" "$root/cache/archives/partial"
    : >"$root/status"
    echo "deb [arch=$arch signed-by=$DEBIAN_KEYRING] $DEBIAN_MIRROR $suite main" >"$root/sources.list"
    local opts=(-qq -o Dir::Etc::SourceList="$root/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o Dir::State::Lists="$root/lists" -o Dir::State::Status="$root/status" -o Dir::Cache="$root/cache"
        -o APT::Architecture="$arch" -o APT::Architectures="$arch" -o APT::Sandbox::User=root)
    apt-get "${opts[@]}" update </dev/null >&2 || return 1
    (cd "$dir" && apt-get "${opts[@]}" download "$@" </dev/null >&2)
}

# Hash of files and strings: input_hash FILE... -- STRING...
input_hash() {
    {
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
            printf '%s\n' "${1##*/}"; cat "$1"; shift
        done
        [ $# -gt 0 ] && shift
        printf '%s\n' "$@"
    } | sha256sum | cut -c1-32
}

# The input-hash label of an image ('' when the image does not exist).
image_hash() {
    docker image inspect --format "{{index .Config.Labels \"$HASH_LABEL\"}}" "$1" 2>/dev/null || true
}

# An image id carrying the label value (first one), '' when none.
image_with_hash() {
    docker images -q --filter "label=$HASH_LABEL=$1" | head -n 1
}

# docker run options that let the bundle register emulators. --privileged where the engine
# can grant it; where it cannot (an engine whose own capability set is reduced, e.g. no
# CAP_SYS_RESOURCE: "runc create failed: unable to apply caps"), SYS_ADMIN is enough to
# mount binfmt_misc and write its register file.
BUNDLE_RUN_OPTS=${BUNDLE_RUN_OPTS:-}
# cached_image TAG HASH: succeeds when TAG already is the image built from inputs HASH, or
# when another image built from HASH exists (it is tagged TAG); fails when a build is needed.
cached_image() {
    local tag=$1 hash=$2 id
    if [ "$(image_hash "$tag")" = "$hash" ]; then
        log "$tag up to date ($hash)"
        return 0
    fi
    id=$(image_with_hash "$hash")
    if [ -n "$id" ]; then
        log "re-tagging existing image $id as $tag"
        docker tag "$id" "$tag"
        return 0
    fi
    return 1
}

bundle_run_opts() {
    if [ -z "$BUNDLE_RUN_OPTS" ]; then
        if docker run --rm --privileged --entrypoint /bin/busybox "$1" true >/dev/null 2>&1; then
            BUNDLE_RUN_OPTS="--privileged"
        else
            BUNDLE_RUN_OPTS="--cap-add SYS_ADMIN --security-opt apparmor=unconfined"
        fi
    fi
    echo "$BUNDLE_RUN_OPTS"
}

# Run the registrar of a bundle image: bundle IMAGE ARGS...
bundle() {
    local img=$1; shift
    # shellcheck disable=SC2046
    docker run --rm $(bundle_run_opts "$img") "$img" "$@"
}
