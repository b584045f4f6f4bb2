#!/usr/bin/env bash
# Build JRE images offline from Debian packages:
#   multiarch-jre:17-<platform> for each platform of JRE_ARCHES (default: s390x arm64 ppc64le amd64;
#   amd64 (or arm64 on an arm64 engine) is the native one, for tests that need no emulator):
#   bookworm, openjdk-17-jre-headless
#   multiarch-jre:25-<platform> for each platform of JRE25_ARCHES (default: the engine's own, for
#   the tests of the JDK 24+ AOT cache): trixie, openjdk-25-jre-headless (the mirror here has
#   trixie complete for amd64, arm64 and riscv64, not for s390x and ppc64el)
# mmdebstrap makes a root file system tar (maintainer scripts run under emulation, so the
# emulators are registered first with the qemu bundle), then `docker build --platform`
# from a FROM scratch + ADD rootfs.tar Dockerfile (docker import would record the host's
# architecture). Skips an image whose input-hash label is current.
set -euo pipefail
LOG_TAG=jre-images
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

ARCHES=${JRE_ARCHES:-s390x arm64 ppc64le amd64}
ARCHES25=${JRE25_ARCHES-$(engine_arch)}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
IMAGE=multiarch-jre
VERSION=$(project_version)
BUNDLE_IMAGE=multiarch-qemu-bundle:$VERSION
WORK=
trap '[ -z "$WORK" ] || rm -rf "$WORK"' EXIT

# The build recipe; the input hash covers exactly these (not this script's other lines).
# JAVA (17 or 25) chooses the suite and package.
suite() { case $1 in 17) echo bookworm ;; 25) echo trixie ;; esac; }
mmdebstrap_opts() { # mmdebstrap_opts JAVA
    MMDEBSTRAP_OPTS=(
    --mode=root --variant=essential
    --include="openjdk-$1-jre-headless"
    --dpkgopt='path-exclude=/usr/share/man/*'
    --dpkgopt='path-exclude=/usr/share/doc/*'
    --dpkgopt='path-include=/usr/share/doc/*/copyright'
    --dpkgopt='path-exclude=/usr/share/locale/*'
    # openjdk's postinst links its man page into man1 (update-alternatives fails without it)
    --essential-hook='mkdir -p "$1/usr/share/man/man1"'
    )
}
dockerfile() { # dockerfile DEBIAN_ARCH JAVA
    cat <<EOF
FROM scratch
ADD rootfs.tar /
ENV JAVA_HOME=/usr/lib/jvm/java-$2-openjdk-$1 \\
    PATH=/usr/lib/jvm/java-$2-openjdk-$1/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    LANG=C.UTF-8
CMD ["java","-version"]
EOF
}

debian_arch() { case $1 in ppc64le) echo ppc64el ;; arm/v7) echo armhf ;; *) echo "$1" ;; esac; }

build_one() { # build_one JAVA PLATFORM
    local java=$1 plat=$2 darch tag hash id got try ok SUITE
    darch=$(debian_arch "$plat")
    tag="$IMAGE:$java-$plat"
    SUITE=$(suite "$java")
    mmdebstrap_opts "$java"
    hash=$(input_hash -- "$SUITE" "$MIRROR" "$plat" "${MMDEBSTRAP_OPTS[*]}" "$(dockerfile "$darch" "$java")")
    cached_image "$tag" "$hash" && return 0
    WORK=$(mktemp -d /var/tmp/multiarch-jre.XXXXXX)
    log "mmdebstrap $SUITE $darch (+openjdk-$java-jre-headless) -> $WORK/rootfs.tar"
    ok=
    for try in 1 2; do
        # (Debian's keyring named explicitly: on an Ubuntu host apt's own keys are Ubuntu's)
        if mmdebstrap --arch="$darch" "${MMDEBSTRAP_OPTS[@]}" --aptopt='Acquire::Retries "3"' --keyring="$DEBIAN_KEYRING" \
            "$SUITE" "$WORK/rootfs.tar" "$MIRROR" </dev/null >>"$WORK/mmdebstrap.log" 2>&1; then
            ok=1; break
        fi
        log "mmdebstrap for $darch failed (try $try); last lines:"
        tail -n 5 "$WORK/mmdebstrap.log" >&2
        grep -E '^(E|W): (Failed to fetch|Unable to fetch)|Err:[0-9]+|error processing package' "$WORK/mmdebstrap.log" \
            | sed 's/^/  failing: /' >&2 || true
        rm -f "$WORK/rootfs.tar"
    done
    if [ -z "$ok" ]; then
        die "cannot build the $darch root file system; failing: $(grep -E 'Failed to fetch|^Err:|error processing package' "$WORK/mmdebstrap.log" | sort -u | tr '\n' ' ' || true)"
    fi
    log "rootfs.tar: $(du -m "$WORK/rootfs.tar" | cut -f1) MB"
    dockerfile "$darch" "$java" >"$WORK/Dockerfile"
    log "docker build --platform linux/$plat -t $tag"
    DOCKER_BUILDKIT=0 docker build -q --platform "linux/$plat" --label "$HASH_LABEL=$hash" \
        -t "$tag" "$WORK" >/dev/null 2>"$WORK/build.log" \
        || { cat "$WORK/build.log" >&2; die "docker build of $tag failed"; }
    rm -rf "$WORK"; WORK=
    # An image that fails its checks is removed: its input-hash label would make it "up to date".
    got=$(docker image inspect --format '{{.Architecture}}' "$tag")
    [ "$got" = "$plat" ] || { docker rmi -f "$tag" >/dev/null; die "$tag has architecture '$got', expected '$plat'"; }
    if ! docker run --rm --network none --platform "linux/$plat" "$tag" java -version >/dev/null 2>&1; then
        docker run --rm --network none --platform "linux/$plat" "$tag" java -version >&2 || true
        docker rmi -f "$tag" >/dev/null
        die "$tag: 'java -version' does not run (image removed)"
    fi
    log "built $tag ($(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%.0f MB", $1/1e6}'), java -version ok)"
}

need_packages
docker image inspect "$BUNDLE_IMAGE" >/dev/null 2>&1 || die "$BUNDLE_IMAGE missing (run qemu-bundle/build.sh)"
# mmdebstrap runs the target's maintainer scripts: the emulators must be registered.
# shellcheck disable=SC2086
bundle "$BUNDLE_IMAGE" install $(printf "%s\n" $ARCHES $ARCHES25 | sort -u) | sed 's/^/  /' >&2 \
    || die "cannot register emulators for: $ARCHES $ARCHES25"
for plat in $ARCHES; do
    build_one 17 "$plat"
done
for plat in $ARCHES25; do
    build_one 25 "$plat"
done
docker image prune -f --filter "label=$HASH_LABEL" >/dev/null 2>&1 || true
