#!/usr/bin/env bash
# Undo what this project's set-up and tests did to this machine. Without --yes it only lists.
#
#   tools/uninstall.sh                    list what would be removed
#   tools/uninstall.sh --yes              remove it: this project's containers, the emulators its
#                                         bundles registered, the images it built, the loopback
#                                         registry, the caches
#   tools/uninstall.sh --yes --packages   also stop the engines the set-up started and remove
#                                         the Debian packages it installed (only those: recorded
#                                         in /var/lib/multiarch/installed-packages)
#
# Never touches another tool's binfmt_misc entries (only those whose interpreter is a bundle's,
# /usr/libexec/multiarch-qemu-bundle/...), nor images or containers without this project's labels.
set -euo pipefail
LOG_TAG=uninstall
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

YES=; PACKAGES=
for a in "$@"; do
    case $a in
        --yes) YES=1 ;;
        --packages) PACKAGES=1 ;;
        *) die "unknown option '$a' (use: [--yes] [--packages])" ;;
    esac
done
[ "$(id -u)" = 0 ] || die "must run as root"
MNT=/proc/sys/fs/binfmt_misc
REGISTRY_DATA=/var/lib/multiarch-registry
do_() { if [ -n "$YES" ]; then "$@"; fi; }
item() { if [ -n "$YES" ]; then echo "removing: $*"; else echo "would remove: $*"; fi; }

engine_up=; docker info >/dev/null 2>&1 && engine_up=1
if [ -n "$engine_up" ]; then
    for id in $(docker ps -aq --filter label=io.github.multiarch); do
        item "container $id ($(docker inspect --format '{{index .Config.Labels "io.github.multiarch"}}' "$id" 2>/dev/null))"
        do_ docker rm -f "$id" >/dev/null
    done
else
    log "no Docker engine answers: containers and images are not listed"
fi

for e in "$MNT"/*; do
    [ -f "$e" ] || continue
    case ${e##*/} in register|status) continue ;; esac
    interp=$(sed -n 's/^interpreter //p' "$e")
    case $interp in
        /usr/libexec/multiarch-qemu-bundle/*) item "binfmt_misc entry ${e##*/} ($interp)"; do_ sh -c "echo -1 > '$e'" ;;
    esac
done

if [ -n "$engine_up" ]; then
    docker images --format '{{.Repository}}:{{.Tag}} {{.ID}}' --filter "label=$HASH_LABEL" | sort -u | while read -r ref id; do
        item "image $ref ($id)"
    done
    for id in $(docker images -q --filter "label=$HASH_LABEL" | sort -u); do do_ docker rmi -f "$id" >/dev/null; done
fi

if pgrep -f "docker-registry serve $REGISTRY_DATA/config.yml" >/dev/null 2>&1; then
    item "the loopback registry on 127.0.0.1:5000 (process $(pgrep -f "docker-registry serve $REGISTRY_DATA/config.yml" | tr '\n' ' '))"
    do_ pkill -f "docker-registry serve $REGISTRY_DATA/config.yml"
fi
# (before the caches: the current engine's tree is one of them, and it may be running)
if [ -e "$CACHE_DIR/engine-current" ] || [ -e /var/lib/multiarch-docker-current ]; then
    item "the current engine (Docker 26) with its images, tree and data (tools/engine-current.sh uninstall)"
    do_ bash "$HERE/engine-current.sh" uninstall
fi
for d in "$REGISTRY_DATA" "$CACHE_DIR" "${XDG_CACHE_HOME:-$HOME/.cache}/multiarch-junit"; do
    [ -e "$d" ] || continue
    item "$d ($(du -sh "$d" 2>/dev/null | cut -f1))"
    do_ rm -rf "$d"
done

if [ -n "$PACKAGES" ]; then
    pkgs=$(sort -u "$STATE_DIR/installed-packages" 2>/dev/null | tr '\n' ' ')
    if pgrep -x dockerd >/dev/null 2>&1 && [[ " $pkgs " == *" docker.io "* ]]; then
        item "the running dockerd (set-up started it)"
        do_ pkill -x dockerd || true
        do_ sleep 3
    fi
    if [ -n "$pkgs" ]; then
        item "packages the set-up installed: $pkgs"
        # shellcheck disable=SC2086
        do_ apt-get remove -y -qq $pkgs </dev/null >&2
        do_ apt-get autoremove -y -qq </dev/null >&2
        do_ rm -f "$STATE_DIR/installed-packages"
    fi
fi
[ -n "$YES" ] || echo "(nothing removed: run with --yes${PACKAGES:+ --packages} to remove these)"
