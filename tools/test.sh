#!/usr/bin/env bash
# Run the whole test suite: the QEMU bundle's registrar checks, then every Maven test
# (unit tests, the end-to-end tests of the extension against the real engine, the samples),
# then the image and container tests again against a current engine (tools/test-current-engine.sh),
# then the samples against JUnit 5.14 (tools/test-junit-lines.sh).
# Installs and starts what it needs (tools/setup.sh). Safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)
bash tools/setup.sh
bash qemu-bundle/test.sh
# (MULTIARCH_ENGINE_CONTROL: the engine is this project's own, so EngineRestartTest may stop and restart it)
rm -rf sample-tests/target/surefire-reports-matrix* # (checked below: none left from an earlier run)
MULTIARCH_ENGINE_CONTROL="$PWD/tools/engine.sh" mvn -B -ntp install
# What the installed jar adds to a consumer's test class path: itself, JNA and JUnit's, nothing unrelocated.
bash tools/check-jar.sh
# The same extension against a current engine (Docker 26, containerd image store) beside it.
bash tools/test-current-engine.sh
# Surefire's XML reports must count what they list (with Surefire 3.5.x a class template was
# reported as tests="0" beside its testcases), and a class on one architecture is reported as a
# local run reports it: its testcases carry no run index ("checksum()[1]"). The on-s390x
# execution (multiarch.runsOn=s390x, an unannotated class) writes reports of its own; the
# on-s390x-and-arm64 execution's (several architectures) are checked next, by check-matrix-reports.sh.
[ -n "$(ls sample-tests/target/surefire-reports-s390x/TEST-*.xml 2>/dev/null)" ] || {
    echo "tools/test.sh: the on-s390x execution wrote no reports (sample-tests/target/surefire-reports-s390x)" >&2
    exit 1
}
for f in sample-tests/target/surefire-reports/TEST-*.xml sample-tests/target/surefire-reports-s390x/TEST-*.xml; do
    n=$(grep -o '<testsuite [^>]*' "$f" | sed -n 's/.* tests="\([0-9]*\)".*/\1/p')
    c=$(grep -c '<testcase ' "$f")
    if [ "$n" != "$c" ] || [ "$c" -eq 0 ]; then
        echo "tools/test.sh: $f counts tests=\"$n\" but lists $c testcases" >&2
        exit 1
    fi
    case "$f" in *PortableFormatTest*) continue ;; esac # the one class run on several architectures
    if [ "$(grep -o '<testcase name="[^"]*"' "$f" | grep -c '\[' || true)" -gt 0 ]; then
        echo "tools/test.sh: $f names a testcase with a run index, unlike a local run:" >&2
        grep -o '<testcase name="[^"]*"' "$f" >&2
        exit 1
    fi
done
echo "tools/test.sh: Surefire's XML reports count every test they list, and name them as local runs do" \
    "($(ls sample-tests/target/surefire-reports/TEST-*.xml sample-tests/target/surefire-reports-s390x/TEST-*.xml | wc -l) reports)" >&2
# The on-s390x-and-arm64 execution (multiarch.runsOn=s390x,arm64, the unannotated suite on both in one
# run): a report per architecture, each case naming its architecture, each test passed in that
# architecture's JVM; with this build's Surefire and again with 3.2.5 and 3.5.6, which name test
# cases their own ways (bench/results/report-names-study.md).
surefire=$(sed -n "s:.*<surefire.version>\(.*\)</surefire.version>.*:\1:p" pom.xml)
matrix=sample-tests/target/surefire-reports-matrix
bash tools/check-matrix-reports.sh "$matrix" "Surefire $surefire"
rm -rf "$matrix-$surefire" && mv "$matrix" "$matrix-$surefire"
for v in 3.2.5 3.5.6; do
    log=sample-tests/target/matrix-surefire-$v.log
    if ! mvn -B -ntp -pl sample-tests test-compile surefire:test@on-s390x-and-arm64 -Dsurefire.version="$v" >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "tools/test.sh: the on-s390x-and-arm64 execution failed with Surefire $v (log: $log)" >&2
        exit 1
    fi
    rm -rf "$matrix-$v" && mv "$matrix" "$matrix-$v"
    bash tools/check-matrix-reports.sh "$matrix-$v" "Surefire $v"
done
# The samples against the other JUnit line builds pin (5.14), and a too-old one refused at discovery.
bash tools/test-junit-lines.sh
echo "tools/test.sh: done in $(( $(date +%s) - start )) s" >&2
