#!/usr/bin/env bash
# Issue 12, item 6: a real third-party suite, unchanged, natively and on another architecture by
# the one setting (multiarch.runsOn), compared per test. Not part of the default test run.
#
#   bench/real-suite.sh     # about 4 min natively + the s390x leg; see bench/README.md
#
# The suite: Apache Commons Text 1.13.1, its own pom and its own tests (96 test classes, 1,393
# cases), from Debian's copy of the upstream tag archive (rel/commons-text-1.13.1), checked
# against the SHA-512 pinned below and cached in ~/.cache/multiarch-bench/.
#   1. build: `mvn test-compile` in each of two copies (fills ~/.m2; later runs can go offline);
#   2. native: `mvn test` with the project's set-up;
#   3. s390x: the same in a copy whose pom has one edit (the extension as a test dependency,
#      see add_extension), with -Dmultiarch.runsOn=s390x -Dmultiarch.image.s390x=multiarch-jre:17-s390x;
#   4. compare Surefire's XML reports per (class, method): counts, wall times, differences.
# Differences not in ALLOWED (below, each with its reason) fail the command.
#
# Exit: 0 same outcomes (differences only as ALLOWED explains); 1 unexplained differences;
# 2 the run could not be made (download, checksum, build error); 3 the s390x leg ran no test on
# s390x (no runtime container started: the installed extension lacks the setting).
#
# Environment: REAL_SUITE_ARCH (s390x) and REAL_SUITE_IMAGE (multiarch-jre:17-<arch>) for the
# remote leg; REAL_SUITE_JUNIT (the extension's JUnit, read from its installed parent pom; or
# "project" for the project's own, 5.11.4 through commons-parent 81) for both legs;
# REAL_SUITE_OFFLINE=1 runs Maven with -o; REAL_SUITE_INSTALL=1 installs the extension from the
# committed HEAD (git archive) even when ~/.m2 has it; REAL_SUITE_RESULTS
# (bench/results/real-suite.txt); REAL_SUITE_CACHE (~/.cache/multiarch-bench); REAL_SUITE_KEEP=1
# keeps the work directory (copies, logs, reports) instead of removing it at the end;
# REAL_SUITE_REMOTE_OPTS: more Maven options for the remote leg only (split at blanks, or one per
# line when it holds a line break, so an option may hold blanks), e.g.
# -Dmultiarch.jvm.args=-XX:TieredStopAtLevel=4; REAL_SUITE_CONTAINER=1: also the whole build in
# an s390x container (below); REAL_SUITE_WARM=0 skips the untimed one-class run before the timed
# remote leg (which makes the class-data archive, as a project's earlier run would).
set -euo pipefail
{ # one compound command: bash reads the whole script before running it (safe to edit meanwhile)
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=real-suite
# shellcheck source=../tools/lib.sh
. "$ROOT/tools/lib.sh"
export TZ=UTC LC_ALL=C.UTF-8

# ---- the suite, pinned -------------------------------------------------------------------
# Debian's orig tarball is GitHub's archive of the upstream tag, recompressed (debian/watch:
# github.com/apache/commons-text/tags). Its src/main/java and src/test/java are identical to
# the released commons-text-1.13.1-sources.jar and -test-sources.jar on Maven Central (checked
# with diff -r when pinned). archive.apache.org and GitHub are not reachable from every
# machine this runs on; Debian's mirror and snapshot.debian.org's content address are.
SUITE_VERSION=1.13.1
SUITE_FILE=commons-text_$SUITE_VERSION.orig.tar.xz
SUITE_DIR=commons-text-rel-commons-text-$SUITE_VERSION
SUITE_SHA512=59f4aab8c79e38a967cc93d00ed4bd6b4bcb03bee0df4769cacba21d3f3c019cda36151412ba506f4433b8fea97ea87d3c2f1b24147dac7d4a9537759de7d5ab
SUITE_URLS=("${DEBIAN_MIRROR:-http://deb.debian.org/debian}/pool/main/c/commons-text/$SUITE_FILE"
            "http://snapshot.debian.org/file/878c06ccea59d5c34e8d0d8b32805755cbae4484")

# ---- differences explained ---------------------------------------------------------------
# One line per test whose outcome may differ between the native and the remote run:
# KEY<TAB>REASON, KEY = class#method as Surefire writes them (a trailing * matches a prefix).
# Only differences of the architecture (or of the remote machine) belong here, never a defect
# of the extension: those must fail the command.
ALLOWED=$(cat <<'EOF'
EOF
)

# ---- settings ----------------------------------------------------------------------------
ARCH=${REAL_SUITE_ARCH:-s390x}
IMAGE=${REAL_SUITE_IMAGE:-multiarch-jre:17-$ARCH}
CACHE=${REAL_SUITE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/multiarch-bench}
RESULTS=${REAL_SUITE_RESULTS:-$BENCH/results/real-suite.txt}
CONTAINER=${REAL_SUITE_CONTAINER:-0}   # 1: also the whole build in an s390x container (part d)
MVN_IMAGE=multiarch-bench-mvn:17-s390x
M2=$HOME/.m2/repository
VERSION=$(project_version)
EXT_JAR=$M2/io/github/multiarch/multiarch-junit/$VERSION/multiarch-junit-$VERSION.jar
PARENT_POM=$M2/io/github/multiarch/multiarch-parent/$VERSION/multiarch-parent-$VERSION.pom
MVN_LOG_OPTS="-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS"
# Plugins of the project's build that `mvn test` would run and that say nothing about the
# tests' outcomes (their reasons are in the report): apache-rat (license headers of the tree),
# jacoco (coverage agent in the test JVM's argLine; the remote JVM would not get it, so it
# would only make the two legs differ).
SKIPS=(-Drat.skip=true -Djacoco.skip=true)
MVN=(mvn -B -ntp)
[ "${REAL_SUITE_OFFLINE:-0}" = 1 ] && MVN+=(-o)

for c in curl xz tar sha512sum unzip mvn java docker git; do
    command -v "$c" >/dev/null || die "$c not found (tools/setup.sh installs what tools/packages.tsv lists)"
done
docker info >/dev/null 2>&1 || "$ROOT/tools/engine.sh" || die "no Docker engine (tools/engine.sh)"
docker image inspect "$IMAGE" >/dev/null 2>&1 || die "image $IMAGE not on the engine (tools/setup.sh builds the JRE images)"
mkdir -p "$CACHE"

# under the cache directory, not /tmp: a clean-up of /tmp by others during a run (seen here)
# must not take the copies and reports away
WORK=$(mktemp -d "$CACHE/work.XXXXXX")
SAMPLER=
cleanup() {
    local rc=$?
    [ -z "$SAMPLER" ] || { kill "$SAMPLER" 2>/dev/null; wait "$SAMPLER" 2>/dev/null; } || true
    [ -z "${WATCHER:-}" ] || { kill "$WATCHER" 2>/dev/null; wait "$WATCHER" 2>/dev/null; } || true
    if [ "${REAL_SUITE_KEEP:-0}" = 1 ]; then log "kept: $WORK"; else rm -rf "$WORK"; fi
    exit $rc
}
trap cleanup EXIT
trap 'log "failed (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
trap 'exit 130' INT TERM
now_ms() { date +%s%3N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }
meta() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/meta.tsv"; }
fail() { echo "$LOG_TAG: ERROR: $*" >&2; exit 2; }

# ---- 1. the source archive, checked ------------------------------------------------------
tarball=$CACHE/$SUITE_FILE
sha_ok() { [ -f "$1" ] && [ "$(sha512sum <"$1" | cut -d' ' -f1)" = "$SUITE_SHA512" ]; }
if ! sha_ok "$tarball"; then
    rm -f "$tarball"
    for url in "${SUITE_URLS[@]}"; do
        log "fetching $url"
        if curl -fsSL --retry 3 --max-time 300 -o "$tarball.part" "$url" && sha_ok "$tarball.part"; then
            mv "$tarball.part" "$tarball"
            break
        fi
        log "  no good copy from there$([ -f "$tarball.part" ] && echo ' (SHA-512 differs)')"
        rm -f "$tarball.part"
    done
    sha_ok "$tarball" || fail "no copy of $SUITE_FILE with SHA-512 $SUITE_SHA512"
fi
log "$SUITE_FILE: SHA-512 as pinned"

# ---- the extension in ~/.m2 --------------------------------------------------------------
# The run uses the jar installed in ~/.m2 (others may have installed a build of their work
# tree there). HEAD's extension is built beside it (git archive HEAD, `mvn package`, not
# installed) so that the report can say whether the installed classes are HEAD's.
head=$(git -C "$ROOT" rev-parse --short HEAD)
log "extension: building HEAD ($head) to compare with the installed jar"
mkdir "$WORK/ext"
git -C "$ROOT" archive HEAD | tar -x -C "$WORK/ext"
(cd "$WORK/ext" && "${MVN[@]}" -q -DskipTests -pl extension -am package) >"$WORK/ext.log" 2>&1 \
    || { tail -n 30 "$WORK/ext.log" >&2; fail "building the extension of HEAD failed"; }
ext_from="the installed one"
if [ "${REAL_SUITE_INSTALL:-0}" = 1 ] || [ ! -f "$EXT_JAR" ] || [ ! -f "$PARENT_POM" ]; then
    log "extension: installing HEAD's ($head) into ~/.m2"
    (cd "$WORK/ext" && "${MVN[@]}" -q -DskipTests -pl extension -am install) >>"$WORK/ext.log" 2>&1 \
        || { tail -n 30 "$WORK/ext.log" >&2; fail "installing the extension failed"; }
    ext_from="installed now from HEAD"
fi
jar_digest() { # the content of every class and resource of a jar (not its manifest or timestamps)
    # (unpacked once: the shaded jar holds thousands of entries, too many to read one by one)
    local d
    d=$(mktemp -d "$WORK/jar.XXXXXX")
    unzip -q -o "$1" -d "$d" -x 'META-INF/MANIFEST.MF' 'META-INF/maven/*'
    (cd "$d" && find . -type f | LC_ALL=C sort | xargs -r -d '\n' sha256sum | cut -c1-16,65-)
    rm -rf "$d"
}
if [ "$(jar_digest "$EXT_JAR")" = "$(jar_digest "$WORK/ext/extension/target/multiarch-junit-$VERSION.jar")" ]; then
    ext_head="its classes are HEAD's ($head)"
else
    ext_head="its classes DIFFER from HEAD's ($head): a build of another commit or of a work tree"
fi
rm -rf "$WORK/ext"
# Whether this extension has the setting (its name is a constant in its classes).
has_setting=no
[ "$(unzip -p "$EXT_JAR" '*.class' | grep -ac 'multiarch\.runsOn')" -gt 0 ] && has_setting=yes   # (not grep -q: SIGPIPE under pipefail)
ext_junit=$(sed -n 's:.*<junit.version>\([^<]*\)</junit.version>.*:\1:p' "$PARENT_POM" | head -n 1)
case ${REAL_SUITE_JUNIT:-$ext_junit} in
    project) JUNIT_OPTS=(); junit_note="the project's own (commons-parent 81: 5.11.4)" ;;
    *) JUNIT_OPTS=("-Dcommons.junit.version=${REAL_SUITE_JUNIT:-$ext_junit}")
       junit_note="${REAL_SUITE_JUNIT:-$ext_junit} in both legs (-Dcommons.junit.version; the project pins 5.11.4 through commons-parent 81, the extension is built on $ext_junit)" ;;
esac

# ---- 2. two copies: the project as released, and the one-edit copy for the remote leg -----
for leg in native "$ARCH"; do
    mkdir -p "$WORK/$leg"
    xz -dc "$tarball" | tar -x -C "$WORK/$leg"
done
# The one edit: the extension as a test-scope dependency, appended to the project's own
# <dependencies> (the first one in the pom; the profiles' come later). Nothing else changes.
add_extension() {
    local pom=$1
    awk -v v="$VERSION" '
        !done && /<\/dependencies>/ {
            print "    <!-- bench/real-suite.sh: the multiarch extension on the test class path (issue 12 item 6) -->"
            print "    <dependency>"
            print "      <groupId>io.github.multiarch</groupId>"
            print "      <artifactId>multiarch-junit</artifactId>"
            print "      <version>" v "</version>"
            print "      <scope>test</scope>"
            print "    </dependency>"
            done = 1
        }
        { print }' "$pom" >"$pom.new"
    mv "$pom.new" "$pom"
    [ "$(grep -c '<artifactId>multiarch-junit</artifactId>' "$pom")" = 1 ] || fail "the pom edit did not apply"
}
add_extension "$WORK/$ARCH/$SUITE_DIR/pom.xml"
(cd "$WORK" && diff -u native/$SUITE_DIR/pom.xml "$ARCH/$SUITE_DIR/pom.xml" >pom.diff) || true

# ---- 3. build (untimed; fills ~/.m2, compiles each copy) ----------------------------------
for leg in native "$ARCH"; do
    log "build ($leg copy): mvn test-compile"
    t0=$(now_ms)
    (cd "$WORK/$leg/$SUITE_DIR" && "${MVN[@]}" "${SKIPS[@]}" "${JUNIT_OPTS[@]}" test-compile) >"$WORK/build-$leg.log" 2>&1 \
        || { tail -n 40 "$WORK/build-$leg.log" >&2; fail "mvn test-compile ($leg copy) failed"; }
    meta "$leg.build" "$(secs "$t0" "$(now_ms)")"
done

# ---- what else runs on the machine meanwhile ----------------------------------------------
# Every 2 s: the JVMs that are this script's (their pids name the containers the extension
# starts for them, label io.github.multiarch.pid), and beside them the JVMs of others on the
# host (not in a container) and the containers of others (a JVM in a container is its
# container's: ours when its label names one of our JVMs).
is_ours() {
    local p=$1 s
    while [ "$p" -gt 1 ]; do
        [ "$p" = $$ ] && return 0
        s=$(cat "/proc/$p/stat" 2>/dev/null) || return 1
        s=${s##*) }
        p=${s#* }; p=${p%% *}
    done
    return 1
}
in_container() { grep -qE 'docker|containerd|libpod' "/proc/$1/cgroup" 2>/dev/null; }
# The memory of this script's runtime containers (issue 12: peak memory of a runtime on a real
# suite): the high-water mark of the emulated JVM's resident set (VmHWM of the container's first
# process: QEMU and the JVM it runs) and the container's cgroup peak (cgroup v2 memory.peak, v1
# memory.max_usage_in_bytes; this one counts the page cache of the jars it read too).
declare -A CPID=()
cgroup_peak() { # cgroup_peak PID: bytes
    local line path
    while IFS= read -r line; do
        case $line in
            0::/*) path=/sys/fs/cgroup${line#0::}; [ -r "$path/memory.peak" ] && { cat "$path/memory.peak"; return; } ;;
            *:memory:/*) path=/sys/fs/cgroup/memory${line#*:memory:}
                [ -r "$path/memory.max_usage_in_bytes" ] && { cat "$path/memory.max_usage_in_bytes"; return; } ;;
        esac
    done <"/proc/$1/cgroup"
    echo 0
}
sample_memory() { # sample_memory LEG " OUR PIDS "
    local id purpose pid cpid hwm
    while read -r id purpose pid; do
        case $purpose in runtime-*) ;; *) continue ;; esac
        case $2 in *" $pid "*) ;; *) continue ;; esac
        cpid=${CPID[$id]:-$(docker inspect -f '{{.State.Pid}}' "$id" 2>/dev/null || echo 0)}
        CPID[$id]=$cpid
        [ "$cpid" != 0 ] && [ -r "/proc/$cpid/status" ] || continue
        hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$cpid/status" 2>/dev/null)
        printf '%s\t%s\t%s\t%s\n' "$1" "$id" "${hwm:-0}" "$(cgroup_peak "$cpid" 2>/dev/null || echo 0)" >>"$WORK/memory.tsv"
    done < <(docker ps --format '{{.ID}} {{.Label "io.github.multiarch"}} {{.Label "io.github.multiarch.pid"}}' 2>/dev/null)
}
start_sampler() { # start_sampler LEG
    touch "$WORK/our-pids"
    (
        while :; do
            jvms=0 containers=0
            for d in /proc/[0-9]*; do
                read -r c 2>/dev/null <"$d/comm" || continue
                [ "$c" = java ] || continue
                p=${d#/proc/}
                if is_ours "$p"; then echo "$p" >>"$WORK/our-pids"
                elif ! in_container "$p"; then jvms=$((jvms + 1)); fi
            done
            ours=" $(sort -u "$WORK/our-pids" | tr '\n' ' ') "
            while read -r pid; do
                case $ours in *" $pid "*) ;; *) containers=$((containers + 1)) ;; esac
            done < <(docker ps --format '{{.Label "io.github.multiarch.pid"}}' 2>/dev/null | sed 's/^$/-/')
            printf '%s\t%s\t%s\n' "$1" "$jvms" "$containers" >>"$WORK/others.tsv"
            sample_memory "$1" "$ours"
            sleep 2
        done
    ) &
    SAMPLER=$!
}
stop_sampler() { kill "$SAMPLER" 2>/dev/null || true; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=; }

# ---- 4. the two legs ----------------------------------------------------------------------
run_leg() { # run_leg LEG [mvn options]: `mvn test`, timed; the reports kept in $WORK/reports/LEG
    local leg=$1 t0 t1 rc=0
    shift
    log "$leg: mvn test"
    start_sampler "$leg"
    t0=$(now_ms)
    (cd "$WORK/$leg/$SUITE_DIR" && MAVEN_OPTS="$MVN_LOG_OPTS" "${MVN[@]}" "${SKIPS[@]}" "${JUNIT_OPTS[@]}" \
        -Dmaven.test.failure.ignore=true "$@" test) >"$WORK/$leg.log" 2>&1 || rc=$?
    t1=$(now_ms)
    stop_sampler
    meta "$leg.wall" "$(secs "$t0" "$t1")"
    meta "$leg.start" "$t0"
    meta "$leg.end" "$t1"
    log "$leg: $(secs "$t0" "$t1") s (mvn exit $rc)"
    [ $rc = 0 ] || { tail -n 40 "$WORK/$leg.log" >&2; fail "mvn test ($leg) failed (not a test failure: those are ignored)"; }
    cp "$WORK/$leg.log" "$WORK/reports-$leg.log"
    mkdir -p "$WORK/reports/$leg"
    cp "$WORK/$leg/$SUITE_DIR"/target/surefire-reports/TEST-*.xml "$WORK/reports/$leg/" \
        || fail "no Surefire reports ($leg)"
}
run_leg native
ext_before=$(jar_digest "$EXT_JAR" | sha256sum)
# The remote leg's options (REAL_SUITE_REMOTE_OPTS, above).
REMOTE_OPTS=()
if [[ ${REAL_SUITE_REMOTE_OPTS:-} == *$'\n'* ]]; then
    while IFS= read -r remote_opt; do [ -z "$remote_opt" ] || REMOTE_OPTS+=("$remote_opt"); done <<<"$REAL_SUITE_REMOTE_OPTS"
else
    read -ra REMOTE_OPTS <<<"${REAL_SUITE_REMOTE_OPTS:-}"
fi
# The class-data archive is made by a project's first run and used from its second on (it is
# keyed by the class path, which is this work copy's): an untimed run of one small class first,
# as a user's earlier `mvn test` would, then its training is waited for (up to 15 min).
if [ "${REAL_SUITE_WARM:-1}" = 1 ]; then
    log "$ARCH: an untimed run of one class first (makes the class-data archive of this class path)"
    (cd "$WORK/$ARCH/$SUITE_DIR" && "${MVN[@]}" "${SKIPS[@]}" "${JUNIT_OPTS[@]}" -Dmaven.test.failure.ignore=true \
        -Dtest=CaseUtilsTest "-Dmultiarch.runsOn=$ARCH" "-Dmultiarch.image.$ARCH=$IMAGE" "${REMOTE_OPTS[@]}" test) \
        >"$WORK/warm-$ARCH.log" 2>&1 || { tail -n 40 "$WORK/warm-$ARCH.log" >&2; fail "the untimed run ($ARCH) failed"; }
    for i in $(seq 1 900); do
        [ -z "$(docker ps -aq --filter "label=io.github.multiarch=cds-training-$ARCH")" ] && break
        [ "$i" = 1 ] && log "$ARCH: waiting for the class-data archive's training, up to 15 min"
        sleep 1
    done
    meta "$ARCH.warm" "$(grep -ao 'JVM ready in .*' "$WORK/warm-$ARCH.log" | head -n 1 | grep -o '[^;]*archive[^;)]*' | head -n 1)"
fi
run_leg "$ARCH" "-Dmultiarch.runsOn=$ARCH" "-Dmultiarch.image.$ARCH=$IMAGE" "${REMOTE_OPTS[@]}"
# Someone's `mvn install` during the leg replaces the jar under the runtimes (a fresh runtime
# then reads another build than the host JVM): the results would mix two builds.
ext_swapped=no
[ "$(jar_digest "$EXT_JAR" | sha256sum)" = "$ext_before" ] || ext_swapped=yes

# ---- the remote leg's containers: which ran, and none left behind --------------------------
# Every container the extension starts carries the pid of the JVM that started it; ours are
# those of this script's JVMs. Class-data archive trainings may outlive the test JVM (they
# finish the archive and remove themselves): waited for, up to 15 min, then removed.
ours=$(sort -u "$WORK/our-pids" | tr '\n' ' ')
since=$(( $(awk -F '\t' '$1 == "'"$ARCH"'.start" {print $2}' "$WORK/meta.tsv") / 1000 - 1 ))
docker events --since "$since" --until "$(date +%s)" --filter label=io.github.multiarch --filter event=start \
    --format '{{.ID}} {{index .Actor.Attributes "io.github.multiarch"}} {{index .Actor.Attributes "io.github.multiarch.pid"}}' \
    >"$WORK/events" 2>/dev/null || true
: >"$WORK/started"
while read -r id purpose pid; do
    case " $ours " in *" $pid "*) echo "$id $purpose" >>"$WORK/started" ;; esac
done <"$WORK/events"
left() { local p; for p in $ours; do docker ps -aq --filter "label=io.github.multiarch.pid=$p"; done; }
for i in $(seq 1 900); do
    [ -z "$(left)" ] && break
    [ "$i" = 1 ] && log "waiting for the containers of this run to finish (class-data trainings), up to 15 min"
    sleep 1
done
leftover=$(left | tr '\n' ' ')
if [ -n "${leftover// /}" ]; then
    log "removing containers of this run still there after 15 min: $leftover"
    # shellcheck disable=SC2086
    docker rm -f $leftover >/dev/null 2>&1 || true
fi
meta "$ARCH.runtimes" "$(awk '$2 ~ /^runtime-/' "$WORK/started" | wc -l)"
touch "$WORK/memory.tsv"
meta "$ARCH.memory" "$(awk -F '\t' -v l="$ARCH" '$1 == l { if ($3 > h[$2]) h[$2] = $3; if ($4 > p[$2]) p[$2] = $4 }
    END { for (c in h) { n++; if (h[c] > mh) mh = h[c]; if (p[c] > mp) mp = p[c] }
          if (n == 0) print "not sampled"
          else printf "%d MiB resident at most (QEMU and the JVM, VmHWM), %d MiB cgroup peak (with the page cache), over %d runtime(s)", mh / 1024, mp / 1048576, n }' "$WORK/memory.tsv")"
meta "$ARCH.containers" "$(awk '{print $2}' "$WORK/started" | sort | uniq -c | awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')"
meta "$ARCH.leftover" "${leftover:-none}"
for leg in native "$ARCH"; do
    meta "$leg.others" "$(awk -F '\t' -v l="$leg" '$1 == l { n++; if ($2 > 0) j++; if ($2 > mj) mj = $2; if ($3 > 0) c++; if ($3 > mc) mc = $3 }
        END { printf "JVMs on the host in %d of %d samples (at most %d at once), containers in %d (at most %d)", j, n, mj, c, mc }' "$WORK/others.tsv")"
done

# ---- optional: the whole build inside an s390x container ----------------------------------
# REAL_SUITE_CONTAINER=1: `mvn test` from a clean copy, Maven and the JDK themselves under
# emulation (bench/run.sh's image multiarch-bench-mvn:17-s390x: Debian bookworm's
# openjdk-17-jdk-headless and maven; built here with bench/run.sh's recipe and input hash when
# missing, so either script reuses the other's), offline, with a copy of ~/.m2 (the native
# legs filled it); on Docker's default network like the extension's runtimes (with --network
# none the container's own host name does not resolve, and 16 DNS and local-host tests fail).
ensure_s390x() { # until an s390x program runs (up to 5 min: test suites of others may be re-registering it)
    local i
    for i in $(seq 1 60); do
        arch-test s390x >/dev/null 2>&1 && return 0
        [ -f /proc/sys/fs/binfmt_misc/qemu-s390x ] || bundle "multiarch-qemu-bundle:$VERSION" install s390x >&2 || true
        sleep 5
    done
    return 1
}
binfmt_state() { local f; for f in /proc/sys/fs/binfmt_misc/qemu-*; do [ -f "$f" ] && echo "$f $(head -n 1 "$f")"; done; true; }
WATCHER=
binfmt_watch() { # a watcher: did anyone change the emulator registrations meanwhile?
    rm -f "$WORK/binfmt-changed"
    ( last=$(binfmt_state); while sleep 1; do [ "$(binfmt_state)" = "$last" ] || { touch "$WORK/binfmt-changed"; exit 0; }; done ) &
    WATCHER=$!
}
binfmt_unwatch() { kill "$WATCHER" 2>/dev/null || true; wait "$WATCHER" 2>/dev/null || true; WATCHER=; }
binfmt_changed() { [ -e "$WORK/binfmt-changed" ]; }
container_build() {
    local jhome=/usr/lib/jvm/java-17-openjdk-s390x hash dir t0 rc=0
    local opts=(--mode=root --variant=essential --include=openjdk-17-jdk-headless,maven
          --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
          --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*'
          --essential-hook='mkdir -p "$1/usr/share/man/man1"')
    local df="FROM scratch
ADD rootfs.tar /
ENV JAVA_HOME=$jhome PATH=$jhome/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
CMD [\"mvn\",\"-v\"]"
    local mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian} label=io.github.multiarch.bench.input-hash
    hash=$(printf '%s\n' bookworm "$mirror" s390x "${opts[*]}" "$df" | sha256sum | cut -c1-32)
    ensure_s390x || { meta container.note "not run: the s390x emulator could not be registered"; return 0; }
    if [ "$(docker image inspect --format "{{index .Config.Labels \"$label\"}}" "$MVN_IMAGE" 2>/dev/null)" != "$hash" ]; then
        command -v mmdebstrap >/dev/null || { meta container.note "not run: mmdebstrap missing (tools/setup.sh)"; return 0; }
        log "container: building $MVN_IMAGE (mmdebstrap bookworm s390x + openjdk-17-jdk-headless, maven; about 15 min)"
        dir=$WORK/image
        mkdir -p "$dir"
        t0=$(now_ms)
        # maintainer scripts run under emulation: test suites of others that remove and register
        # emulators meanwhile break it (Exec format error), so up to 3 tries, each with the
        # emulator registered, and the reason said when they changed
        local try ok=
        for try in 1 2 3; do
            ensure_s390x || break
            binfmt_watch
            if mmdebstrap --arch=s390x "${opts[@]}" --aptopt='Acquire::Retries "3"' bookworm "$dir/rootfs.tar" "$mirror" \
                    </dev/null >"$WORK/image.log" 2>&1; then
                binfmt_unwatch; ok=1; break
            fi
            binfmt_unwatch
            log "container: mmdebstrap failed (try $try of 3)$(binfmt_changed && echo ': the emulator registrations changed during it (others on this machine)')"
            rm -f "$dir/rootfs.tar"
            sleep 30
        done
        if [ -z "$ok" ]; then
            meta container.note "not run: mmdebstrap failed 3 times$(binfmt_changed && echo ', the emulator registrations changing during it (test suites of others on this machine)'): $(grep -m 2 -E 'Exec format error|error exit status|^E: ' "$WORK/image.log" | tr '\n' ' ' | cut -c1-300)"
            return 0
        fi
        printf '%s\n' "$df" >"$dir/Dockerfile"
        DOCKER_BUILDKIT=0 docker build -q --platform linux/s390x --label "$label=$hash" -t "$MVN_IMAGE" "$dir" >/dev/null 2>>"$WORK/image.log" \
            || { meta container.note "not run: docker build of $MVN_IMAGE failed"; return 0; }
        rm -rf "$dir"
        meta container.image "$MVN_IMAGE built in $(secs "$t0" "$(now_ms)") s"
    fi
    mkdir -p "$WORK/container"
    xz -dc "$tarball" | tar -x -C "$WORK/container"
    cp -a "$M2" "$WORK/m2-container"
    log "container: mvn -o test inside a linux/s390x container of $MVN_IMAGE"
    ensure_s390x || true
    binfmt_watch
    t0=$(now_ms)
    docker run --rm --platform linux/s390x --label "io.github.multiarch.bench.run=$$" \
        --user "$(id -u):$(id -g)" -e HOME=/tmp -e MAVEN_OPTS="$MVN_LOG_OPTS" -e TZ=UTC -v "$WORK/container:$WORK/container" -w "$WORK/container/$SUITE_DIR" \
        -v "$WORK/m2-container:/m2" "$MVN_IMAGE" \
        mvn -o -B -ntp -Dmaven.repo.local=/m2 "${SKIPS[@]}" "${JUNIT_OPTS[@]}" -Dmaven.test.failure.ignore=true test \
        >"$WORK/container.log" 2>&1 || rc=$?
    meta container.wall "$(secs "$t0" "$(now_ms)")"
    binfmt_unwatch
    ! binfmt_changed || meta container.binfmt "the emulator registrations changed during the container build (others on this machine)"
    rm -rf "$WORK/m2-container"
    log "container: $(secs "$t0" "$(now_ms)") s (mvn exit $rc)"
    if [ $rc != 0 ]; then
        meta container.note "mvn exit $rc$(binfmt_changed && echo ', the emulator registrations changing during it'): $(grep -m 3 -E '^\S* ?\[ERROR\]' "$WORK/container.log" | tr '\n' ' ' | cut -c1-300)"
        return 0
    fi
    mkdir -p "$WORK/reports/container"
    cp "$WORK/container/$SUITE_DIR"/target/surefire-reports/TEST-*.xml "$WORK/reports/container/"
}
[ "$CONTAINER" != 1 ] || container_build

# ---- 5. compare ---------------------------------------------------------------------------
printf '%s\n' "$ALLOWED" | grep -v '^$' >"$WORK/allowed.tsv" || true
cat >"$WORK/Compare.java" <<'EOF'
import java.io.IOException;
import java.nio.file.*;
import java.util.*;
import java.util.regex.*;
import java.util.stream.*;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.*;

/** Compare LEFT_DIR RIGHT_DIR LEFT_NAME RIGHT_NAME ALLOWED META LEFT_LOG RIGHT_LOG: Surefire XML per test. */
public class Compare {
    record Case(String key, String outcome, String detail, double time) {}
    static final List<String> OUTCOMES = List.of("passed", "failed", "errors", "skipped");

    public static void main(String[] a) throws Exception {
        Map<String, Case> l = read(Path.of(a[0])), r = read(Path.of(a[1]));
        String ln = a[2], rn = a[3];
        Map<String, String> allowed = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(a[4]))) {
            String[] f = line.split("\t", 2);
            if (f.length == 2) allowed.put(f[0], f[1]);
        }
        Map<String, String> meta = new HashMap<>();
        for (String line : Files.readAllLines(Path.of(a[5]))) {
            String[] f = line.split("\t", 2);
            meta.put(f[0], f.length > 1 ? f[1] : "");
        }
        String row = "%-34s %12s %12s%n";
        System.out.printf(row, "", ln, rn);
        System.out.printf(row, "tests", l.size(), r.size());
        for (String o : OUTCOMES) System.out.printf(row, o, count(l, o), count(r, o));
        System.out.printf(row, "mvn test, wall (s)", meta.get(ln + ".wall"), meta.get(rn + ".wall"));
        System.out.printf(row, "  of it Surefire (fork+tests) (s)", surefire(Path.of(a[6])), surefire(Path.of(a[7])));
        System.out.printf(row, "  sum of the tests' times (s)", String.format("%.1f", sum(l)), String.format("%.1f", sum(r)));
        System.out.printf(row, "test classes", classes(l), classes(r));
        String w1 = meta.get(ln + ".wall"), w2 = meta.get(rn + ".wall");
        if (w1 != null && w2 != null) System.out.printf("%s / %s wall: %.2fx%n", rn, ln, Double.parseDouble(w2) / Double.parseDouble(w1));

        Map<String, Double> lc = byClass(l), rc = byClass(r);
        System.out.printf("%nslowest classes on %s (sum of their tests' times, s):%n", rn);
        rc.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(8).forEach(e -> {
            double n = lc.getOrDefault(e.getKey(), 0.0);
            System.out.printf("  %-52s %s %7.1f  %s %7.1f  %5.1fx%n", e.getKey().replaceFirst("^org\\.apache\\.commons\\.text\\.", ""),
                    ln, n, rn, e.getValue(), n > 0 ? e.getValue() / n : 0);
        });

        List<String> unexplained = new ArrayList<>(), explained = new ArrayList<>();
        SortedSet<String> keys = new TreeSet<>(l.keySet());
        keys.addAll(r.keySet());
        for (String k : keys) {
            Case x = l.get(k), y = r.get(k);
            String xo = x == null ? "absent" : x.outcome, yo = y == null ? "absent" : y.outcome;
            if (xo.equals(yo)) continue;
            String line = k + ": " + ln + " " + xo + ", " + rn + " " + yo
                    + detail(y != null && !y.outcome.equals("passed") ? y : x);
            String why = reason(allowed, k);
            if (why != null) explained.add(line + "\n      allowed: " + why);
            else unexplained.add(line);
        }
        System.out.printf("%ndifferences: %d (%d explained by the allow-list, %d unexplained)%n",
                explained.size() + unexplained.size(), explained.size(), unexplained.size());
        // names present on one side only, that match once a trailing [n] is removed: report naming, not outcomes
        long renamed = r.keySet().stream().filter(k -> !l.containsKey(k) && l.containsKey(plain(k))).count();
        if (renamed > 0) System.out.printf("  (%d of the names only %s has match a %s name once a trailing [n] is removed: the report names the case differently)%n", renamed, rn, ln);
        for (String s : unexplained) System.out.println("  UNEXPLAINED " + s);
        for (String s : explained) System.out.println("  explained   " + s);
        List<String> same = keys.stream().filter(k -> l.containsKey(k) && r.containsKey(k)
                && l.get(k).outcome.equals(r.get(k).outcome) && !l.get(k).outcome.equals("passed")).toList();
        if (!same.isEmpty()) {
            System.out.printf("%nnot passed on both sides (the same outcome, so no difference): %d%n", same.size());
            for (String k : same) System.out.println("  " + k + ": " + l.get(k).outcome + detail(l.get(k)));
        }
        System.exit(unexplained.isEmpty() ? 0 : 1);
    }

    static String reason(Map<String, String> allowed, String key) {
        for (var e : allowed.entrySet()) {
            String p = e.getKey();
            if (p.endsWith("*") ? key.startsWith(p.substring(0, p.length() - 1)) : key.equals(p)) return e.getValue();
        }
        return null;
    }
    static String plain(String k) { return k.replaceAll("\\[\\d+\\]", ""); }
    static String detail(Case c) { return c == null || c.detail.isEmpty() ? "" : "\n      " + c.detail; }
    static long count(Map<String, Case> m, String o) { return m.values().stream().filter(c -> c.outcome.equals(o)).count(); }
    static Map<String, Double> byClass(Map<String, Case> m) {
        Map<String, Double> t = new HashMap<>();
        m.forEach((k, c) -> t.merge(k.substring(0, k.indexOf('#')), c.time, Double::sum));
        return t;
    }
    static double sum(Map<String, Case> m) { return m.values().stream().mapToDouble(Case::time).sum(); }
    static long classes(Map<String, Case> m) { return m.keySet().stream().map(k -> k.substring(0, k.indexOf('#'))).distinct().count(); }

    /** Seconds from Surefire's start to its "Results:" line (Maven's timestamps, HH:mm:ss.SSS). */
    static String surefire(Path log) throws IOException {
        Pattern ts = Pattern.compile("^(\\d\\d):(\\d\\d):(\\d\\d)\\.(\\d\\d\\d) ");
        Double start = null, end = null;
        for (String line : Files.readAllLines(log)) {
            Matcher m = ts.matcher(line);
            if (!m.find()) continue;
            double t = Integer.parseInt(m.group(1)) * 3600 + Integer.parseInt(m.group(2)) * 60
                    + Integer.parseInt(m.group(3)) + Integer.parseInt(m.group(4)) / 1000.0;
            if (start == null && line.contains("maven-surefire-plugin:") && line.contains(":test (")) start = t;
            if (start != null && end == null && line.endsWith("Results:")) end = t;
        }
        if (start == null || end == null) return "?";
        return String.format("%.1f", end >= start ? end - start : end + 86400 - start);
    }

    static Map<String, Case> read(Path dir) throws Exception {
        Map<String, Case> m = new LinkedHashMap<>();
        var f = DocumentBuilderFactory.newInstance();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
        }
        for (Path p : files) {
            NodeList cases = f.newDocumentBuilder().parse(p.toFile()).getElementsByTagName("testcase");
            for (int i = 0; i < cases.getLength(); i++) {
                Element testcase = (Element) cases.item(i);
                String key = testcase.getAttribute("classname") + "#" + testcase.getAttribute("name");
                String outcome = "passed", detail = "";
                for (String[] o : new String[][] {{"error", "errors"}, {"failure", "failed"}, {"skipped", "skipped"}}) {
                    NodeList n = testcase.getElementsByTagName(o[0]);
                    if (n.getLength() == 0) continue;
                    Element e = (Element) n.item(0);
                    outcome = o[1];
                    String msg = e.getAttribute("message");
                    if (msg.isEmpty()) msg = e.getTextContent().trim().lines().findFirst().orElse("");
                    msg = msg.lines().findFirst().orElse("");
                    detail = (e.getAttribute("type").isEmpty() ? "" : e.getAttribute("type") + ": ")
                            + (msg.length() > 300 ? msg.substring(0, 300) + "..." : msg);
                    break;
                }
                double t = 0;
                try { t = Double.parseDouble(testcase.getAttribute("time").replace(",", "")); } catch (NumberFormatException ignored) {}
                String k = key;
                for (int n = 2; m.containsKey(k); n++) k = key + " (" + n + ")";
                m.put(k, new Case(k, outcome, detail, t));
            }
        }
        return m;
    }
}
EOF

# ---- 6. the report ------------------------------------------------------------------------
cmp_rc=0
java "$WORK/Compare.java" "$WORK/reports/native" "$WORK/reports/$ARCH" native "$ARCH" "$WORK/allowed.tsv" \
    "$WORK/meta.tsv" "$WORK/native.log" "$WORK/$ARCH.log" >"$WORK/compare.txt" 2>"$WORK/compare.err" || cmp_rc=$?
[ $cmp_rc -le 1 ] || { cat "$WORK/compare.err" >&2; fail "the comparison failed"; }
get() { awk -F '\t' -v k="$1" '$1 == k { print $2 }' "$WORK/meta.tsv"; }
runtimes=$(get "$ARCH.runtimes")
{
    echo "# bench/real-suite.sh: Apache Commons Text $SUITE_VERSION, natively and on $ARCH (issue 12 item 6)"
    echo
    echo "date (UTC)        $(date -u '+%Y-%m-%d %H:%M')"
    echo "machine           $(uname -m), $(nproc) cores, kernel $(uname -r), Docker $(docker version --format '{{.Server.Version}}' 2>/dev/null)"
    echo "project commit    $head"
    echo "extension         ~/.m2's multiarch-junit-$VERSION.jar, $ext_from (written $(date -u -r "$EXT_JAR" '+%Y-%m-%d %H:%M')): $ext_head; multiarch.runsOn in it: $has_setting"
    echo "suite             $SUITE_FILE, SHA-512 ${SUITE_SHA512:0:16}... (pinned)"
    echo "JUnit             $junit_note"
    echo "build             mvn test-compile from clean, untimed in the figures below: native copy $(get native.build) s, $ARCH copy $(get "$ARCH.build") s"
    echo "Maven, Java       $(mvn -B -v 2>/dev/null | head -n 1 | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/ (.*//'), $(java -version 2>&1 | head -n 1)"
    [ -z "$(get "$ARCH.warm")" ] || echo "untimed run first  -Dtest=CaseUtilsTest on $ARCH, which said: $(get "$ARCH.warm")"
    echo "remote leg        -Dmultiarch.runsOn=$ARCH -Dmultiarch.image.$ARCH=$IMAGE${REMOTE_OPTS[*]:+ ${REMOTE_OPTS[*]}}; containers started: $(get "$ARCH.containers" | sed 's/^$/none/'); left after the run: $(get "$ARCH.leftover")"
    echo "runtime memory    $(get "$ARCH.memory") (sampled every 2 s)"
    echo "skipped plugins   apache-rat (license headers; nothing to do with the tests), jacoco (coverage agent in the host test JVM's argLine only)"
    printf '%-18s%s\n' "others, native" "$(get native.others)" "others, $ARCH" "$(get "$ARCH.others")"
    echo
    if [ $ext_swapped = yes ]; then
        echo "NOTE: the extension jar in ~/.m2 was replaced (someone's mvn install) during the $ARCH leg:"
        echo "runtimes started after that read another build than the host JVM; the results mix two builds."
        echo
    fi
    if [ "${runtimes:-0}" = 0 ]; then
        echo "NOTE: no $ARCH runtime container started: the '$ARCH' leg ran every test on the host"
        echo "(the installed extension $([ $has_setting = yes ] && echo 'has the setting but did not act on it' || echo 'has no multiarch.runsOn setting yet')); it is not a comparison of architectures."
        echo
    fi
    cat "$WORK/compare.txt"
    echo
    if grep -qE '^(\[multiarch\]|SLF4J:)' "$WORK/$ARCH.log"; then
        echo "What the $ARCH leg printed besides Maven and the tests (the extension, and what it brings):"
        grep -E '^(\[multiarch\]|SLF4J:)' "$WORK/$ARCH.log" | sort | uniq -c | sort -rn | head -n 12 | cut -c1-600
        echo
    fi
    if [ "$CONTAINER" = 1 ]; then
        echo "## The whole build inside an s390x container ($MVN_IMAGE, mvn -o test from a clean copy; informational)"
        [ -z "$(get container.image)" ] || echo "image: $(get container.image)"
        [ -z "$(get container.binfmt)" ] || echo "NOTE: $(get container.binfmt)"
        if [ -d "$WORK/reports/container" ]; then
            java "$WORK/Compare.java" "$WORK/reports/native" "$WORK/reports/container" native container "$WORK/allowed.tsv" \
                "$WORK/meta.tsv" "$WORK/native.log" "$WORK/container.log" 2>&1 || true
            echo "(its wall time includes compiling; the native legs' exclude it: build (test-compile) took $(get native.build) s natively)"
        else
            echo "not measured: $(get container.note)"
        fi
        echo
    fi
    echo "The pom edit of the $ARCH copy:"
    sed -n '3,$p' "$WORK/pom.diff"
} >"$WORK/report.txt"
mkdir -p "$(dirname "$RESULTS")"
cp "$WORK/report.txt" "$RESULTS"
cat "$WORK/report.txt"
log "written: $RESULTS"
[ $ext_swapped = no ] || exit 2
[ $cmp_rc = 0 ] || exit 1
[ "${runtimes:-0}" != 0 ] || exit 3
exit 0
}
