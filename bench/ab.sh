#!/usr/bin/env bash
# A lever, measured: one of the benchmark's figures, alternately as it is and with more options,
# and the medians of each variant. Not part of the default test run.
#
#   bench/ab.sh warm  [ROUNDS] -- OPTION...   # figure 2's harness; OPTION: host JVM options
#   bench/ab.sh suite [ROUNDS] -- OPTION...   # figure 3's project;  OPTION: Maven options
#   e.g. bench/ab.sh warm 3 -- -Dmultiarch.runAhead=true
#
# warm: one host JVM runs the 1-test class (the runtime's start), then two rounds of the
# 200-empty-test class; per run, the host-side median and p95 (nearest rank) per test of each
# round, the first test of a round excluded, as figure 2 does.
# suite: `mvn -o test` of the generated 100-test s390x project (5 classes x 20 tests); per run,
# the wall time and Surefire's time per test class (the first class it runs carries the runtime's
# start). Maven passes -D options to the test JVM as system properties, so any multiarch.* setting.
#
# Needs what `BENCH_FIGURES="2 3" bench/run.sh` makes under bench/work (git-ignored): the harness,
# the generated project, the class-data archives; and the extension installed in ~/.m2. Each run
# waits until no runtime of the one before is left. Writes nothing else but the project's target/.
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
LOG_TAG=ab
# shellcheck source=../tools/lib.sh
. "$ROOT/tools/lib.sh"

usage="usage: bench/ab.sh warm|suite [ROUNDS] -- OPTION... (the options of the second variant)"
MODE=${1:-}
case $MODE in warm|suite) shift ;; *) die "$usage" ;; esac
ROUNDS=3
if [ "${1:-}" != "--" ] && [ -n "${1:-}" ]; then ROUNDS=$1; shift; fi
[ "${1:-}" = "--" ] || die "$usage"
shift
[ $# -gt 0 ] || die "name the options of the second variant after --"
case $ROUNDS in ''|*[!0-9]*) die "ROUNDS must be a number, not '$ROUNDS'" ;; esac
CDS=$ROOT/bench/work/cds
H=$ROOT/bench/work/harness
P=$ROOT/bench/work/suites/s390x
if [ "$MODE" = warm ]; then
    [ -f "$H/cp.txt" ] && [ -f "$H/target/test-classes/bench/Empty200S390x.class" ] && [ -d "$CDS" ] \
        || die "no figure 2 harness in $H: run BENCH_FIGURES=2 bench/run.sh first"
    command -v java >/dev/null || die "java not found"
    HCP=$H/target/test-classes:$(cat "$H/cp.txt")
else
    [ -f "$P/pom.xml" ] && [ -d "$CDS" ] || die "no figure 3 project in $P: run BENCH_FIGURES=3 bench/run.sh first"
    command -v mvn >/dev/null || die "mvn not found"
fi

T=$(mktemp -d)
trap 'rm -rf "$T"; [ "$MODE" = warm ] || rm -rf "$P/target"' EXIT
quiet() { # until no runtime of the run before is left
    while [ -n "$(docker ps -q --filter label=io.github.multiarch)" ]; do sleep 1; done
}

# warm: LABEL OPTION...: one host JVM; prints LABEL, then median and p95 (ms) of rounds 1 and 2
warm() {
    local label=$1 rc=0
    shift
    quiet
    java -Dmultiarch.cds.dir="$CDS" "$@" -cp "$HCP" bench.Bench "$T/events.tsv" "$T/err.tsv" \
        bench.ColdS390x bench.Empty200S390x bench.Empty200S390x >"$T/log" 2>&1 || rc=$?
    [ $rc = 0 ] || { tail -n 30 "$T/log" >&2; die "$label: the harness failed (exit $rc)"; }
    printf '%s' "$label"
    for req in 2 3; do  # (request 1 is the 1-test class; columns: req, number, T, name, start us, end us, status)
        awk -F'\t' -v r=$req '$1 == "req" && $2 == r && $3 == "T" { print $5, ($6 - $5) / 1000 }' "$T/events.tsv" |
            sort -n | tail -n +2 | awk '{ print $2 }' | sort -n |
            awk '{ v[NR] = $1 } END { printf "\t%.2f\t%.2f", v[int((NR + 1) / 2)], v[int(NR * 0.95 + 0.5)] }'
    done
    echo
}

# suite: LABEL OPTION...: one clean `mvn -o test`; prints LABEL, the wall time (s) and each class's time
suite() {
    local label=$1 t0 t1 rc=0
    shift
    rm -rf "$P/target"
    quiet
    t0=$(date +%s%N)
    (cd "$P" && mvn -o -B -ntp -q -Dmultiarch.cds.dir="$CDS" "$@" test) >"$T/log" 2>&1 || rc=$?
    t1=$(date +%s%N)
    [ $rc = 0 ] || { tail -n 30 "$T/log" >&2; die "$label: mvn test failed (exit $rc)"; }
    printf '%s\t%.2f' "$label" "$(( (t1 - t0) / 1000000 ))e-3"
    for x in "$P"/target/surefire-reports/TEST-*.xml; do
        printf '\t%s=%s' "$(basename "$x" .xml | sed 's/^TEST-//; s/.*\.//')" \
            "$(sed -n 's/.*<testsuite [^>]*time="\([0-9.]*\)".*/\1/p' "$x" | head -n 1)"
    done
    echo
}

if [ "$MODE" = warm ]; then
    COLUMNS_OF="round 1 median, round 1 p95, round 2 median, round 2 p95 (ms per test, host side)"; FIELDS="2 3 4 5"
else
    COLUMNS_OF="wall time of mvn -o test (s)"; FIELDS="2"
fi
echo "each run: the variant, then $COLUMNS_OF"
for _ in $(seq 1 "$ROUNDS"); do
    "$MODE" default | tee -a "$T/out.tsv"
    "$MODE" "$*" "$@" | tee -a "$T/out.tsv"
done
echo "medians of $ROUNDS runs each: $COLUMNS_OF"
for label in default "$*"; do
    printf '  %-40s' "$label"
    for field in $FIELDS; do
        awk -F'\t' -v l="$label" -v c="$field" '$1 == l { print $c }' "$T/out.tsv" | sort -n |
            awk '{ v[NR] = $1 } END { printf " %7.2f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
    done
    echo
done
