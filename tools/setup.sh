#!/usr/bin/env bash
# Everything the multi-architecture tests need on this machine, in order:
#   0. the table of programs the scripts call is complete (tools/check-tools.sh)
#   1. the Debian packages of tools/packages.tsv and a Docker engine (tools/engine.sh)
#   2. the qemu bundle images (qemu-bundle/build.sh)
#   3. the JRE images (tools/jre-images.sh), which registers the emulators it needs
#   4. the loopback registry with the JRE images and their manifest list (tools/registry.sh)
# Idempotent; with everything cached a rerun takes seconds. Run as root.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
start=$(date +%s)
step() {
    local t0=$(date +%s) rc=0
    echo "setup: == $1" >&2
    bash "$2" </dev/null || rc=$?
    [ $rc = 0 ] || { echo "setup: FAILED: $1 ($2, exit $rc)" >&2; exit $rc; }
    echo "setup: $1 done in $(( $(date +%s) - t0 )) s" >&2
}
step "programs the scripts call are all in tools/packages.tsv" "$HERE/check-tools.sh"
step "packages and docker engine" "$HERE/engine.sh"
step "qemu bundle images" "$HERE/../qemu-bundle/build.sh"
step "JRE images" "$HERE/jre-images.sh"
step "loopback registry" "$HERE/registry.sh"

bash "$HERE/check-tools.sh" --installed || { echo "setup: FAILED: a declared package is missing" >&2; exit 1; }
echo "setup: all done in $(( $(date +%s) - start )) s" >&2
