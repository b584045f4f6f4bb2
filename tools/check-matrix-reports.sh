#!/usr/bin/env bash
# Checks the XML reports of sample-tests' on-s390x-and-arm64 execution (multiarch.runsOn=s390x,arm64:
# the unchanged suite run once per architecture, in one Surefire run): for each architecture, a
# report of its own for ExistingSuiteTest that counts what it lists (3 tests, none failed), every
# test case naming that architecture in its class name or its test name (never a bare index like
# [1], never the other architecture), and the JVM the test ran in saying it was that architecture.
# No other report: Jupiter's own engine must not have run the class a third time, on the host.
# Usage: tools/check-matrix-reports.sh REPORTS_DIR [LABEL]   (part of tools/test.sh)
set -euo pipefail
dir=$1
label=${2:-$dir}
class=io.github.multiarch.samples.unchanged.ExistingSuiteTest
fail() { echo "check-matrix-reports ($label): $*" >&2; exit 1; }

declare -A os_arch=([s390x]=s390x [arm64]=aarch64)
declare -A other=([s390x]=arm64 [arm64]=s390x)
for arch in s390x arm64; do
    f="$dir/TEST-$class[$arch].xml"
    [ -f "$f" ] || fail "no report $f (reports: $(ls "$dir" 2>/dev/null | tr '\n' ' '))"
    suite=$(grep -o '<testsuite [^>]*' "$f")
    attr() { sed -n "s/.* $1=\"\\([^\"]*\\)\".*/\\1/p" <<<"$suite"; }
    [ "$(attr name)" = "$class[$arch]" ] || fail "$f: testsuite name=\"$(attr name)\", expected $class[$arch]"
    cases=$(grep -o '<testcase name="[^"]*" classname="[^"]*"' "$f" || true)
    n=$(grep -c . <<<"$cases" || true)
    [ "$(attr tests)" = 3 ] && [ "$n" = 3 ] || fail "$f counts tests=\"$(attr tests)\" and lists $n testcases, expected 3 and 3"
    for a in errors failures skipped; do
        [ "$(attr $a)" = 0 ] || fail "$f: $a=\"$(attr $a)\""
    done
    while read -r line; do
        name=$(sed 's/<testcase name="\([^"]*\)".*/\1/' <<<"$line")
        classname=$(sed 's/.* classname="\([^"]*\)"/\1/' <<<"$line")
        case "$name|$classname" in
            *"[${other[$arch]}]"*) fail "$f: a test case names the other architecture: $line" ;;
        esac
        case "$name" in *"[$arch]") continue ;; esac
        case "$classname" in *"[$arch]") continue ;; esac
        fail "$f: the test case names the architecture in neither its class name nor its test name: $line"
    done <<<"$cases"
    grep -qE '<testcase name="[^"]*\[[0-9]+\]"' "$f" && fail "$f names a test case by an index: $(grep -oE '<testcase name="[^"]*\[[0-9]+\]"' "$f")"
    said=$(grep -A3 '<testcase name="runsWhereTheBuildSaysIt' "$f" | grep -o 'ran on os.arch [^,]*' || true)
    [ "$said" = "ran on os.arch ${os_arch[$arch]}" ] || fail "$f: runsWhereTheBuildSaysIt printed '$said', expected 'ran on os.arch ${os_arch[$arch]}'"
done
extra=$(ls "$dir" | grep '^TEST-.*\.xml$' | grep -vxF -e "TEST-$class[s390x].xml" -e "TEST-$class[arm64].xml" || true)
[ -z "$extra" ] || fail "reports of classes that should not have run here: $extra"
echo "check-matrix-reports ($label): $class[s390x] and [arm64]: 3 tests each, passed in s390x and aarch64 JVMs;" \
    "test cases: $(grep -ho '<testcase name="[^"]*" classname="[^"]*"' "$dir/TEST-$class[s390x].xml" | head -n 1)" >&2
