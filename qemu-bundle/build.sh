#!/usr/bin/env bash
# Build the helper images multiarch-qemu-bundle:<version>[-<arch>] offline from Debian
# packages (bookworm's qemu-user-static and busybox-static), one for the engine's own
# architecture (also tagged :<version> and :latest) and one for the other of amd64/arm64.
# Skips a build when an image with the same input hash (label) exists.
set -euo pipefail
LOG_TAG=qemu-bundle
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tools/lib.sh
. "$HERE/../tools/lib.sh"

IMAGE=multiarch-qemu-bundle
VERSION=$(project_version)
ENGINE_ARCH=$(engine_arch)
case $ENGINE_ARCH in
    amd64) ARCHES="amd64 arm64" ;;
    arm64) ARCHES="arm64 amd64" ;;
    *) die "unsupported engine architecture $ENGINE_ARCH (amd64 or arm64 only)" ;;
esac
[ -f "$TABLE_SRC" ] || die "architecture table missing: $TABLE_SRC"
DEBS="$CACHE_DIR/debs"
CTX=
trap '[ -z "$CTX" ] || rm -rf "$CTX"' EXIT
mkdir -p "$DEBS"

# Debian packages of one architecture, downloaded once into the cache.
fetch_debs() {
    local arch=$1 pkg f
    for pkg in qemu-user-static busybox-static; do
        if ls "$DEBS/${pkg}"_*_"$arch".deb >/dev/null 2>&1; then continue; fi
        ensure_dpkg_arch "$arch"
        log "downloading $pkg:$arch"
        f=""
        for try in 1 2; do
            if (cd "$DEBS" && apt-get download -o APT::Sandbox::User=root -qq "$pkg:$arch" </dev/null >&2); then f=ok; break; fi
            log "download of $pkg:$arch failed (try $try)"
        done
        [ -n "$f" ] || die "cannot download Debian package $pkg:$arch"
    done
}

build_one() {
    local arch=$1 tag="$IMAGE:$VERSION-$arch" hash id ctx lib q got
    hash=$(input_hash "$HERE/build.sh" "$HERE/Dockerfile" "$HERE/registrar.sh" "$TABLE_SRC" "$HERE/../tools/lib.sh" -- "$VERSION" "$arch")
    cached_image "$tag" "$hash" && return 0
    fetch_debs "$arch"
    ctx=$(mktemp -d /tmp/multiarch-qemu-bundle.XXXXXX)
    CTX=$ctx
    log "staging $tag in $ctx"
    mkdir -p "$ctx/x" "$ctx/rootfs/bin" "$ctx/rootfs/usr/share/multiarch-qemu-bundle"
    dpkg -x "$(ls "$DEBS"/qemu-user-static_*_"$arch".deb | tail -n 1)" "$ctx/x"
    dpkg -x "$(ls "$DEBS"/busybox-static_*_"$arch".deb | tail -n 1)" "$ctx/x"
    cp "$ctx/x/bin/busybox" "$ctx/rootfs/bin/busybox"
    cp "$HERE/registrar.sh" "$ctx/rootfs/registrar.sh"
    cp "$TABLE_SRC" "$ctx/rootfs/usr/share/multiarch-qemu-bundle/architectures.tsv"
    echo "$VERSION $arch" > "$ctx/rootfs/usr/share/multiarch-qemu-bundle/bundle"
    lib="$ctx/rootfs/usr/libexec/multiarch-qemu-bundle/$VERSION-$arch"
    mkdir -p "$lib" "$ctx/rootfs/tmp"
    chmod 1777 "$ctx/rootfs/tmp"
    # One emulator per table row except the bundle's own architecture.
    for q in $(awk -F '\t' -v own="$arch" '!/^#/ && NF >= 6 && $1 != own { print $3 }' "$TABLE_SRC"); do
        [ -f "$ctx/x/usr/bin/qemu-$q-static" ] || die "qemu-user-static:$arch has no qemu-$q-static"
        cp "$ctx/x/usr/bin/qemu-$q-static" "$lib/qemu-$q"
    done
    cp "$HERE/Dockerfile" "$ctx/Dockerfile"
    rm -rf "$ctx/x"
    log "docker build --platform linux/$arch -t $tag"
    DOCKER_BUILDKIT=0 docker build -q --no-cache --platform "linux/$arch" \
        --label "$HASH_LABEL=$hash" -t "$tag" "$ctx" >/dev/null 2>"$ctx/build.log" \
        || { cat "$ctx/build.log" >&2; die "docker build of $tag failed"; }
    got=$(docker image inspect --format '{{.Architecture}}' "$tag")
    [ "$got" = "$arch" ] || die "$tag has architecture '$got', expected '$arch'"
    rm -rf "$ctx"; CTX=
    log "built $tag ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'))"
}

for arch in $ARCHES; do
    build_one "$arch"
done
docker tag "$IMAGE:$VERSION-$ENGINE_ARCH" "$IMAGE:$VERSION"
docker tag "$IMAGE:$VERSION-$ENGINE_ARCH" "$IMAGE:latest"
docker image prune -f --filter "label=$HASH_LABEL" >/dev/null 2>&1 || true
log "ready: $IMAGE:$VERSION (= :latest, :$VERSION-$ENGINE_ARCH) and $IMAGE:$VERSION-$(echo "$ARCHES" | cut -d' ' -f2)"
