#!/usr/bin/env bash
# Run the sample tests on foreign architectures (s390x, arm64) from a fresh Debian machine.
# Installs and starts what it needs (tools/setup.sh), then: build the extension, run the samples.
# Safe to run again: every set-up step is cached.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/setup.sh
mvn -B -ntp -q install -pl extension -am -DskipTests
mvn -B -ntp test -pl sample-tests
