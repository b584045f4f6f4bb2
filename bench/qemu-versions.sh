#!/usr/bin/env bash
# Issue 13: QEMU 10.0 (Debian 13 trixie) against the bundle's QEMU 7.2 (Debian 12 bookworm) for
# the foreign JVMs of the JRE images. Not part of the default test run.
#
#   bench/qemu-versions.sh     # about 25 min on 2 cores; prints the table, writes it to
#                              # bench/results/qemu-versions.txt
#
# binfmt_misc is neither read nor changed: each emulator is run directly,
#   qemu-<arch> -L <rootfs> <rootfs>/<JAVA_HOME>/bin/java ...
# where <rootfs> is the exported file system of the image (multiarch-jre:17-<arch>; riscv64:
# multiarch-jre:17-riscv64 or bench/run.sh's multiarch-bench-jre:21-riscv64, when one exists).
#
# Per architecture and QEMU version:
#   1. JVM start: `java -version`;
#   2. CPU-bound: SHA-256 over 64 MiB (QemuBench sha);
#   3. JIT/GC-heavy (QemuBench work): 1M small objects built and sorted, string formatting,
#      regular expressions, a stream grouping;
#   each the median of QV_REPEATS (3) rounds of the wall time and of the CPU time (user + system
#   of all threads), as a ratio to the host's JVM running the same class (and the workload's own
#   time, measured inside the JVM, in the list of samples);
#   4. correctness: every emulated run exits 0 and prints the host's result (hash, checksum);
#      `java -version` prints a version. A crash, a time-out or a mismatch is a FAILURE line.
# Each round runs the host's JVM, then QEMU 7.2, then 10.0 (the host's reference is measured
# again for each architecture), so that a change of the machine's load hits both sides alike; the
# load average is printed before, per architecture and after (the machine may be shared).
#
# Emulators: Debian's packages for the host's architecture, downloaded once into the cache
# ($CACHE_DIR, /var/cache/multiarch): bookworm's qemu-user-static (the same file the bundle is
# built from, $CACHE_DIR/debs) and trixie's qemu-user (in trixie qemu-user holds the static
# binaries; qemu-user-static is a transitional package of symbolic links to them),
# $CACHE_DIR/debs-trixie; extracted under $CACHE_DIR/qemu-versions/.
# Root file systems: `docker create` + `docker export` of each image into
# $CACHE_DIR/qemu-versions/rootfs/<image id>/ (made once per image id; directories of image ids
# that no longer exist are removed); the created container is removed at once.
#
# Environment: QV_ARCHES ("s390x arm64 ppc64le riscv64"), QV_REPEATS (3), QV_WORKLOADS ("start
# sha work": the measurements made; the host's sha and work always run once), QV_WORK_ROUNDS (1:
# rounds of the work load, ~5 s each natively), QV_TIMEOUT (1800 s per emulated run),
# QV_JAVA_FLAGS (the runtime JVM's JIT flags, bench/runtime-flags.sh, -Xshare:auto and a fixed heap; the same on
# both sides), QV_OUT (bench/results/qemu-versions.txt; "-" for standard output only).
# Exit: 0 all runs correct; 1 a run failed (crash, time-out, wrong output); 2 it could not run.
set -euo pipefail
{ # one compound command: bash reads the whole script before running it (safe to edit meanwhile)
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=qemu-versions
# shellcheck source=../tools/lib.sh
. "$ROOT/tools/lib.sh"
die() { echo "$LOG_TAG: ERROR: $*" >&2; exit 2; }
export TZ=UTC LC_ALL=C.UTF-8

ARCHES=${QV_ARCHES:-s390x arm64 ppc64le riscv64}
REPEATS=${QV_REPEATS:-3}
WHATS=${QV_WORKLOADS:-start sha work}
WORK_ROUNDS=${QV_WORK_ROUNDS:-1}
TIMEOUT=${QV_TIMEOUT:-1800}
# shellcheck source=runtime-flags.sh
. "$BENCH/runtime-flags.sh"
read -r -a JAVA_FLAGS <<<"${QV_JAVA_FLAGS:-${RUNTIME_JIT_FLAGS[*]} -Xshare:auto -Xmx1g}"
OUT=${QV_OUT:-$BENCH/results/qemu-versions.txt}
QV_CACHE=$CACHE_DIR/qemu-versions
# The versions compared: label, Debian suite, package, its download directory.
VERSIONS=(7.2 10.0)
declare -A SUITE=([7.2]=bookworm [10.0]=trixie)
declare -A PACKAGE=([7.2]=qemu-user-static [10.0]=qemu-user)
declare -A DEBDIR=([7.2]=$CACHE_DIR/debs [10.0]=$CACHE_DIR/debs-trixie)
declare -A QEMU_DIR=() DEB_FILE=()

WORK=
CONTAINER=
cleanup() {
    [ -z "$CONTAINER" ] || docker rm -f "$CONTAINER" >/dev/null 2>&1 || true
    [ -z "$WORK" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case $(uname -m) in
    x86_64) HOST_ARCH=amd64 ;;
    aarch64) HOST_ARCH=arm64 ;;
    *) die "unsupported host architecture $(uname -m) (amd64 or arm64)" ;;
esac
command -v javac >/dev/null || die "javac not found: install a JDK 17+ (openjdk-17-jdk-headless)"
command -v java >/dev/null || die "java not found"
command -v docker >/dev/null && docker info >/dev/null 2>&1 || die "the Docker engine does not answer (tools/engine.sh)"
mkdir -p "$QV_CACHE"
WORK=$(mktemp -d /var/tmp/qemu-versions.XXXXXX)

# ---- emulators ------------------------------------------------------------------------------
fetch_qemu() { # fetch_qemu VERSION: download once, extract once; sets QEMU_DIR and DEB_FILE
    local v=$1 dir=${DEBDIR[$1]} pkg=${PACKAGE[$1]} deb try x
    mkdir -p "$dir"
    deb=$(ls "$dir/${pkg}"_*_"$HOST_ARCH".deb 2>/dev/null | tail -n 1 || true)
    if [ -z "$deb" ]; then
        log "downloading $pkg:$HOST_ARCH (Debian ${SUITE[$v]})"
        for try in 1 2; do
            debian_download_suite "${SUITE[$v]}" "$dir" "$HOST_ARCH" "$pkg" && break
            log "download of $pkg:$HOST_ARCH failed (try $try)"
        done
        deb=$(ls "$dir/${pkg}"_*_"$HOST_ARCH".deb 2>/dev/null | tail -n 1 || true)
        [ -n "$deb" ] || die "cannot download $pkg:$HOST_ARCH from Debian ${SUITE[$v]} ($DEBIAN_MIRROR)"
    fi
    x="$QV_CACHE/qemu-$(basename "$deb" .deb)"
    if [ ! -f "$x/.complete" ]; then
        rm -rf "$x"
        mkdir -p "$x"
        dpkg -x "$deb" "$x" || die "cannot extract $deb"
        touch "$x/.complete"
    fi
    QEMU_DIR[$v]=$x/usr/bin
    DEB_FILE[$v]=$deb
}

qemu_name() { case $1 in arm64) echo aarch64 ;; *) echo "$1" ;; esac; }

# The emulator binary of VERSION for ARCH: qemu-<arch> (trixie) or qemu-<arch>-static (bookworm).
qemu_bin() { # qemu_bin VERSION ARCH
    local d=${QEMU_DIR[$1]} q
    q=$(qemu_name "$2")
    if [ -f "$d/qemu-$q" ] && [ ! -L "$d/qemu-$q" ]; then echo "$d/qemu-$q"
    elif [ -f "$d/qemu-$q-static" ]; then readlink -f "$d/qemu-$q-static"
    else return 1; fi
}

# ---- root file systems ----------------------------------------------------------------------
image_for() { # image_for ARCH: the local JRE image of ARCH, '' when there is none
    local img candidates=("multiarch-jre:17-$1")
    [ "$1" = riscv64 ] && candidates+=(multiarch-bench-jre:21-riscv64)   # made by bench/run.sh
    for img in "${candidates[@]}"; do
        if docker image inspect "$img" >/dev/null 2>&1; then echo "$img"; return 0; fi
    done
}

# The exported file system of IMAGE (cached by image id), its directory in ROOTFS (not printed:
# in a command substitution the EXIT trap would not see the created container).
rootfs_of() { # rootfs_of IMAGE PLATFORM
    local img=$1 plat=$2 id dir
    id=$(docker image inspect --format '{{.Id}}' "$img") || die "cannot inspect $img"
    id=${id#sha256:}
    dir="$QV_CACHE/rootfs/${id:0:16}"
    if [ ! -f "$dir/.complete" ]; then
        rm -rf "$dir"
        mkdir -p "$dir"
        log "exporting $img (${id:0:12}) to $dir"
        CONTAINER=$(docker create --platform "linux/$plat" --network none \
            --label "io.github.multiarch.bench.qemu-versions=$$" "$img") \
            || die "docker create $img failed"
        docker export "$CONTAINER" | tar -x -C "$dir" || die "docker export of $img failed"
        docker rm -f "$CONTAINER" >/dev/null || true
        CONTAINER=
        touch "$dir/.complete"
    fi
    if [ ! -f "$dir/.relative-links" ]; then
        relative_links "$dir"
        touch "$dir/.relative-links"
    fi
    ROOTFS=$dir
}

# Absolute symbolic links of an exported file system made relative: `qemu -L` looks a path up in
# the root file system first, but the kernel follows an absolute link to the host's file (the
# ppc64le loader /lib64/ld64.so.2 -> /lib/powerpc64le-linux-gnu/ld64.so.2 is not found at all).
relative_links() { # relative_links DIR
    local dir=$1 l t
    while IFS= read -r -d '' l; do
        t=$(readlink "$l")
        ln -sfn "$(realpath -m -s --relative-to="$(dirname "$l")" "$dir$t")" "$l"
    done < <(find "$dir" -type l -lname '/*' -print0)
}

prune_rootfs() { # directories of image ids that no longer exist
    local d id
    for d in "$QV_CACHE"/rootfs/*/; do
        [ -d "$d" ] || continue
        id=$(basename "$d")
        if ! docker images -q --no-trunc | grep -q "^sha256:$id"; then
            log "removing the root file system of a removed image ($id)"
            rm -rf "$d"
        fi
    done
}

java_home_of() { # java_home_of IMAGE ROOTFS: the image's JAVA_HOME (or the one JDK under /usr/lib/jvm)
    local jh
    jh=$(docker image inspect --format '{{range .Config.Env}}{{println .}}{{end}}' "$1" | sed -n 's/^JAVA_HOME=//p' | head -n 1)
    if [ -z "$jh" ]; then
        jh=$(cd "$2" && ls -d usr/lib/jvm/java-*-openjdk-* 2>/dev/null | head -n 1)
        jh=${jh:+/$jh}
    fi
    [ -n "$jh" ] && [ -x "$2$jh/bin/java" ] || die "$1: no java under $2$jh"
    echo "$jh"
}

# ---- measuring ------------------------------------------------------------------------------
# run_timed LOG CMD...: runs CMD (time-out $TIMEOUT) with its output in LOG; sets RC, SECS (wall
# time) and CPU (user + system time of CMD and its threads: what the run cost, less dependent on
# what else the machine is doing than the wall time).
run_timed() {
    local logf=$1 t0 t1 TIMEFORMAT='%3U %3S'; shift
    t0=$(date +%s.%N)
    RC=0
    { time timeout -k 10 "$TIMEOUT" "$@" >"$logf" 2>&1 </dev/null; } 2>"$logf.cpu" || RC=$?
    t1=$(date +%s.%N)
    SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    CPU=$(awk '{ printf "%.2f", $1 + $2 }' "$logf.cpu")
}

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) print "-"; else printf "%.1f", a / b }'; }
ratio2() { awk -v a="$1" -v b="$2" 'BEGIN { if (a !~ /^[0-9.]+$/ || b !~ /^[0-9.]+$/ || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
field() { sed -n "s/^$1 //p" "$2" | tail -n 1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

FAILURES=()
fail() { # fail WHAT LOG: records a failure with the log's last lines
    FAILURES+=("  $1" "$(tail -n 8 "$2" | sed 's/^/    | /')")
}
# how a run ended, for the failure line
ended() {
    case $RC in
        0) echo "exit 0" ;;
        124|137) echo "time-out after ${TIMEOUT}s" ;;
        *) echo "exit $RC$([ "$RC" -gt 128 ] && echo " (signal $((RC - 128)))")" ;;
    esac
}

# SIDE: "native:<arch>" (the host's JVM, measured beside each architecture) or "<version>:<arch>".
java_cmd() { # java_cmd SIDE -> the command line in the array CMD
    if [[ $1 == native:* ]]; then
        CMD=(java)
    else
        local v=${1%%:*} a=${1#*:}
        CMD=("${QBIN[$v:$a]}" -L "${RFS[$a]}" "${RFS[$a]}${JHOME[$a]}/bin/java")
    fi
}

# Samples per SIDE:WHAT (WHAT: start, sha, work), blank-separated; a failed run adds FAIL.
declare -A WALLS=() CPUS=() OWNS=() RESULT=() SHARING=()
# One measured run: WHAT is start (java -version) or a QemuBench workload (sha, work).
sample() { # sample SIDE WHAT ROUND
    local side=$1 what=$2 logf="$WORK/$2-${1//:/-}-$3.log" want got
    java_cmd "$side"
    case $what in
        start) run_timed "$logf" "${CMD[@]}" "${JAVA_FLAGS[@]}" -version ;;
        sha) run_timed "$logf" "${CMD[@]}" "${JAVA_FLAGS[@]}" -cp "$WORK/classes" QemuBench sha ;;
        work) run_timed "$logf" "${CMD[@]}" "${JAVA_FLAGS[@]}" -cp "$WORK/classes" QemuBench work "$WORK_ROUNDS" ;;
    esac
    if [ "$RC" != 0 ]; then
        fail "$side $what (round $3): $(ended) after ${SECS}s" "$logf"
        WALLS[$side:$what]+=" FAIL"
        return 0
    fi
    if [ "$what" = start ]; then
        if ! grep -q 'version "' "$logf"; then
            fail "$side java -version (round $3): no version printed" "$logf"
            WALLS[$side:$what]+=" FAIL"
            return 0
        fi
        grep -q 'sharing' "$logf" && SHARING[$side]=yes || SHARING[$side]=no
    else
        got=$(field result "$logf")
        want=${RESULT[$what]:-}
        if [ -z "$got" ] || { [ -n "$want" ] && [ "$got" != "$want" ]; }; then
            fail "$side $what (round $3): result '$got', the host's is '${want:-?}'" "$logf"
            WALLS[$side:$what]+=" WRONG"
            return 0
        fi
        [[ $side == native:* ]] && RESULT[$what]=$got
        OWNS[$side:$what]+=" $(awk -v m="$(field millis "$logf")" 'BEGIN { printf "%.2f", m / 1000 }')"
    fi
    WALLS[$side:$what]+=" $SECS"
    CPUS[$side:$what]+=" $CPU"
}

# The median of a sample list, FAIL when a run failed, - when none ran.
med() { # med "SAMPLES"
    # shellcheck disable=SC2086
    if [[ $1 == *FAIL* || $1 == *WRONG* ]]; then echo FAIL; elif [ -z "${1// /}" ]; then echo -; else median $1; fi
}

# The JIT's SHA-256 intrinsic on one side (explains the CPU-bound figure).
sha_intrinsic() { # sha_intrinsic SIDE
    local logf="$WORK/flags-${1//:/-}.log"
    java_cmd "$1"
    run_timed "$logf" "${CMD[@]}" "${JAVA_FLAGS[@]}" -XX:+UnlockDiagnosticVMOptions -XX:+PrintFlagsFinal -version
    awk '$2 == "UseSHA256Intrinsics" { print $4 }' "$logf" | head -n 1
}

# ---- the run ----------------------------------------------------------------------------------
LOAD_BEFORE=$(load)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
for v in "${VERSIONS[@]}"; do fetch_qemu "$v"; done
prune_rootfs

javac -d "$WORK/classes" --release 17 "$BENCH/qemu/QemuBench.java" || die "javac failed"

declare -A QBIN=() RFS=() JHOME=() IMG=() QVERSION=()
MEASURED=() SKIPPED=()
for a in $ARCHES; do
    if [ "$a" = "$HOST_ARCH" ]; then SKIPPED+=("$a: the host's own architecture (no emulator)"); continue; fi
    img=$(image_for "$a")
    if [ -z "$img" ]; then SKIPPED+=("$a: no local image (multiarch-jre:17-$a)"); continue; fi
    for v in "${VERSIONS[@]}"; do
        QBIN[$v:$a]=$(qemu_bin "$v" "$a") || die "QEMU $v (${DEB_FILE[$v]##*/}) has no emulator for $a"
        QVERSION[$v:$a]=$("${QBIN[$v:$a]}" --version | head -n 1)
    done
    IMG[$a]=$img
    rootfs_of "$img" "$a"
    RFS[$a]=$ROOTFS
    JHOME[$a]=$(java_home_of "$img" "${RFS[$a]}")
    MEASURED+=("$a")
done
[ ${#MEASURED[@]} -gt 0 ] || die "no architecture to measure (${SKIPPED[*]})"

# The host's results first: what every emulated run must print.
sample native:host sha 0
sample native:host work 0
[ -n "${RESULT[sha]:-}" ] && [ -n "${RESULT[work]:-}" ] || die "the host's JVM did not print the results (logs: $WORK)"

declare -A LOAD_AT=() INTRINSIC=()
for a in "${MEASURED[@]}"; do
    LOAD_AT[$a]=$(load)
    for v in "${VERSIONS[@]}"; do INTRINSIC[$v:$a]=$(sha_intrinsic "$v:$a"); done
    for what in $WHATS; do
        log "$a: $what, $REPEATS rounds of host, $(printf 'QEMU %s, ' "${VERSIONS[@]}")"
        for i in $(seq "$REPEATS"); do
            for side in "native:$a" "${VERSIONS[@]/%/:$a}"; do sample "$side" "$what" "$i"; done
        done
    done
    LOAD_AT[$a]+=" -> $(load)"
done
LOAD_AFTER=$(load)

# ---- the report -------------------------------------------------------------------------------
report() {
    local a v side w n m row cells
    echo "QEMU versions for the emulated JVMs (bench/qemu-versions.sh), $STARTED"
    echo "host: $(uname -m), $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
    echo "host JVM: $(java -version 2>&1 | head -n 1) ($(readlink -f "$(command -v java)"))"
    for v in "${VERSIONS[@]}"; do
        echo "QEMU $v: ${DEB_FILE[$v]##*/} (Debian ${SUITE[$v]})"
    done
    for a in "${MEASURED[@]}"; do
        echo "  $a: ${IMG[$a]} (${JHOME[$a]}); $(for v in "${VERSIONS[@]}"; do printf '%s; ' "${QVERSION[$v:$a]}"; done)"
    done
    echo "JVM flags, every side: ${JAVA_FLAGS[*]} (the runtime's JIT, bench/runtime-flags.sh, unless QV_JAVA_FLAGS; fixed heap)"
    echo "workloads: sha = SHA-256 over 64 MiB; work = $WORK_ROUNDS x (1M objects built and sorted, String.format, regex, grouping)"
    echo "load average (1, 5, 15 min): before $LOAD_BEFORE; after $LOAD_AFTER ($(nproc) CPUs)"
    echo
    echo "Medians of $REPEATS rounds (host, 7.2, 10.0 in turn). start: java -version; sha, work: the whole run (JVM"
    echo "start included). s: wall time; cpu: user + system time of all the JVM's threads (less dependent on the"
    echo "machine's load than the wall time). (x): ratio to the host's JVM, measured in the same rounds."
    echo
    row='%-7s %-5s| %6s %5s %6s %5s | %6s %5s %6s %5s | %6s %5s %6s %5s | %-7s %s\n'
    # shellcheck disable=SC2059
    printf "$row" arch QEMU "start" "(x)" cpu "(x)" "sha s" "(x)" cpu "(x)" "work s" "(x)" cpu "(x)" correct "SHA-256 intrinsic"
    for a in "${MEASURED[@]}"; do
        n=native:$a
        cells=()
        for w in start sha work; do
            cells+=("$(med "${WALLS[$n:$w]:-}")" "" "$(med "${CPUS[$n:$w]:-}")" "")
        done
        # shellcheck disable=SC2059
        printf "$row" "$a" host "${cells[@]}" "" ""
        for v in "${VERSIONS[@]}"; do
            side=$v:$a
            m=ok
            cells=()
            for w in start sha work; do
                [ "$(med "${WALLS[$side:$w]:-}")" != FAIL ] || m=FAILED
                cells+=("$(med "${WALLS[$side:$w]:-}")" "$(ratio "$(med "${WALLS[$side:$w]:-}")" "$(med "${WALLS[$n:$w]:-}")")"
                        "$(med "${CPUS[$side:$w]:-}")" "$(ratio "$(med "${CPUS[$side:$w]:-}")" "$(med "${CPUS[$n:$w]:-}")")")
            done
            # shellcheck disable=SC2059
            printf "$row" "" "$v" "${cells[@]}" "$m" "${INTRINSIC[$side]:-?}"
        done
    done
    echo
    echo "QEMU 10.0 against 7.2: the median on 7.2 / the median on 10.0 (above 1: 10.0 is faster), wall (cpu)"
    for a in "${MEASURED[@]}"; do
        printf '  %-8s' "$a"
        for w in start sha work; do
            printf '  %s %s (%s)' "$w" "$(ratio2 "$(med "${WALLS[7.2:$a:$w]:-}")" "$(med "${WALLS[10.0:$a:$w]:-}")")" \
                "$(ratio2 "$(med "${CPUS[7.2:$a:$w]:-}")" "$(med "${CPUS[10.0:$a:$w]:-}")")"
        done
        echo
    done
    echo
    echo "Every sample: wall s / cpu s, and for sha, work the workload's own time (inside the JVM); the load"
    echo "average at the architecture's start -> end:"
    for a in "${MEASURED[@]}"; do
        echo "  $a (load ${LOAD_AT[$a]})"
        for side in "native:$a" "${VERSIONS[@]/%/:$a}"; do
            printf '    %-6s' "${side%%:*}"
            for w in start sha work; do
                printf ' %s:%s /%s' "$w" "${WALLS[$side:$w]:-}" "${CPUS[$side:$w]:-}"
                [ "$w" = start ] || printf ' (own%s)' "${OWNS[$side:$w]:-}"
                printf ';'
            done
            [[ $side == native:* ]] || printf ' class-data sharing: %s' "${SHARING[$side]:-?}"
            echo
        done
    done
    echo
    echo "results: sha ${RESULT[sha]}, work ${RESULT[work]} (the host's; every emulated run's is compared with them)"
    for a in "${SKIPPED[@]}"; do echo "not measured: $a"; done
    if [ ${#FAILURES[@]} = 0 ]; then
        echo "correctness: every emulated run exited 0 with the host's results"
    else
        echo "FAILURES:"
        printf '%s\n' "${FAILURES[@]}"
    fi
}
if [ "$OUT" = - ]; then
    report
else
    mkdir -p "$(dirname "$OUT")"
    report | tee "$OUT"
    log "written to $OUT"
fi
[ ${#FAILURES[@]} = 0 ] || exit 1
exit 0
}
