#!/usr/bin/env bash
# Run the whole test suite: the QEMU bundle's registrar checks, then every Maven test
# (unit tests, the end-to-end tests of the extension against the real engine, the samples).
# Installs and starts what it needs (tools/setup.sh). Safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
start=$(date +%s)
bash tools/setup.sh
bash qemu-bundle/test.sh
mvn -B -ntp install
echo "tools/test.sh: done in $(( $(date +%s) - start )) s" >&2
