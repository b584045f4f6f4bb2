#!/usr/bin/env bash
# Prove the product on an aarch64 host: the emulated arm64 Debian host of the shared lab
# (qemu-system-aarch64, its own kernel and Docker engine; see $LAB_HOME/README.md) runs a
# trimmed set of README's tests, the way a user on an arm64 machine would meet them:
#   - binfmt_misc starts with no emulator; the registrar's view of it (32-bit ARM: does the CPU
#     run it itself?)
#   - the samples' arm64 tests (native), s390x tests and one amd64 test (x86_64 emulated on
#     aarch64), registering the missing emulators through the arm64 bundle, under Surefire's own
#     limits (its 30 s fork-exit timeout included)
#   - a host JVM killed with -9 mid-test leaves no container (CleanupTest)
#   - what is left afterwards: containers, binfmt_misc entries
# Everything the guest needs goes through a share: the project, an offline Maven repository,
# and `docker save`d images (the arm64 bundle, the arm64/s390x/amd64 JRE images). Results:
# $LAB_SHARE/out/ (logs, Surefire reports, facts.txt with the figures). Slow by nature (full-
# system emulation: budget an hour); not part of tools/test.sh. Run as root after tools/setup.sh.
set -euo pipefail
LOG_TAG=lab-aarch64
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

LAB_HOME=${LAB_HOME:-$ROOT/../shared/lab/aarch64-host}
SHARE=${LAB_SHARE:-/var/tmp/multiarch-lab-share}
VERSION=$(project_version)
TESTS=${LAB_TESTS:-Arm64Test,ByteOrderTest,ZstdRoundTripTest}
[ -x "$LAB_HOME/run.sh" ] || die "no lab at $LAB_HOME (set LAB_HOME to the aarch64-host lab)"
[ "$(id -u)" = 0 ] || die "must run as root"

log "lab image (idempotent): $LAB_HOME/build.sh"
bash "$LAB_HOME/build.sh" >&2

mkdir -p "$SHARE/images" "$SHARE/out"
rm -rf "$SHARE/project" "$SHARE/out"/*
log "project -> $SHARE/project (what is committed: $(git -C "$ROOT" rev-parse --short HEAD))"
mkdir -p "$SHARE/project"
git -C "$ROOT" archive HEAD | tar -xf - -C "$SHARE/project"
echo "project: commit $(git -C "$ROOT" rev-parse --short HEAD); host: $(uname -m), $(nproc) cpus" >"$SHARE/out/facts.txt"

log "offline Maven repository -> $SHARE/m2"
(cd "$SHARE/project" && mvn -B -ntp -q -Dmaven.repo.local="$SHARE/m2" install -DskipTests \
    && mvn -B -ntp -q -Dmaven.repo.local="$SHARE/m2" test -pl extension -Dtest=ArchitectureTest) >&2   # (Surefire's JUnit provider)

save() { # save IMAGE FILE: docker save once per image id
    local id
    id=$(docker image inspect --format '{{.Id}}' "$1") || die "$1 missing (run tools/setup.sh)"
    if [ "$(cat "$SHARE/images/$2.id" 2>/dev/null)" != "$id" ]; then
        log "docker save $1"
        docker save -o "$SHARE/images/$2.tar" "$1"
        echo "$id" >"$SHARE/images/$2.id"
    fi
}
save "multiarch-qemu-bundle:$VERSION-arm64" bundle-arm64
for a in arm64 s390x amd64; do save "multiarch-jre:17-$a" "jre-$a"; done

cat >"$SHARE/guest.sh" <<EOF
#!/bin/bash
# Runs in the arm64 guest, in /share, as root (written by tools/lab-aarch64.sh).
set -uo pipefail
OUT=/share/out
VERSION=$VERSION
TESTS='$TESTS'
EOF
cat >>"$SHARE/guest.sh" <<'EOF'
t() { date +%s; }
fact() { echo "$*" | tee -a "$OUT/facts.txt"; }
entries() { for e in /proc/sys/fs/binfmt_misc/*; do case ${e##*/} in register|status) ;; *) echo "${e##*/}: $(sed -n 's/^interpreter //p' "$e") flags $(sed -n 's/^flags: //p' "$e")";; esac; done; }
fact "machine: $(uname -m), kernel $(uname -r), $(nproc) cpus; docker $(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})'); $(java -version 2>&1 | head -1)"
fact "binfmt_misc before: $(entries | tr '\n' ';')"
docker tag "multiarch-qemu-bundle:$VERSION-arm64" "multiarch-qemu-bundle:$VERSION"
docker tag "multiarch-qemu-bundle:$VERSION-arm64" multiarch-qemu-bundle:latest
docker run --rm --cap-add SYS_ADMIN --security-opt apparmor=unconfined "multiarch-qemu-bundle:$VERSION" status >"$OUT/status-before.json"
fact "registrar status before: $(grep -o '"platform":"[^"]*","qemu":"[^"]*","state":"[^"]*"' "$OUT/status-before.json" | sed 's/"platform"://; s/,"qemu":"[^"]*"//; s/"state"://' | tr '\n' ' ')"
s=$(t); cp -a /share/project /root/project && cp -a /share/m2 /root/m2; fact "copy to /root: $(( $(t) - s )) s"
cd /root/project
s=$(t); mvn -B -o -q -Dmaven.repo.local=/root/m2 install -DskipTests >"$OUT/build.log" 2>&1; rc=$?
fact "mvn install -DskipTests: exit $rc in $(( $(t) - s )) s"

s=$(t); mvn -B -o -Dmaven.repo.local=/root/m2 test -pl sample-tests -Dtest="$TESTS" >"$OUT/samples.log" 2>&1; rc=$?
fact "samples ($TESTS): exit $rc in $(( $(t) - s )) s"
grep -E 'Tests run:|\[multiarch\]|kill self fork|ERROR' "$OUT/samples.log" | tee -a "$OUT/facts.txt"
cp -r sample-tests/target/surefire-reports "$OUT/samples-reports" 2>/dev/null
fact "binfmt_misc after the samples: $(entries | tr '\n' ';')"
fact "containers right after the samples: $(docker ps -a --filter label=io.github.multiarch --format '{{.Label "io.github.multiarch"}} {{.Status}}' | tr '\n' ';')"
for i in $(seq 1 120); do [ -z "$(docker ps -aq --filter label=io.github.multiarch)" ] && break; sleep 5; done
fact "containers 10 min later at most ($(( i * 5 )) s): $(docker ps -a --filter label=io.github.multiarch --format '{{.Label "io.github.multiarch"}} {{.Status}}' | tr '\n' ';')"
ls -la /root/.cache/multiarch-junit/cds 2>/dev/null | tee -a "$OUT/facts.txt"

s=$(t); mvn -B -o -Dmaven.repo.local=/root/m2 test -pl extension -Dtest='CleanupTest#killingTheHostJvmMidTestRemovesItsRuntimeContainer' >"$OUT/cleanup.log" 2>&1; rc=$?
fact "kill -9 check (CleanupTest): exit $rc in $(( $(t) - s )) s"
grep -E 'Tests run:|FAIL' "$OUT/cleanup.log" | tee -a "$OUT/facts.txt"
cp -r extension/target/surefire-reports "$OUT/cleanup-reports" 2>/dev/null
fact "containers at the end: $(docker ps -a --filter label=io.github.multiarch --format '{{.Label "io.github.multiarch"}} {{.Status}}' | tr '\n' ';')"
docker run --rm --cap-add SYS_ADMIN --security-opt apparmor=unconfined "multiarch-qemu-bundle:$VERSION" status >"$OUT/status-after.json"
grep -q 'BUILD SUCCESS' "$OUT/samples.log" && grep -q 'BUILD SUCCESS' "$OUT/cleanup.log"
EOF
chmod +x "$SHARE/guest.sh"

log "booting the arm64 host (RUN_TIMEOUT=${RUN_TIMEOUT:-5400} s); results in $SHARE/out"
start=$(date +%s); rc=0
RUN_TIMEOUT=${RUN_TIMEOUT:-5400} LAB_QUIET=1 bash "$LAB_HOME/run.sh" "$SHARE" 'bash /share/guest.sh' || rc=$?
echo "lab: exit $rc after $(( $(date +%s) - start )) s" | tee -a "$SHARE/out/facts.txt"
exit $rc
