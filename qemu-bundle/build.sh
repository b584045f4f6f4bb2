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
    local arch=$1 pkg try ok
    for pkg in qemu-user-static busybox-static; do
        if ls "$DEBS/${pkg}"_*_"$arch".deb >/dev/null 2>&1; then continue; fi
        log "downloading $pkg:$arch (Debian bookworm)"
        ok=
        for try in 1 2; do
            if debian_download "$DEBS" "$arch" "$pkg"; then ok=1; break; fi
            log "download of $pkg:$arch failed (try $try)"
        done
        [ -n "$ok" ] || die "cannot download Debian package $pkg:$arch from $DEBIAN_MIRROR"
    done
}

# probe_elf FILE MACHINE ENTRY_VADDR CODE...: a minimal static 32-bit little-endian ELF program
# (one PT_LOAD segment, no sections) whose code exits with status 42. The registrar runs it to
# learn whether the CPU runs that architecture itself (the x86_64 CPU i386 programs; many
# aarch64 CPUs 32-bit ARM ones), before it would register an emulator for the host's family.
le32() { printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)); }
probe_elf() {
    local file=$1 machine=$2 flags=$3 base=$4; shift 4
    local code="$*" size=$((52 + 32 + $# )) b hdr
    hdr="\\x7fELF\\x01\\x01\\x01$(printf '\\x00%.0s' 1 2 3 4 5 6 7 8 9)"   # ident: 32-bit, LSB, v1
    hdr="$hdr\\x02\\x00$(printf '\\x%02x\\x00' "$machine")$(le32 1)"          # ET_EXEC, e_machine, version
    hdr="$hdr$(le32 $((base + 84)))$(le32 52)$(le32 0)$(le32 "$flags")"         # entry, phoff, shoff, flags
    hdr="$hdr\\x34\\x00\\x20\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00"            # ehsize, phentsize, phnum=1
    hdr="$hdr$(le32 1)$(le32 0)$(le32 "$base")$(le32 "$base")$(le32 "$size")$(le32 "$size")$(le32 5)$(le32 4096)"
    for b in $code; do hdr="$hdr\\x$b"; done
    printf "$hdr" >"$file"
    chmod 755 "$file"
    [ "$(wc -c <"$file")" = "$size" ] || die "probe program $file has the wrong size"
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
    # i386: mov eax,1; mov ebx,42; int 0x80.  ARM (EABI5): mov r0,#42; mov r7,#1; svc 0
    probe_elf "$lib/probe-i386" 3 0 $((0x08048000)) b8 01 00 00 00 bb 2a 00 00 00 cd 80
    probe_elf "$lib/probe-arm" 40 $((0x05000000)) $((0x10000)) 2a 00 a0 e3 01 70 a0 e3 00 00 00 ef
    cp "$HERE/Dockerfile" "$ctx/Dockerfile"
    rm -rf "$ctx/x"
    log "docker build --platform linux/$arch -t $tag"
    DOCKER_BUILDKIT=0 docker build -q --no-cache --platform "linux/$arch" \
        --label "$HASH_LABEL=$hash" -t "$tag" "$ctx" >/dev/null 2>"$ctx/build.log" \
        || { cat "$ctx/build.log" >&2; die "docker build of $tag failed"; }
    got=$(docker image inspect --format '{{.Architecture}}' "$tag")
    [ "$got" = "$arch" ] || { docker rmi -f "$tag" >/dev/null; die "$tag has architecture '$got', expected '$arch' (image removed)"; }
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
