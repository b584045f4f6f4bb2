#!/usr/bin/env bash
# The extension against a current Docker engine: Debian 13's Docker 26 with the containerd image
# store (tools/engine-current.sh), where one image name holds several platforms, run beside the
# default engine. Loads the JRE images the tests name (docker save | load, again only when the
# default engine's image changed), runs the test classes about images and containers there,
# and stops the engine again. Part of tools/test.sh; run after tools/setup.sh and `mvn install`.
set -euo pipefail
LOG_TAG=current-engine
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

TESTS=${CURRENT_ENGINE_TESTS:-PullTest,RemoteExecutionTest,MisuseTest}
DEFAULT=(env -u DOCKER_HOST docker)   # the default engine, whatever DOCKER_HOST says
line=$(bash "$HERE/engine-current.sh" start)
export DOCKER_HOST=${line#DOCKER_HOST=}
trap 'bash "$HERE/engine-current.sh" stop >&2 || true' EXIT
log "$(docker version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}') at $DOCKER_HOST;" \
    "$(docker info --format '{{range .DriverStatus}}{{index . 0}}={{index . 1}} {{end}}')"

for img in multiarch-jre:17-s390x multiarch-jre:17-arm64; do
    id=$("${DEFAULT[@]}" image inspect --format '{{.Id}}' "$img") || die "$img missing on the default engine (run tools/setup.sh)"
    mark=/var/lib/multiarch-docker-current/loaded-${img//[:\/]/_}
    if [ "$(cat "$mark" 2>/dev/null)" = "$id" ] && docker image inspect "$img" >/dev/null 2>&1; then continue; fi
    log "loading $img"
    "${DEFAULT[@]}" save "$img" | docker load -q >&2 || die "cannot load $img into the current engine"
    echo "$id" >"$mark"
done

cd "$ROOT"
mvn -B -ntp -o test -pl extension -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
    -Dsurefire.reportsDirectory="$ROOT/extension/target/surefire-reports-current-engine"
log "passed against $(docker version --format 'Docker {{.Server.Version}}') with the containerd image store: $TESTS"
