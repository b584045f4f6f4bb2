#!/usr/bin/env bash
# The samples against each JUnit line a build may pin besides the one this project is built with
# (6.1): JUnit 5.13 and 5.14 must run them all, as 6.1 does; JUnit 5.12, older than the extension needs,
# must fail the run once, at discovery, naming the version found and the one required. The
# on-s390x-and-arm64 execution's reports (several architectures in one run) are checked with each
# supported line (tools/check-matrix-reports.sh).
# Part of tools/test.sh; run after `mvn install` (the samples take the installed extension).
# Each run writes its reports to a directory of its own under sample-tests/target/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SUPPORTED=${MULTIARCH_JUNIT_SUPPORTED:-5.13.4 5.14.4}
TOO_OLD=${MULTIARCH_JUNIT_TOO_OLD:-5.12.2}

for v in $SUPPORTED; do
    log=sample-tests/target/junit-$v.log
    rm -rf sample-tests/target/surefire-reports-matrix # (written afresh by the on-s390x-and-arm64 execution)
    if ! mvn -B -ntp -pl sample-tests test -Djunit.version="$v" \
            -Dsurefire.reportsDirectory="$PWD/sample-tests/target/surefire-reports-junit-$v" >"$log" 2>&1; then
        tail -n 60 "$log" >&2
        echo "test-junit-lines: the samples failed with JUnit $v (log: $log)" >&2
        exit 1
    fi
    # the JUnit on the test class path must really be that version
    deps=sample-tests/target/junit-$v.deps
    mvn -B -ntp -q -pl sample-tests dependency:list -Djunit.version="$v" -DincludeScope=test \
        -DoutputFile="$PWD/$deps" >/dev/null 2>&1 || true
    if ! grep -q ":junit-jupiter-api:jar:$v:" "$deps" 2>/dev/null; then
        echo "test-junit-lines: could not confirm that the samples ran with junit-jupiter-api $v ($deps)" >&2
        exit 1
    fi
    bash tools/check-matrix-reports.sh sample-tests/target/surefire-reports-matrix "JUnit $v"
    rm -rf "sample-tests/target/surefire-reports-matrix-junit-$v"
    mv sample-tests/target/surefire-reports-matrix "sample-tests/target/surefire-reports-matrix-junit-$v"
    echo "test-junit-lines: the samples pass with JUnit $v:" \
        "$(grep -E '^\[INFO\] Tests run: [0-9]+, Failures: 0, Errors: 0, Skipped: [0-9]+$' "$log" | sed 's/^\[INFO\] //' | tr '\n' ';')" >&2
done

log=sample-tests/target/junit-$TOO_OLD.log
if mvn -B -ntp -pl sample-tests test -Djunit.version="$TOO_OLD" \
        -Dsurefire.reportsDirectory="$PWD/sample-tests/target/surefire-reports-junit-$TOO_OLD" >"$log" 2>&1; then
    echo "test-junit-lines: the samples passed with JUnit $TOO_OLD, which the extension does not support (log: $log)" >&2
    exit 1
fi
if ! grep -q "multiarch-junit needs JUnit 5.13 or newer" "$log" || ! grep -q "JUnit Jupiter $TOO_OLD" "$log"; then
    tail -n 60 "$log" >&2
    echo "test-junit-lines: JUnit $TOO_OLD did not fail with the extension's message naming the version (log: $log)" >&2
    exit 1
fi
echo "test-junit-lines: JUnit $TOO_OLD fails at discovery with: $(grep -o 'multiarch-junit needs JUnit[^.]*\.[^.]*\.[^.]*' "$log" | head -n 1)" >&2
