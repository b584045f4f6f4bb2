#!/usr/bin/env bash
# Issue #5's benchmark: what @RunsOn costs, each figure next to a baseline measured in the same
# run, on this machine. Not part of the default test run.
#
#   bench/run.sh            # figures 1-6 (about 15 min with the images cached)
#   BENCH_FIGURES="1 2 3 4 6 7" REAL_SUITE_CONTAINER=1 bench/run.sh   # every figure of issue 13
#   BENCH_JAVA=25 bench/run.sh   # the same figures with a JDK 25 runtime on s390x (AOT cache, JEP 483)
#
# Needs what the README's set-up gives (tools/setup.sh: engine, QEMU bundle, JRE images) and the
# extension installed in ~/.m2 (mvn -B -ntp -q install -pl extension -am -DskipTests).
# Builds, once and cached by their inputs, an s390x image with Maven and a JDK
# (multiarch-bench-mvn:17-s390x) and tries once to build a riscv64 JRE image
# (multiarch-bench-jre:21-riscv64, Debian trixie). Everything it writes goes to bench/work/
# (git-ignored) except the report, bench/results/latest.md (a run of only some of the default
# figures writes bench/work/run/report.md instead; BENCH_REPORT names another file). See bench/README.md.
#
# Environment: BENCH_REPEATS (3) repeats of each cold-start measurement; BENCH_SUITE_REPEATS (3)
# rounds of figure 3 (harness, container baseline and native reference, interleaved; medians);
# BENCH_FIGURES ("1 2 3 4 6") which figures to measure (5, memory, is sampled during 3 and 4; 7,
# bench/real-suite.sh, is opt-in: it takes over 10 min, REAL_SUITE_* settings pass through);
# BENCH_RETRY_IMAGES=1 retries an image build that failed before; BENCH_MATRIX_PARALLELISM
# (the number of matrix classes) JUnit's fixed parallelism in the matrix run;
# BENCH_MATRIX_SEQUENTIAL (1) also runs the matrix without parallel classes, for the breakdown;
# BENCH_JAVA (17) the s390x runtime's JDK: 17 is multiarch-jre:17-s390x (tools/setup.sh's); 25
# builds (once, cached by its inputs) multiarch-bench-jre:25-s390x (Debian forky,
# openjdk-25-jre-headless) and uses it as the s390x JRE image of every figure (the floor, the
# JUnit-alone baselines, the generated projects' multiarch.image.s390x), and adds an AOT cache
# (JEP 483) to figure 1's lever; Maven-in-a-container baselines stay multiarch-bench-mvn:17-s390x;
# BENCH_JVM_ARGS (none) more runtime JVM options, to measure a flag as a lever: the harness and
# the generated projects get them as multiarch.jvm.args (junit-platform.properties), and the
# JUnit-alone baselines and figure 1's lever add them to the agent's JIT flags (so each ratio
# compares like with like); the report names them.
set -euo pipefail
{ # the whole script is one compound command: bash reads it completely before running it, so
  # editing this file during a run cannot change the run
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
WORK=$BENCH/work
RUN=$WORK/run
REPEATS=${BENCH_REPEATS:-3}
SUITE_REPEATS=${BENCH_SUITE_REPEATS:-3}
FIGURES=${BENCH_FIGURES-1 2 3 4 6}
MATRIX_SEQUENTIAL=${BENCH_MATRIX_SEQUENTIAL:-1}
# The report: bench/results/latest.md when the run measures at least the default figures; a run of
# some of them writes bench/work/run/report.md, so it never replaces the last full report.
REPORT=$BENCH/results/latest.md
for f in 1 2 3 4 6; do [[ " $FIGURES " == *" $f "* ]] || REPORT=$RUN/report.md; done
REPORT=${BENCH_REPORT:-$REPORT}
JAVA_RELEASE=${BENCH_JAVA:-17}
JVM_ARGS=${BENCH_JVM_ARGS:-}
read -r -a JVM_ARGS_SPLIT <<<"$JVM_ARGS"   # (the baselines' java command lines)
# shellcheck source=runtime-flags.sh
. "$BENCH/runtime-flags.sh"   # RUNTIME_JIT_FLAGS, the runtime's JIT (the baselines' too)
VERSION=$(sed -n 's:.*<version>\([^<]*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -n 1)
JUNIT_VERSION=6.1.3
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
BUNDLE_IMAGE=multiarch-qemu-bundle:$VERSION
MVN_IMAGE=multiarch-bench-mvn:17-s390x
RISCV_IMAGE=multiarch-bench-jre:21-riscv64
JRE25_IMAGE=multiarch-bench-jre:25-s390x   # BENCH_JAVA=25
HASH_LABEL=io.github.multiarch.bench.input-hash
M2=${BENCH_HOST_M2:-$HOME/.m2/repository}
ARCHES="s390x arm64 ppc64le"   # + riscv64 when its image can be built
declare -A JRE_IMAGE=([s390x]=multiarch-jre:17-s390x [arm64]=multiarch-jre:17-arm64
                      [ppc64le]=multiarch-jre:17-ppc64le [riscv64]=$RISCV_IMAGE)
# The same Maven timestamps in the host's and the container's builds, for the phase breakdown.
MVN_LOG_OPTS="-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"
export TZ=UTC

log() { echo "bench: $*" >&2; }
die() { echo "bench: ERROR: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1000 }'; }
record() { printf '%s\n' "$(IFS=$'\t'; echo "$*")" >>"$RUN/times.tsv"; } # record NAME SECONDS RC [NOTE]
meta() { printf '%s\t%s\n' "$1" "$2" >>"$RUN/meta.tsv"; }
case $JAVA_RELEASE in 17|25) ;; *) die "BENCH_JAVA=$JAVA_RELEASE: 17 or 25" ;; esac

# ---- cleanup: only what this run started -------------------------------------------------
BG_PIDS=()
descendants() { # pids of every live descendant of $1
    local p c
    for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do
        echo "$p"; descendants "$p"
    done
}
is_ours() { # is_ours PID: the process is (or was, when $2 lists it) a descendant of this script
    local p=$1 i=0
    while [ "$p" -gt 1 ] && [ $i -lt 50 ]; do
        [ "$p" = $$ ] && return 0
        p=$(awk '{print $4}' "/proc/$p/stat" 2>/dev/null) || return 1
        i=$((i + 1))
    done
    return 1
}
OUR_JVMS=" "
REPORT_CLASSES=""
cleanup() {
    local rc=$? pids ids
    trap - EXIT INT TERM
    for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    pids=$(descendants $$ | tr '\n' ' ')
    # runtime containers of JVMs this run started (their io.github.multiarch.pid label)
    ids=$(docker ps --no-trunc --filter label=io.github.multiarch \
          --format '{{.ID}} {{.Label "io.github.multiarch.pid"}}' 2>/dev/null \
          | while read -r id pid; do case " $pids $OUR_JVMS " in *" $pid "*) echo "$id" ;; esac; done)
    # JVMs and builds first (SIGTERM: their shutdown hooks remove their runtimes)
    [ -z "${pids// /}" ] || kill $pids 2>/dev/null || true
    # containers of this run, and of scripts it started (bench/real-suite.sh labels them with its own pid)
    ids="$ids $(docker ps -a --no-trunc --filter label=io.github.multiarch.bench.run \
          --format '{{.ID}} {{.Label "io.github.multiarch.bench.run"}}' 2>/dev/null \
          | while read -r id run; do case " $$ $pids " in *" $run "*) echo "$id" ;; esac; done)"
    [ -z "${ids// /}" ] || docker rm -f $ids >/dev/null 2>&1 || true
    [ -z "$REPORT_CLASSES" ] || rm -rf "$REPORT_CLASSES"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- preflight ---------------------------------------------------------------------------
mkdir -p "$WORK"
exec 9>"$WORK/.lock"
flock -n 9 || die "another bench/run.sh is running (lock $WORK/.lock)"
command -v docker >/dev/null && docker version >/dev/null 2>&1 \
    || die "no Docker engine answers; run tools/setup.sh first"
for c in mvn java javac mmdebstrap; do command -v $c >/dev/null || die "$c not found (tools/setup.sh installs mmdebstrap)"; done
EXT_JAR=$M2/io/github/multiarch/multiarch-junit/$VERSION/multiarch-junit-$VERSION.jar
[ -f "$EXT_JAR" ] || die "$EXT_JAR missing: run mvn -B -ntp -q install -pl extension -am -DskipTests first"
docker image inspect "$BUNDLE_IMAGE" >/dev/null 2>&1 || die "$BUNDLE_IMAGE missing: run tools/setup.sh first"
for a in s390x arm64 ppc64le; do
    [ $a = s390x ] && [ "$JAVA_RELEASE" = 25 ] && continue   # built below
    got=$(docker image inspect --format '{{.Architecture}}' "${JRE_IMAGE[$a]}" 2>/dev/null) \
        || die "${JRE_IMAGE[$a]} missing: run tools/setup.sh first"
    [ "$got" = "$a" ] || die "${JRE_IMAGE[$a]} is for $got, not $a"
done
# The report (bench/report/, Java 17), compiled before measuring: a broken one stops the run now,
# not after it. Its classes go to a directory of this run's own, removed on exit.
REPORT_CLASSES=$(mktemp -d "$WORK/report-classes.XXXXXX")
javac -d "$REPORT_CLASSES" --release 17 "$BENCH"/report/*.java || die "bench/report/ does not compile"
START_MS=$(now_ms)
rm -rf "$RUN"; mkdir -p "$RUN/cold" "$RUN/warm" "$RUN/suite" "$RUN/cpu" "$WORK/images" "$WORK/lib"
: >"$RUN/times.tsv"; : >"$RUN/meta.tsv"; : >"$RUN/mem.tsv"
meta started "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
meta commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
meta host "$(uname -m), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
meta docker "$(docker version --format '{{.Server.Version}}' 2>/dev/null), cgroup $( [ -d /sys/fs/cgroup/memory/docker ] && echo v1 || echo v2)"
meta host_java "$(java -version 2>&1 | head -n 1)"
meta host_maven "$(mvn -v 2>/dev/null | head -n 1 | sed 's/\x1b\[[0-9;]*m//g')"

# Emulators: registered by tools/setup.sh; riscv64 is registered here if needed (the bundle's
# registrar counts a matching entry as success and never overwrites another tool's entry).
qemu_name() { case $1 in arm64) echo aarch64 ;; *) echo "$1" ;; esac; }
emulator_ok() { local f; f=/proc/sys/fs/binfmt_misc/qemu-$(qemu_name "$1"); [ -f "$f" ] && grep -qx enabled "$f" && grep -q '^flags:.*F' "$f"; }
ensure_emulators() {
    local missing="" a
    for a in "$@"; do emulator_ok "$a" || missing="$missing $a"; done
    [ -z "$missing" ] && return 0
    log "registering emulators:$missing ($BUNDLE_IMAGE)"
    # as the extension does: CAP_SYS_ADMIN first, --privileged where that is not enough
    # shellcheck disable=SC2086
    docker run --rm --cap-add SYS_ADMIN --security-opt apparmor=unconfined --label "io.github.multiarch.bench.run=$$" \
            "$BUNDLE_IMAGE" install $missing >&2 \
        || docker run --rm --privileged --label "io.github.multiarch.bench.run=$$" "$BUNDLE_IMAGE" install $missing >&2
}
ensure_emulators s390x arm64 ppc64le

# Other work on this machine skews every figure (2 cores) and test suites may re-register the
# emulators. Wait (up to BENCH_QUIET_TIMEOUT s) until no JVM of others runs, and record any
# that run during the measurements, and any change of the binfmt_misc entries, for the report.
foreign_jvms() { # JVMs on the host that are neither this run's nor inside a container
    local p q i comm
    for p in $(pgrep -x java 2>/dev/null); do
        q=$p; i=0
        while [ "$q" -gt 1 ] && [ $i -lt 50 ]; do
            [ "$q" = $$ ] && continue 2
            comm=$(cat "/proc/$q/comm" 2>/dev/null) || continue 2
            [[ "$comm" == containerd-shim* ]] && continue 2
            q=$(awk '{print $4}' "/proc/$q/stat" 2>/dev/null) || continue 2
            i=$((i + 1))
        done
        echo "$p"
    done
}
foreign_containers() { # containers on the engine that this run did not start
    docker ps --format '{{.ID}}|{{.Label "io.github.multiarch.bench.run"}}|{{.Label "io.github.multiarch.pid"}}' 2>/dev/null \
        | while IFS='|' read -r id run pid; do
            [ "$run" = $$ ] && continue
            [[ "$run" =~ ^[0-9]+$ ]] && is_ours "$run" && continue   # bench/real-suite.sh's (figure 7)
            [[ "$pid" =~ ^[0-9]+$ ]] && is_ours "$pid" && continue
            # (a JVM kept alive for the next run by a host JVM of this run that has exited: figure 1c)
            [[ "$pid" =~ ^[0-9]+$ ]] && [ -n "${RUN:-}" ] && grep -qx "$pid" "$RUN/keepalive-pids" 2>/dev/null && continue
            echo "$id"
          done
}
quiet_wait() { # [SAMPLES [LIMIT]]: until SAMPLES x 5 s (30 s) without others' JVMs or containers
               # and without binfmt_misc changes, or LIMIT s (BENCH_QUIET_TIMEOUT, 1800) have passed
    local need=${1:-6} limit=${2:-${BENCH_QUIET_TIMEOUT:-1800}} waited=0 quiet=0 state last busy
    last=$(binfmt_state)
    while [ $waited -lt "$limit" ]; do
        state=$(binfmt_state)
        busy="$(foreign_jvms | tr '\n' ' ')$(foreign_containers | tr '\n' ' ')"
        if [ -z "${busy// /}" ] && [ "$state" = "$last" ]; then
            quiet=$((quiet + 1)); [ $quiet -ge "$need" ] && return 0
        else
            [ $((waited % 120)) = 0 ] && log "waiting for a quiet machine (others' JVMs/containers: ${busy:-none};" \
                "binfmt_misc $([ "$state" = "$last" ] && echo stable || echo changing))"
            quiet=0
        fi
        last=$state
        sleep 5; waited=$((waited + 5))
    done
    log "the machine is still busy after $limit s; measuring anyway (the report says so)"
}
# before each measured item: two quiet checks 5 s apart, waiting up to BENCH_QUIET_ITEM_TIMEOUT (600) s
settle() { quiet_wait 2 "${BENCH_QUIET_ITEM_TIMEOUT:-600}"; }
binfmt_state() { # every binfmt_misc entry: name=interpreter(flags)[,disabled]
    local f
    for f in /proc/sys/fs/binfmt_misc/*; do
        case ${f##*/} in register|status) continue ;; esac
        printf '%s=%s(%s)%s ' "${f##*/}" "$(sed -n 's/^interpreter //p' "$f" 2>/dev/null)" \
            "$(sed -n 's/^flags: //p' "$f" 2>/dev/null)" "$(grep -qx disabled "$f" 2>/dev/null && echo ,disabled)"
    done
}
interference_start() {
    (
        last=$(binfmt_state)
        while :; do
            f=$(foreign_jvms | tr '\n' ' ')
            [ -z "$f" ] || printf '%s\tjvm\t%s\n' "$(date +%s)" "$f" >>"$RUN/interference.tsv"
            f=$(foreign_containers | tr '\n' ' ')
            [ -z "$f" ] || printf '%s\tcontainer\t%s\n' "$(date +%s)" "$f" >>"$RUN/interference.tsv"
            now=$(binfmt_state)
            if [ "$now" != "$last" ]; then
                printf '%s\tbinfmt\t%s\n' "$(date +%s)" "$now" >>"$RUN/interference.tsv"; last=$now
            fi
            sleep 2
        done
    ) &
    BG_PIDS+=("$!")
}

# ---- images built here: Maven + JDK on s390x, and a riscv64 JRE (cached by input hash) -----
image_hash() { docker image inspect --format "{{index .Config.Labels \"$HASH_LABEL\"}}" "$1" 2>/dev/null || true; }
# build_image TAG PLATFORM DEBIAN_ARCH SUITE PACKAGES JAVA_HOME TRIES CMD [once|""] [MMDEBSTRAP_OPTION...]
# Returns 1 (with the reason in $WORK/images/TAG.failed) when it cannot be built; with "once", a
# failure is remembered for the same inputs and not tried again (BENCH_RETRY_IMAGES=1 does).
# Further mmdebstrap options go into the recipe and its hash (none: the hash is as before).
build_image() {
    local tag=$1 plat=$2 darch=$3 suite=$4 pkgs=$5 jhome=$6 tries=$7 cmd=$8 once=${9:-} hash dir df try ok= opts
    shift $(($# < 9 ? $# : 9))
    opts=(--mode=root --variant=essential --include="$pkgs"
          --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
          --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*'
          --essential-hook='mkdir -p "$1/usr/share/man/man1"' "$@")
    df="FROM scratch
ADD rootfs.tar /
ENV JAVA_HOME=$jhome PATH=$jhome/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
CMD $cmd"
    hash=$(printf '%s\n' "$suite" "$MIRROR" "$plat" "${opts[*]}" "$df" | sha256sum | cut -c1-32)
    local failed="$WORK/images/${tag//[:\/]/_}.failed"
    if [ "$(image_hash "$tag")" = "$hash" ]; then log "$tag up to date"; rm -f "$failed"; return 0; fi
    if [ "$once" = once ] && [ -f "$failed" ] && [ "$(head -n 1 "$failed")" = "$hash" ] \
            && [ "${BENCH_RETRY_IMAGES:-0}" != 1 ]; then
        BUILD_WHY="$(sed -n 2p "$failed") (remembered from an earlier run; BENCH_RETRY_IMAGES=1 tries again)"
        log "$tag: not built, as before: $BUILD_WHY"
        return 1
    fi
    quiet_wait # test suites of others may re-register the emulators mmdebstrap needs
    : >"$WORK/images/${tag//[:\/]/_}.log"
    dir=$(mktemp -d /var/tmp/multiarch-bench-image.XXXXXX)
    local t0; t0=$(now_ms)
    log "building $tag: mmdebstrap $suite $darch (+$pkgs), then docker build --platform linux/$plat"
    # a watcher: did anyone change the emulator registrations during the build?
    local changed="$dir/binfmt-changed" watcher
    ( last=$(binfmt_state); while sleep 1; do [ "$(binfmt_state)" = "$last" ] || { touch "$changed"; exit 0; }; done ) &
    watcher=$!
    for try in $(seq 1 "$tries"); do
        # maintainer scripts run under emulation: the emulator must be registered (again, if a
        # test suite running on this machine removed it meanwhile)
        ensure_emulators "$plat" || true
        if mmdebstrap --arch="$darch" "${opts[@]}" --aptopt='Acquire::Retries "3"' \
                "$suite" "$dir/rootfs.tar" "$MIRROR" </dev/null >>"$WORK/images/${tag//[:\/]/_}.log" 2>&1; then
            ok=1; break
        fi
        log "mmdebstrap for $tag failed (try $try of $tries)"
        rm -f "$dir/rootfs.tar"
    done
    kill "$watcher" 2>/dev/null || true; wait "$watcher" 2>/dev/null || true
    if [ -z "$ok" ] && [ -e "$changed" ]; then
        rm -rf "$dir"
        BUILD_WHY="the emulator registrations changed during the build (another tool or test suite on this machine)"
        log "$tag: cannot be built now: $BUILD_WHY; not remembered, the next run tries again"
        return 1
    fi
    if [ -z "$ok" ]; then
        local why
        why=$(grep -Eo '(Failed to fetch|Err:[0-9]+|E: Unable to[^.]*|Unable to locate package|has no installation candidate|Unmet dependencies|error processing package)[^ ]* ?[^ ]*( [^ ]*)?( 404[^[]*)?' \
              "$WORK/images/${tag//[:\/]/_}.log" | sort -u | head -n 6 | tr '\n' ';' || true)
        [ -n "$why" ] || why="mmdebstrap failed: $(tail -n 3 "$WORK/images/${tag//[:\/]/_}.log" | tr '\n' ' ')"
        printf '%s\n%s\n' "$hash" "$why" >"$failed"
        BUILD_WHY=$why
        rm -rf "$dir"
        log "$tag: cannot be built: $why (log: $WORK/images/${tag//[:\/]/_}.log)"
        return 1
    fi
    printf '%s\n' "$df" >"$dir/Dockerfile"
    if ! DOCKER_BUILDKIT=0 docker build -q --platform "linux/$plat" --label "$HASH_LABEL=$hash" -t "$tag" "$dir" \
            >/dev/null 2>>"$WORK/images/${tag//[:\/]/_}.log"; then
        rm -rf "$dir"; BUILD_WHY="docker build failed"; return 1
    fi
    rm -rf "$dir"
    [ "$(docker image inspect --format '{{.Architecture}}' "$tag")" = "$plat" ] || die "$tag is not a $plat image"
    log "$tag built in $(secs "$t0" "$(now_ms)") s"
}
# (each image only when a figure uses it: Maven + JDK for figure 3's baseline, riscv64 for the matrix)
if [[ " $FIGURES " == *" 3 "* ]]; then
    build_image "$MVN_IMAGE" s390x s390x bookworm openjdk-17-jdk-headless,maven \
        /usr/lib/jvm/java-17-openjdk-s390x 2 '["mvn","-v"]' || die "cannot build $MVN_IMAGE"
    mvn_v() { ensure_emulators s390x; docker run --rm --platform linux/s390x --label "io.github.multiarch.bench.run=$$" "$MVN_IMAGE" mvn -v 2>&1; }
    MVN_V=$(mvn_v) || true
    grep -q 'Apache Maven' <<<"$MVN_V" || MVN_V=$(mvn_v) || true
    grep -q 'Apache Maven' <<<"$MVN_V" || die "$MVN_IMAGE: mvn -v does not run: $(tail -n 3 <<<"$MVN_V")"
    meta mvn_image "$MVN_IMAGE: $(sed 's/\x1b\[[0-9;]*m//g' <<<"$MVN_V" | grep -E '^(Apache Maven|Java version)' | cut -d, -f1 | tr '\n' ' ')"
fi
# BENCH_JAVA=25: the s390x runtime image of every figure is a JDK 25 one, built here. Debian's
# trixie is incomplete for s390x on the mirror (libc6 404), so forky; forky's Release file on the
# mirror has expired (Check-Valid-Until); Debian's keyring named as tools/jre-images.sh does.
if [ "$JAVA_RELEASE" = 25 ]; then
    build_image "$JRE25_IMAGE" s390x s390x forky openjdk-25-jre-headless /usr/lib/jvm/java-25-openjdk-s390x 2 \
        '["java","-version"]' "" --aptopt='Acquire::Check-Valid-Until "false"' \
        --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
        || die "cannot build $JRE25_IMAGE: ${BUILD_WHY:-?} (log: $WORK/images/${JRE25_IMAGE//[:\/]/_}.log)"
    JRE_IMAGE[s390x]=$JRE25_IMAGE
fi
# Which Java the s390x runtime is (the report's runtime_java). The bench's own JDK 25 image is
# removed when its java does not run (its input-hash label would make it "up to date"), as
# tools/jre-images.sh does.
runtime_java() { ensure_emulators s390x; docker run --rm --network none --platform linux/s390x \
    --label "io.github.multiarch.bench.run=$$" "${JRE_IMAGE[s390x]}" java -version 2>&1; }
RUNTIME_JAVA=$(runtime_java) || RUNTIME_JAVA=$(runtime_java) || {
    [ "$JAVA_RELEASE" = 17 ] || docker rmi -f "${JRE_IMAGE[s390x]}" >/dev/null 2>&1 || true
    die "${JRE_IMAGE[s390x]}: 'java -version' does not run: $(tail -n 3 <<<"$RUNTIME_JAVA" | tr '\n' ' ')"
}
RUNTIME_JAVA=$(grep -m 1 'version' <<<"$RUNTIME_JAVA" || true)
grep -q "version \"${JAVA_RELEASE}[.\"]" <<<"$RUNTIME_JAVA" \
    || die "${JRE_IMAGE[s390x]} runs $RUNTIME_JAVA, not Java $JAVA_RELEASE"
meta runtime_image "${JRE_IMAGE[s390x]}"
[ -z "$JVM_ARGS" ] || meta jvm_args "multiarch.jvm.args=$JVM_ARGS (BENCH_JVM_ARGS; the baselines add them to the agent's flags)"
meta runtime_java "$RUNTIME_JAVA"
log "s390x runtime: ${JRE_IMAGE[s390x]}: $RUNTIME_JAVA"
RISCV=""; BUILD_WHY=""
if [[ " $FIGURES " != *" 4 "* ]]; then
    : # no matrix, no riscv64
elif ensure_emulators riscv64 \
    && build_image "$RISCV_IMAGE" riscv64 riscv64 trixie openjdk-21-jre-headless \
        /usr/lib/jvm/java-21-openjdk-riscv64 1 '["java","-version"]' once; then
    if docker run --rm --platform linux/riscv64 --label "io.github.multiarch.bench.run=$$" "$RISCV_IMAGE" \
            java -version >/dev/null 2>&1; then
        RISCV=riscv64; ARCHES="$ARCHES riscv64"
    else
        meta riscv64 "not measured: $RISCV_IMAGE is built but java -version does not run in it"
    fi
else
    meta riscv64 "not measured: ${BUILD_WHY:-the riscv64 emulator could not be registered}"
fi
meta arches "$ARCHES"

# ---- the projects ------------------------------------------------------------------------
cap() { case $1 in s390x) echo S390x ;; arm64) echo Arm64 ;; ppc64le) echo Ppc64le ;; riscv64) echo Riscv64 ;; esac; }
# pom ARTIFACT WITH_EXTENSION(yes|no)
pom() {
    cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.github.multiarch.bench</groupId>
  <artifactId>$1</artifactId>
  <version>1.0</version>
  <properties>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
    <maven.compiler.release>17</maven.compiler.release>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>org.junit</groupId><artifactId>junit-bom</artifactId><version>$JUNIT_VERSION</version>
        <type>pom</type><scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
$( [ "$2" = yes ] && cat <<EOT
    <dependency>
      <groupId>io.github.multiarch</groupId><artifactId>multiarch-junit</artifactId><version>$VERSION</version>
      <scope>test</scope>
    </dependency>
EOT
)
    <dependency>
      <groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter</artifactId><scope>test</scope>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <!-- Every plugin of the test lifecycle pinned: the container's Maven uses the same ones. -->
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-resources-plugin</artifactId><version>3.3.1</version></plugin>
      <plugin><groupId>org.apache.maven.plugins</groupId><artifactId>maven-compiler-plugin</artifactId><version>3.13.0</version></plugin>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId><artifactId>maven-surefire-plugin</artifactId><version>3.5.4</version>
$( [ "$2" = yes ] && cat <<EOT
        <configuration>
          <environmentVariables><TESTCONTAINERS_RYUK_DISABLED>true</TESTCONTAINERS_RYUK_DISABLED></environmentVariables>
        </configuration>
EOT
)
      </plugin>
    </plugins>
  </build>
</project>
EOF
}
# suite_class DIR NAME MODE ARCHES: a class of 20 trivial tests. MODE: plain (no annotation),
# each (@RunsOn("<arch>")), each-exec (the same, plus @Execution(CONCURRENT) on the class and
# @Execution(SAME_THREAD) on each method), multi (@RunsOn("<arch>") repeated: the extension's matrix)
suite_class() {
    local dir=$1 name=$2 mode=$3 arches=$4 i f
    f="$dir/src/test/java/bench/suite/$name.java"
    mkdir -p "$(dirname "$f")"
    {
        echo "package bench.suite;"
        echo
        [ "$mode" = plain ] || echo "import io.github.multiarch.junit.RunsOn;"
        [ "$mode" = each-exec ] && echo "import org.junit.jupiter.api.parallel.Execution;" \
            && echo "import org.junit.jupiter.api.parallel.ExecutionMode;"
        echo "import static org.junit.jupiter.api.Assertions.assertEquals;"
        echo "import org.junit.jupiter.api.Test;"
        echo
        case $mode in
            each) echo "@RunsOn(\"$arches\")" ;;
            each-exec) echo "@RunsOn(\"$arches\")"; echo "@Execution(ExecutionMode.CONCURRENT)" ;;
            multi) for a in $arches; do echo "@RunsOn(\"$a\")"; done ;;
        esac
        echo "class $name {"
        for i in $(seq -w 1 20); do
            [ "$mode" = each-exec ] && echo "    @Execution(ExecutionMode.SAME_THREAD)"
            echo "    @Test void test$i() { assertEquals($((10#$i * 2)), $((10#$i)) + $((10#$i))); }"
        done
        echo "}"
    } >"$f"
}
# gen_suite DIR ARTIFACT "ARCHES" MODE PARALLELISM(0: no parallel execution configured)
gen_suite() {
    local dir=$1 artifact=$2 arches=$3 mode=$4 par=$5 a n
    rm -rf "$dir"; mkdir -p "$dir/src/test/resources"
    pom "$artifact" "$([ "$mode" = plain ] && echo no || echo yes)" >"$dir/pom.xml"
    if [ "$mode" = multi ]; then
        for n in 1 2 3 4 5; do suite_class "$dir" "MatrixSuite${n}Test" multi "$arches"; done
    else
        for a in $arches; do for n in 1 2 3 4 5; do suite_class "$dir" "$(cap "$a")Suite${n}Test" "$mode" "$a"; done; done
    fi
    {
        for a in $arches; do echo "multiarch.image.$a=${JRE_IMAGE[$a]}"; done
        if [ "$par" != 0 ]; then
            echo "junit.jupiter.execution.parallel.enabled=true"
            echo "junit.jupiter.execution.parallel.mode.default=same_thread"
            echo "junit.jupiter.execution.parallel.mode.classes.default=concurrent"
            echo "junit.jupiter.execution.parallel.config.strategy=fixed"
            echo "junit.jupiter.execution.parallel.config.fixed.parallelism=$par"
        fi
        [ -z "$JVM_ARGS" ] || echo "multiarch.jvm.args=$JVM_ARGS"
    } >"$dir/src/test/resources/junit-platform.properties"
}

log "preparing projects and Maven repositories under $WORK"
# The console launcher (figure 1's naive baseline), from Maven Central through Maven.
CONSOLE_JAR=$M2/org/junit/platform/junit-platform-console-standalone/$JUNIT_VERSION/junit-platform-console-standalone-$JUNIT_VERSION.jar
if [[ " $FIGURES " == *" 1 "* ]]; then
    [ -f "$CONSOLE_JAR" ] || mvn -B -ntp -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
        -Dartifact="org.junit.platform:junit-platform-console-standalone:$JUNIT_VERSION" -Dtransitive=false >&2
    [ -f "$CONSOLE_JAR" ] || die "cannot get junit-platform-console-standalone $JUNIT_VERSION"
    cp "$CONSOLE_JAR" "$WORK/lib/console.jar"
fi

# Figures 1-2: the harness project (bench/harness plus 200-test classes), compiled once.
H=$WORK/harness
rm -rf "$H"; cp -r "$BENCH/harness" "$H"
# (the harness's s390x image: the run's, BENCH_JAVA)
sed -i "s|^multiarch.image.s390x=.*|multiarch.image.s390x=${JRE_IMAGE[s390x]}|" "$H/src/test/resources/junit-platform.properties"
grep -qx "multiarch.image.s390x=${JRE_IMAGE[s390x]}" "$H/src/test/resources/junit-platform.properties" \
    || die "cannot set the harness's multiarch.image.s390x"
[ -z "$JVM_ARGS" ] || echo "multiarch.jvm.args=$JVM_ARGS" >>"$H/src/test/resources/junit-platform.properties"
for variant in S390x Plain; do
    f="$H/src/test/java/bench/Empty200$variant.java"
    {
        echo "package bench;"
        echo "import org.junit.jupiter.api.Test;"
        [ $variant = S390x ] && echo "@io.github.multiarch.junit.RunsOn(\"s390x\")"
        echo "class Empty200$variant {"
        for i in $(seq -w 1 200); do echo "    @Test void t$i() { }"; done
        echo "}"
    } >"$f"
done
(cd "$H" && mvn -B -ntp -q test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmdep.includeScope=test >&2) \
    || die "cannot build the harness ($H)"
HCP=$H/target/test-classes:$(cat "$H/cp.txt")

# Figures 3-4: generated projects (5 classes x 20 trivial tests per architecture).
S=$WORK/suites
gen_suite "$S/plain" bench-suite-plain s390x plain 0       # no annotation: native, and inside the s390x container
gen_suite "$S/s390x" bench-suite-s390x s390x each 0        # figure 3's harness run = the s390x single run
# figure 3b: a mixed project, the same five s390x classes after one native class of 4 s of
# hashing (JUnit's ClassOrderer$ClassName puts it first), with and without the early start
gen_suite "$S/mixed" bench-suite-mixed s390x each 0
echo 'junit.jupiter.testclass.order.default=org.junit.jupiter.api.ClassOrderer$ClassName' \
    >>"$S/mixed/src/test/resources/junit-platform.properties"
cat >"$S/mixed/src/test/java/bench/suite/AaaNativeTest.java" <<'EOF'
package bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** The native class of the mixed project: about 4 s of one core's work, before the s390x classes. */
class AaaNativeTest {
    @Test
    void hashes() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1 << 20];
        long end = System.nanoTime() + 4_000_000_000L;
        long rounds = 0;
        while (System.nanoTime() < end) {
            sha.update(block);
            rounds++;
        }
        assertEquals(32, sha.digest().length, rounds + " rounds");
    }
}
EOF
for a in $ARCHES; do [ $a = s390x ] || gen_suite "$S/$a" "bench-suite-$a" "$a" each 0; done
NCLASSES=$(( 5 * $(wc -w <<<"$ARCHES") ))
PAR=${BENCH_MATRIX_PARALLELISM:-$NCLASSES}
# Figure 4: per-architecture copies of the classes in one build, overlapped by JUnit's parallel
# class execution as configured (mode.classes.default=concurrent), and, because that setting does
# not reach @RunsOn classes (class templates), also with @Execution(CONCURRENT) on each class.
gen_suite "$S/matrix" bench-suite-matrix "$ARCHES" each "$PAR"
gen_suite "$S/matrix-exec" bench-suite-matrix-exec "$ARCHES" each-exec "$PAR"
# For the breakdown: the same classes without parallel execution, and the extension's own
# matrix (@RunsOn with every architecture on 5 classes), when the installed extension has it.
[ "$MATRIX_SEQUENTIAL" = 1 ] && gen_suite "$S/matrix-seq" bench-suite-matrix-seq "$ARCHES" each 0
MULTI=0
if unzip -p "$EXT_JAR" io/github/multiarch/junit/RunsOn.class 2>/dev/null | grep -aq '\[Ljava/lang/String;'; then
    MULTI=1; gen_suite "$S/matrix-multi" bench-suite-matrix-multi "$ARCHES" multi 0
fi
meta matrix_parallelism "$PAR"

# Maven repositories: ~/.m2 for the host builds, $WORK/m2-container for the container's build;
# each primed by an online run of the same projects so that every measured run is -o.
prime() { # prime DIR [mvn options]: an online build whose only purpose is to fill the local repository
    local dir=$1; shift
    (cd "$dir" && mvn -B -ntp -q "$@" test >"$WORK/prime.log" 2>&1) || { tail -n 30 "$WORK/prime.log" >&2; die "priming $dir failed"; }
    rm -rf "$dir/target"
}
MARK=$(sha256sum "$S/plain/pom.xml" "$S/s390x/pom.xml" | sha256sum | cut -c1-16)
if [[ " $FIGURES " != *" 3 "* && " $FIGURES " != *" 4 "* ]]; then
    : # no generated project is built
elif [ ! -f "$WORK/m2-container/.primed-$MARK" ]; then
    log "priming $WORK/m2-container (native online build of the plain project)"
    prime "$S/plain" -Dmaven.repo.local="$WORK/m2-container"
    touch "$WORK/m2-container/.primed-$MARK"
fi
if [[ " $FIGURES " != *" 3 "* && " $FIGURES " != *" 4 "* ]]; then
    : # no generated project is built
elif [ ! -f "$WORK/.host-primed-$MARK" ]; then
    log "priming $M2 for the host builds"
    prime "$S/plain"
    (cd "$S/s390x" && mvn -B -ntp -q test-compile >&2 && rm -rf target) || die "priming $S/s390x failed"
    touch "$WORK/.host-primed-$MARK"
fi

# ---- helpers for the measurements --------------------------------------------------------
docker_run() { # a container of this run (labelled, removed on exit)
    docker run --rm --label "io.github.multiarch.bench.run=$$" "$@"
}
wait_no_runtime() { # wait_no_runtime PID: until the runtime containers of that JVM are gone
    local i
    for i in $(seq 1 60); do
        [ -z "$(docker ps -q --filter "label=io.github.multiarch.pid=$1")" ] && return 0
        sleep 0.5
    done
    log "runtime containers of JVM $1 still there after 30 s"
}
# Memory sampler: every 0.5 s, the cgroup memory of every container of this run (runtimes of
# JVMs this script started, and its own containers): PHASE PURPOSE ID RSS MAX_USAGE (bytes).
mem_start() {
    local phase=$1
    (
        declare -A purpose=()
        n=0
        while :; do
            if [ $((n % 4)) = 0 ]; then
                while IFS='|' read -r id p pid run; do
                    [ -n "$id" ] && [ -z "${purpose[$id]:-}" ] || continue
                    if [ "$run" = "$$" ] || { [[ "$pid" =~ ^[0-9]+$ ]] && is_ours "$pid"; }; then
                        purpose[$id]=$p
                    else
                        purpose[$id]=-
                    fi
                done < <(docker ps --no-trunc --filter label=io.github.multiarch --format \
                    '{{.ID}}|{{.Label "io.github.multiarch"}}|{{.Label "io.github.multiarch.pid"}}|-' 2>/dev/null;
                    docker ps --no-trunc --filter "label=io.github.multiarch.bench.run=$$" --format \
                    '{{.ID}}|{{.Label "io.github.multiarch.bench"}}|-|{{.Label "io.github.multiarch.bench.run"}}' 2>/dev/null)
            fi
            for id in "${!purpose[@]}"; do
                [ "${purpose[$id]}" = - ] && continue
                d=/sys/fs/cgroup/memory/docker/$id
                if [ -d "$d" ]; then
                    rss=$(awk '$1 == "total_rss" {print $2}' "$d/memory.stat" 2>/dev/null) || continue
                    max=$(cat "$d/memory.max_usage_in_bytes" 2>/dev/null) || continue
                else
                    d=/sys/fs/cgroup/system.slice/docker-$id.scope
                    [ -d "$d" ] || continue
                    rss=$(awk '$1 == "anon" {print $2}' "$d/memory.stat" 2>/dev/null) || continue
                    max=$(cat "$d/memory.peak" 2>/dev/null) || continue
                fi
                printf '%s\t%s\t%s\t%s\t%s\n' "$phase" "${purpose[$id]}" "${id:0:12}" "$rss" "$max" >>"$RUN/mem.tsv"
            done
            n=$((n + 1))
            sleep 0.5
        done
    ) &
    MEM_PID=$!
    BG_PIDS+=("$MEM_PID")
}
mem_stop() { kill "$MEM_PID" 2>/dev/null || true; wait "$MEM_PID" 2>/dev/null || true; }

# mvn_suite NAME DIR [MVN ARGS...]: `mvn -o test` on the host from a clean target/, timed
mvn_suite() {
    local name=$1 dir=$2 t0 rc=0
    shift 2
    rm -rf "$dir/target"
    settle
    log "figure: $name (mvn -o test $* in $dir)"
    t0=$(now_ms)
    (cd "$dir" && MAVEN_OPTS="$MVN_LOG_OPTS" mvn -o -B -ntp -Dmultiarch.cds.dir="$CDS_DIR" "$@" test) >"$RUN/suite/$name.log" 2>&1 || rc=$?
    local s; s=$(secs "$t0" "$(now_ms)")
    record "$name" "$s" "$rc" "$t0"
    log "  $name: $s s (exit $rc)"
    [ $rc = 0 ] || tail -n 40 "$RUN/suite/$name.log" | sed 's/^/    /' >&2
}

quiet_wait
ensure_emulators s390x arm64 ppc64le $RISCV
meta binfmt_at_start "$(binfmt_state)"

# ---- class-data archives: made once per image and class path, as on a user's machine ------
# The extension keeps them in a cache directory; this run uses its own, made from scratch here
# by one untimed run of each class path (the first run ever pays this, once; it is timed and
# reported, not hidden).
CDS_DIR=$WORK/cds
wait_for_trainings() { # the detached class-data archive trainings, up to 15 min
    local i
    for i in $(seq 1 900); do
        [ -z "$(docker ps -q --filter label=io.github.multiarch | xargs -r docker inspect \
            --format '{{index .Config.Labels "io.github.multiarch"}}' | grep '^cds-training-')" ] && return 0
        sleep 1
    done
    log "  trainings still running after 15 min"
}
# (an AppCDS archive, .jsa, or an AOT cache, .aot, of JDK 25's JEP 483)
archive_made() { compgen -G "$CDS_DIR/*.jsa" >/dev/null || compgen -G "$CDS_DIR/*.aot" >/dev/null; }
rm -rf "$CDS_DIR"; mkdir -p "$CDS_DIR"
log "class-data archives: one untimed run per class path makes them (in $CDS_DIR)"
if [[ " $FIGURES " == *" 1 "* || " $FIGURES " == *" 2 "* || " $FIGURES " == *" 6 "* ]]; then
    # (the harness's class path: figures 1, 2 and 6 run their @RunsOn classes from it)
    t0=$(now_ms); rc=0
    java -Dmultiarch.cds.dir="$CDS_DIR" -cp "$HCP" bench.Bench "$RUN/cold/first.events.tsv" "$RUN/cold/first.err.tsv" \
        bench.ColdS390x >"$RUN/cold/first.log" 2>&1 || rc=$?
    record cold.first "$(secs "$t0" "$(now_ms)")" $rc "$t0"
    # (the training finishes in its own container after the JVM's exit: wait for it, untimed)
    wait_for_trainings
    if ! archive_made; then
        # once more, untimed (seen: a training's container gone mid-way on a machine shared with test
        # suites); else the first measured run makes the archive, in the background of its tests
        log "  no archive made by the first run (see $RUN/cold/first.log): once more"
        java -Dmultiarch.cds.dir="$CDS_DIR" -cp "$HCP" bench.Bench "$RUN/cold/again.events.tsv" "$RUN/cold/again.err.tsv" \
            bench.ColdS390x >"$RUN/cold/again.log" 2>&1 || true
        wait_for_trainings
        archive_made || log "  no archive made for the harness's class path (see $RUN/cold/again.log)"
    fi
fi
if [[ " $FIGURES " == *" 3 "* || " $FIGURES " == *" 4 "* ]]; then
    for a in $ARCHES $([[ " $FIGURES " == *" 3 "* ]] && echo mixed); do
        rm -rf "$S/$a/target"
        (cd "$S/$a" && mvn -o -B -ntp -q -Dmultiarch.cds.dir="$CDS_DIR" test >"$RUN/suite/prime-$a.log" 2>&1) \
            || log "  priming the $a suite failed (see $RUN/suite/prime-$a.log)"
        rm -rf "$S/$a/target"
    done
    wait_for_trainings
fi
log "  archives: $(cd "$CDS_DIR" && ls -1 | tr '\n' ' ')"
meta cds_archives "$(cd "$CDS_DIR" && ls -1 *.jsa *.aot 2>/dev/null | tr '\n' ' ')"
: >"$RUN/interference.tsv"
interference_start

# ---- figure 1: cold start ----------------------------------------------------------------
if [[ " $FIGURES " == *" 1 "* ]]; then
    log "figure 1: cold start, $REPEATS times each (interleaved)"
    docker_run --platform linux/s390x "${JRE_IMAGE[s390x]}" java -version >/dev/null 2>&1 # page cache, untimed
    for i in $(seq 1 "$REPEATS"); do
        settle
        t0=$(now_ms); rc=0
        docker_run --platform linux/s390x "${JRE_IMAGE[s390x]}" java -version >/dev/null 2>&1 || rc=$?
        record cold.floor "$(secs "$t0" "$(now_ms)")" $rc "$t0"

        t0=$(now_ms); rc=0
        docker_run --platform linux/s390x -v "$H/target/test-classes:/bench/classes:ro" \
            -v "$WORK/lib/console.jar:/bench/console.jar:ro" "${JRE_IMAGE[s390x]}" \
            java -jar /bench/console.jar execute --disable-banner --details=summary \
            --class-path /bench/classes --select-method bench.ColdPlain#trivial >"$RUN/cold/console-$i.log" 2>&1 || rc=$?
        grep -q '1 tests successful' "$RUN/cold/console-$i.log" || { [ $rc != 0 ] || rc=9; }
        record cold.console "$(secs "$t0" "$(now_ms)")" $rc "$t0"

        docker events --since "$(date +%s)" --filter type=container --filter label=io.github.multiarch \
            --format '{{.TimeNano}}	{{.Action}}	{{index .Actor.Attributes "io.github.multiarch"}}	{{index .Actor.Attributes "io.github.multiarch.pid"}}' \
            >"$RUN/cold/harness-$i.docker.tsv" 2>/dev/null &
        ev=$!; BG_PIDS+=("$ev"); sleep 0.3
        t0=$(now_ms); rc=0
        # -Dmultiarch.trace=true: the extension prints how long each of its steps took (stderr,
        # timestamped by Bench), for the breakdown
        java -Dmultiarch.trace=true -Dmultiarch.cds.dir="$CDS_DIR" -cp "$HCP" bench.Bench "$RUN/cold/harness-$i.events.tsv" \
            "$RUN/cold/harness-$i.err.tsv" bench.ColdS390x \
            >"$RUN/cold/harness-$i.log" 2>&1 &
        jpid=$!; OUR_JVMS="$OUR_JVMS$jpid "
        wait $jpid || rc=$?
        record cold.harness.jvm "$(secs "$t0" "$(now_ms)")" $rc "$t0"
        wait_no_runtime $jpid
        sleep 0.5; kill $ev 2>/dev/null || true; wait $ev 2>/dev/null || true
        log "  round $i: floor $(awk -F'\t' '$1=="cold.floor"{v=$2} END{print v}' "$RUN/times.tsv") s," \
            "console $(awk -F'\t' '$1=="cold.console"{v=$2} END{print v}' "$RUN/times.tsv") s," \
            "harness JVM $(awk -F'\t' '$1=="cold.harness.jvm"{v=$2} END{print v}' "$RUN/times.tsv") s (exit $rc)"
    done

    # 1c. The local loop with multiarch.keepAlive: a run leaves a JVM for the next run, which takes
    # it. One untimed run leaves the first; each timed run takes the one the run before it left
    # (once it listens, i.e. has warmed up) and leaves one; the last is removed afterwards.
    log "figure 1c: cold start of a next run with multiarch.keepAlive, $REPEATS times"
    : >"$RUN/keepalive-pids"
    keep_run() { # keep_run NAME: the harness's host JVM, with multiarch.keepAlive
        local name=$1 jpid
        java -Dmultiarch.trace=true -Dmultiarch.keepAlive=10m -Dmultiarch.cds.dir="$CDS_DIR" -cp "$HCP" bench.Bench \
            "$RUN/cold/$name.events.tsv" "$RUN/cold/$name.err.tsv" bench.ColdS390x >"$RUN/cold/$name.log" 2>&1 &
        jpid=$!; OUR_JVMS="$OUR_JVMS$jpid "; echo "$jpid" >>"$RUN/keepalive-pids"
        wait $jpid
    }
    our_kept_alive() { # the kept-alive JVMs this run's host JVMs left
        docker ps --filter label=io.github.multiarch=kept-alive-s390x \
            --format '{{.ID}} {{.Label "io.github.multiarch.pid"}}' 2>/dev/null \
            | while read -r id pid; do grep -qx "$pid" "$RUN/keepalive-pids" && echo "$id"; done
    }
    kept_alive_listens() { # up to 5 min
        local i id
        for i in $(seq 1 300); do
            for id in $(our_kept_alive); do
                docker logs "$id" 2>&1 | grep -q 'multiarch-agent listening' && return 0
            done
            sleep 1
        done
        return 1
    }
    keep_run keep-0 || log "  the run that leaves the first kept-alive JVM failed (see $RUN/cold/keep-0.log)"
    for i in $(seq 1 "$REPEATS"); do
        kept_alive_listens || log "  no kept-alive JVM listens (see $RUN/cold/keep-$((i - 1)).log)"
        settle
        t0=$(now_ms); rc=0
        keep_run "keep-$i" || rc=$?
        grep -q 'kept alive since' "$RUN/cold/keep-$i.log" || { log "  round $i took no kept-alive JVM (see $RUN/cold/keep-$i.log)"; [ $rc != 0 ] || rc=8; }
        record cold.keepalive.jvm "$(secs "$t0" "$(now_ms)")" $rc "$t0"
        log "  round $i: keepAlive harness JVM $(awk -F'\t' '$1=="cold.keepalive.jvm"{v=$2} END{print v}' "$RUN/times.tsv") s (exit $rc)"
    done
    ids=$(our_kept_alive | tr '\n' ' ')
    [ -z "${ids// /}" ] || docker rm -f $ids >/dev/null 2>&1 || true

    # A lever, measured: the remote class's first JUnit run in a fresh s390x JVM (what opening the
    # remote class waits for) with the agent's JVM flags, without and with an application CDS
    # archive of the same class path (made once by -XX:ArchiveClassesAtExit); with JDK 25 also
    # with an AOT cache (JEP 483: recorded by one run, -XX:AOTMode=record, then made by
    # -XX:AOTMode=create; used with -XX:AOTCache, which the JVM refuses beside any -Xshare option).
    log "figure 1, breakdown: JUnit's first run in a fresh s390x JVM, without and with an AppCDS archive$(
        [ "$JAVA_RELEASE" = 25 ] && echo ', and with an AOT cache')"
    # (the runtime's collector and heap follow its host JVM's, here bench.Bench's defaults: G1, a
    # quarter of the memory, which a JVM in the container chooses too; G1 named for clarity)
    JIT_FLAGS=("${RUNTIME_JIT_FLAGS[@]}" -XX:+UseG1GC "${JVM_ARGS_SPLIT[@]}")
    AGENT_FLAGS=("${JIT_FLAGS[@]}" -Xshare:auto)
    rm -f "$RUN/cold/app.jsa" "$RUN/cold/app.aotconf" "$RUN/cold/app.aot"
    # JDK 17's AppCDS refuses a class path with a non-empty directory: the test classes go in a jar
    # (the runtime could do the same with target/test-classes, or load them in a child class loader)
    (cd "$H/target/test-classes" && jar cf "$H/target/bench-tests.jar" .)
    CDS_CP=$(cat "$H/cp.txt"):$H/target/bench-tests.jar
    in_container() { # NAME JVM_ARGS...: java in a fresh s390x container, output to cold/NAME.log
        local name=$1; shift
        docker_run --platform linux/s390x -v "$M2:$M2:ro" -v "$H:$H:ro" -v "$RUN/cold:$RUN/cold" "${JRE_IMAGE[s390x]}" \
            java "$@" >"$RUN/cold/$name.log" 2>&1 || log "  $name failed (see $RUN/cold/$name.log)"
    }
    cold_in_container() { # NAME [JVM flags]: the agent's JVM flags unless they are given
        local name=$1; shift
        [ $# -gt 0 ] || set -- "${AGENT_FLAGS[@]}"
        in_container "$name" "$@" -cp "$CDS_CP" bench.Bench "$RUN/cold/$name.events.tsv" "$RUN/cold/$name.err.tsv" bench.ColdPlain
    }
    settle
    cold_in_container cds-dump "${AGENT_FLAGS[@]}" -XX:ArchiveClassesAtExit="$RUN/cold/app.jsa"
    if [ "$JAVA_RELEASE" = 25 ]; then
        cold_in_container aot-record "${JIT_FLAGS[@]}" -XX:AOTMode=record -XX:AOTConfiguration="$RUN/cold/app.aotconf"
        if [ -f "$RUN/cold/app.aotconf" ]; then
            in_container aot-create "${JIT_FLAGS[@]}" -XX:AOTMode=create -XX:AOTConfiguration="$RUN/cold/app.aotconf" \
                -XX:AOTCache="$RUN/cold/app.aot" -cp "$CDS_CP"
        fi
        [ -f "$RUN/cold/app.aot" ] || log "  no AOT cache made (see $RUN/cold/aot-record.log, $RUN/cold/aot-create.log)"
    fi
    for i in $(seq 1 "$REPEATS"); do
        cold_in_container "nocds-$i"
        if [ -f "$RUN/cold/app.jsa" ]; then
            cold_in_container "cds-$i" "${AGENT_FLAGS[@]}" -XX:SharedArchiveFile="$RUN/cold/app.jsa"
        fi
        if [ -f "$RUN/cold/app.aot" ]; then
            cold_in_container "aot-$i" "${JIT_FLAGS[@]}" -XX:AOTCache="$RUN/cold/app.aot"
        fi
    done
fi

# ---- figure 2: warm overhead per test ----------------------------------------------------
if [[ " $FIGURES " == *" 2 "* ]]; then
    log "figure 2: 200 empty tests, harness (host JVM) and plain JUnit inside a warm s390x JVM"
    settle
    rc=0; t0=$(now_ms)
    java -Dmultiarch.cds.dir="$CDS_DIR" -cp "$HCP" bench.Bench "$RUN/warm/host.events.tsv" "$RUN/warm/host.err.tsv" \
        bench.ColdS390x bench.Empty200S390x bench.Empty200S390x bench.Empty200Plain bench.Empty200Plain \
        >"$RUN/warm/host.log" 2>&1 &
    jpid=$!; OUR_JVMS="$OUR_JVMS$jpid "
    wait $jpid || rc=$?
    record warm.host.jvm "$(secs "$t0" "$(now_ms)")" $rc "$t0"
    wait_no_runtime $jpid
    # The baseline: the same JUnit, in the same image with the agent's JVM flags, no harness.
    settle
    rc=0; t0=$(now_ms)
    docker_run --platform linux/s390x -v "$M2:$M2:ro" -v "$H:$H:ro" -v "$RUN/warm:$RUN/warm" "${JRE_IMAGE[s390x]}" \
        java "${RUNTIME_JIT_FLAGS[@]}" -XX:+UseG1GC -Xshare:auto "${JVM_ARGS_SPLIT[@]}" -cp "$HCP" bench.Bench \
        "$RUN/warm/remote.events.tsv" "$RUN/warm/remote.err.tsv" bench.ColdPlain bench.Empty200Plain bench.Empty200Plain \
        >"$RUN/warm/remote.log" 2>&1 || rc=$?
    record warm.remote.jvm "$(secs "$t0" "$(now_ms)")" $rc "$t0"
    [ $rc = 0 ] || { log "remote baseline failed:"; tail -n 20 "$RUN/warm/remote.log" >&2; }
fi

# ---- figures 3 and 5: the whole suite ----------------------------------------------------
if [[ " $FIGURES " == *" 3 "* ]]; then
  for round in $(seq 1 "$SUITE_REPEATS"); do   # interleaved; the report takes the medians
    log "figure 3, round $round of $SUITE_REPEATS"
    mvn_suite suite.native "$S/plain"              # reference: no emulation at all
    mem_start suite.s390x
    mvn_suite suite.s390x "$S/s390x"               # the harness
    mem_stop
    mvn_suite suite.mixed "$S/mixed"               # 3b: a mixed project, with the early start
    mvn_suite suite.mixed.late "$S/mixed" -Dmultiarch.docker.early=false   # 3b: without it
    rm -rf "$S/plain/target"
    log "figure: suite.container (mvn -o test inside a linux/s390x container of $MVN_IMAGE)"
    settle
    mem_start suite.container
    t0=$(now_ms); rc=0
    docker_run --platform linux/s390x --network none --label io.github.multiarch.bench=mvn-s390x \
        -e MAVEN_OPTS="$MVN_LOG_OPTS" -e TZ=UTC -v "$S/plain:$S/plain" -v "$WORK/m2-container:/m2" -w "$S/plain" \
        "$MVN_IMAGE" mvn -o -B -ntp -Dmaven.repo.local=/m2 test >"$RUN/suite/suite.container.log" 2>&1 || rc=$?
    s=$(secs "$t0" "$(now_ms)")
    mem_stop
    record suite.container "$s" $rc "$t0"
    log "  suite.container: $s s (exit $rc)"
    [ $rc = 0 ] || tail -n 40 "$RUN/suite/suite.container.log" | sed 's/^/    /' >&2
    rm -rf "$S/plain/target"
  done
fi

# ---- figures 4 and 5: the matrix ---------------------------------------------------------
if [[ " $FIGURES " == *" 4 "* ]]; then
    if [[ " $FIGURES " != *" 3 "* ]]; then mem_start suite.s390x; mvn_suite suite.s390x "$S/s390x"; mem_stop; fi
    for a in $ARCHES; do
        [ $a = s390x ] && continue
        mem_start "suite.$a"; mvn_suite "suite.$a" "$S/$a"; mem_stop
    done
    mem_start matrix; mvn_suite matrix "$S/matrix"; mem_stop
    mem_start matrix.exec; mvn_suite matrix.exec "$S/matrix-exec"; mem_stop
    if [ "$MATRIX_SEQUENTIAL" = 1 ]; then
        mem_start matrix.sequential; mvn_suite matrix.sequential "$S/matrix-seq"; mem_stop
    fi
    if [ "$MULTI" = 1 ]; then
        mem_start matrix.multi; mvn_suite matrix.multi "$S/matrix-multi"; mem_stop
    fi
fi

# ---- figure 6: emulation efficiency -------------------------------------------------------
if [[ " $FIGURES " == *" 6 "* ]]; then
    # Which QEMU runs it: the interpreter of the s390x binfmt_misc entry, and its --version: the
    # file itself when the host has it, else the file at that path in the bundle image named by it
    # (/usr/libexec/multiarch-qemu-bundle/<version>-<arch>/; with flag F the kernel runs the copy it
    # opened at registration, the same unless that image was rebuilt since). Read before and after
    # the measurement: test suites of others on this machine may remove and register it meanwhile.
    s390x_entry() { # "INTERPRETER (flags FLAGS)" of the entry, or "no binfmt_misc entry"
        local f=/proc/sys/fs/binfmt_misc/qemu-s390x
        [ -f "$f" ] && echo "$(sed -n 's/^interpreter //p' "$f") (flags $(sed -n 's/^flags: //p' "$f"))" \
            || echo "no binfmt_misc entry"
    }
    qemu_version() { # qemu_version INTERPRETER: the first line of its --version, or nothing
        local v="" dir
        if [ -x "$1" ]; then
            v=$("$1" --version 2>/dev/null | sed -n 1p) || true
        elif [[ "$1" == /usr/libexec/multiarch-qemu-bundle/*/* ]]; then
            dir=${1#/usr/libexec/multiarch-qemu-bundle/}; dir=${dir%%/*}   # <version>-<arch>
            v=$(docker_run --entrypoint "$1" "multiarch-qemu-bundle:${dir%-*}" --version 2>/dev/null | sed -n 1p) || true
            [ -z "$v" ] || v="$v (multiarch-qemu-bundle:${dir%-*}'s file)"
        fi
        echo "$v"
    }
    ensure_emulators s390x || true
    entry_before=$(s390x_entry)
    qemu_v=$(qemu_version "${entry_before%% (flags*}")
    meta qemu_s390x "$entry_before: ${qemu_v:-its --version could not be read}"
    meta qemu_versions_file "$BENCH/results/qemu-versions.txt"
    # The CPU-bound test (bench.Sha64: SHA-256 of 64 MiB, 3 rounds per class), on s390x and in a
    # plain class of the same host JVM, the classes interleaved; each round is timed by the host
    # JUnit's test duration (the report reads the events), each prints its digest.
    log "figure 6: SHA-256 of 64 MiB, natively and on s390x (${qemu_v:-QEMU version not read}), $REPEATS x 3 rounds each (interleaved)"
    classes=()
    for i in $(seq 1 "$REPEATS"); do classes+=(bench.ShaPlain bench.ShaS390x); done
    settle
    rc=0; t0=$(now_ms)
    java -Dmultiarch.cds.dir="$CDS_DIR" -cp "$HCP" bench.Bench "$RUN/cpu/host.events.tsv" "$RUN/cpu/host.err.tsv" \
        "${classes[@]}" >"$RUN/cpu/host.log" 2>&1 &
    jpid=$!; OUR_JVMS="$OUR_JVMS$jpid "
    wait $jpid || rc=$?
    record cpu.host.jvm "$(secs "$t0" "$(now_ms)")" $rc "$t0"
    wait_no_runtime $jpid
    entry_after=$(s390x_entry)
    [ "$entry_after" = "$entry_before" ] || meta qemu_s390x_after \
        "$entry_after: $(qemu_version "${entry_after%% (flags*}" | sed 's/^$/its --version could not be read/')"
    log "  natively and on s390x: $(secs "$t0" "$(now_ms)") s (exit $rc)"
    [ $rc = 0 ] || { grep -v '^bench: sha256 ' "$RUN/cpu/host.log" | tail -n 20 | sed 's/^/    /' >&2; }
    # For the breakdown: the native rounds again with the emulated JVM's JIT (the runtime's flags,
    # RUNTIME_JIT_FLAGS; no SHA-256 intrinsic, which the s390x JVM under QEMU lacks)
    classes=()
    for i in $(seq 1 "$REPEATS"); do classes+=(bench.ShaPlain); done
    settle
    rc=0; t0=$(now_ms)
    java "${RUNTIME_JIT_FLAGS[@]}" -XX:+UnlockDiagnosticVMOptions -XX:-UseSHA256Intrinsics -cp "$HCP" bench.Bench "$RUN/cpu/jit.events.tsv" "$RUN/cpu/jit.err.tsv" \
        "${classes[@]}" >"$RUN/cpu/jit.log" 2>&1 || rc=$?
    record cpu.jit.jvm "$(secs "$t0" "$(now_ms)")" $rc "$t0"
    log "  natively with the runtime's JIT and no SHA-256 intrinsic: $(secs "$t0" "$(now_ms)") s (exit $rc)"
fi

# ---- figure 7: a real third-party suite (opt-in) -------------------------------------------
# bench/real-suite.sh as it is (its own legs, checks and report; REAL_SUITE_* pass through); its
# results file goes into this run's directory, not over bench/results/real-suite.txt (a run
# kept on purpose, with its own notes); the report reads the figures from it.
if [[ " $FIGURES " == *" 7 "* ]]; then
    meta real_suite_results "$RUN/real-suite.txt"
    log "figure 7: bench/real-suite.sh (about 10 min; REAL_SUITE_CONTAINER=${REAL_SUITE_CONTAINER:-0}:" \
        "$([ "${REAL_SUITE_CONTAINER:-0}" = 1 ] && echo 'with' || echo 'without') the whole build in an s390x container)"
    settle
    rc=0; t0=$(now_ms)
    REAL_SUITE_RESULTS=$RUN/real-suite.txt bash "$BENCH/real-suite.sh" >"$RUN/real-suite.log" 2>&1 || rc=$?
    record real.suite "$(secs "$t0" "$(now_ms)")" $rc "$t0"
    log "  real-suite.sh: $(secs "$t0" "$(now_ms)") s (exit $rc; log $RUN/real-suite.log)"
    [ $rc = 0 ] || tail -n 20 "$RUN/real-suite.log" | sed 's/^/    /' >&2
fi

meta duration_s "$(secs "$START_MS" "$(now_ms)")"
log "report"
java -cp "$REPORT_CLASSES" report.Report "$RUN" "$REPORT"
log "done in $(secs "$START_MS" "$(now_ms)") s; report: ${REPORT#"$ROOT"/}, raw data: $RUN"
exit 0
}
