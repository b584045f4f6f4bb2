#!/bin/bash
# bench/breakdown/run.sh [ROUNDS]: where the time of a remote test and of a remote class goes.
#
# Builds a copy of the committed extension (git HEAD) with probes.patch applied, which marks each
# step of a test's round trip and of a class's session on both sides (System.nanoTime: the host
# and the containers share one kernel clock), runs one @RunsOn("s390x") class of 1 test and then
# ROUNDS (default 2) runs of a 200-test class in one host JVM (bench.Bench, as figure 2 does), and
# prints the median of each step per round, and each class's timeline. Not a figure of its own:
# the probes cost a little themselves. Needs what bench/run.sh needs (tools/setup.sh, the
# extension installed in ~/.m2 for the harness to compile). Everything stays in bench/work/breakdown.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ROUNDS=${1:-2}
W=$ROOT/bench/work/breakdown
die() { echo "breakdown: $*" >&2; exit 1; }
rm -rf "$W"; mkdir -p "$W/src" "$W/probe"

# 1. the extension with the probes
git -C "$ROOT" archive HEAD | tar -x -C "$W/src"
(cd "$W/src" && git init -q . && git apply "$HERE/probes.patch") \
    || die "probes.patch does not apply to $(git -C "$ROOT" rev-parse --short HEAD): make it again (README.md here)"
(cd "$W/src" && mvn -B -ntp -q -o package -pl extension -DskipTests >&2) || die "cannot build the probed extension"
JAR=$(ls "$W"/src/extension/target/multiarch-junit-*.jar | grep -v original | head -1)

# 2. the harness of figures 1-2 (bench/harness and a class of 200 empty tests)
H=$W/harness
cp -r "$ROOT/bench/harness" "$H"
{
    echo "package bench;"
    echo "import org.junit.jupiter.api.Test;"
    echo "@io.github.multiarch.junit.RunsOn(\"s390x\")"
    echo "class Empty200S390x {"
    for i in $(seq -w 1 200); do echo "    @Test void t$i() { }"; done
    echo "}"
} >"$H/src/test/java/bench/Empty200S390x.java"
(cd "$H" && mvn -B -ntp -q -o test-compile dependency:build-classpath -Dmdep.outputFile=cp.txt \
    -Dmdep.includeScope=test >&2) || die "cannot build the harness (is the extension installed in ~/.m2?)"
CP=$H/target/test-classes:$(tr ':' '\n' <"$H/cp.txt" | sed "s|.*/multiarch-junit-[^/]*\.jar$|$JAR|" | paste -sd:)
grep -q "$JAR" <<<"$CP" || die "the harness's class path has no multiarch-junit jar to replace"

# 3. one run that makes the class-data archive of this class path (untimed), then the measured one
run() {
    java -Dmultiarch.rtprobe=true -Dmultiarch.probe.dir="$W/probe" -Dmultiarch.jvm.args=-Dmultiarch.rtprobe=true \
        -cp "$CP" bench.Bench "$W/events.tsv" "$W/err.tsv" bench.ColdS390x "$@"
}
run bench.ColdS390x >"$W/first.log" 2>&1 || die "the first run failed: $W/first.log"
for _ in $(seq 1 60); do  # (the archive is made in the background of that run; wait for its container)
    [ -z "$(docker ps -q --filter label=io.github.multiarch)" ] && break; sleep 2
done
rm -f "$W"/probe/*
args=(); for _ in $(seq 1 "$ROUNDS"); do args+=(bench.Empty200S390x); done
run "${args[@]}" >"$W/run.log" 2>&1 || die "the measured run failed: $W/run.log"
grep -h "^bench:\|JVM ready" "$W/run.log"
"$HERE/analyze.py" "$W/probe/host.tsv" "$W/probe/agent.tsv" 200
