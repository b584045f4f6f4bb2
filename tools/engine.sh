#!/usr/bin/env bash
# Make a Docker engine available on this machine (run as root).
#  - installs Debian's docker.io when dockerd is missing
#  - mounts binfmt_misc when it is not mounted
#  - starts dockerd in the background (detached, logs to /var/log/multiarch-dockerd.log)
#    when `docker info` does not answer, and waits up to 60 s for it.
# Idempotent: does nothing when the engine already answers.
# `engine.sh stop` stops that engine (SIGTERM to the dockerd of /var/run/docker.pid; it stops its
# containers as it goes) and waits until it is gone: the engine-restart test (EngineRestartTest) uses it.
set -euo pipefail

LOG_TAG=engine
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

DOCKERD_LOG=${DOCKERD_LOG:-/var/log/multiarch-dockerd.log}
BINFMT_MISC=/proc/sys/fs/binfmt_misc

[ "$(id -u)" = 0 ] || die "must run as root"

if [ "${1:-}" = stop ]; then
    pid=$(cat /var/run/docker.pid 2>/dev/null || true)
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
        log "no engine to stop (no live dockerd in /var/run/docker.pid)"
        exit 0
    fi
    log "stopping dockerd (pid $pid)"
    kill -TERM "$pid"
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || { log "engine stopped"; exit 0; }
        sleep 1
    done
    die "dockerd (pid $pid) did not stop within 60 s"
fi

need_packages

if ! grep -qs " $BINFMT_MISC binfmt_misc " /proc/mounts; then
    log "mounting binfmt_misc on $BINFMT_MISC"
    mount -t binfmt_misc binfmt_misc "$BINFMT_MISC" || die "cannot mount binfmt_misc on $BINFMT_MISC: \
foreign architectures need it. Run on a machine (or VM) whose kernel has binfmt_misc \
(CONFIG_BINFMT_MISC; 'modprobe binfmt_misc'), as root, not in an unprivileged container."
fi

if docker info >/dev/null 2>&1; then
    log "engine already running ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
    exit 0
fi

if pgrep -x dockerd >/dev/null 2>&1; then
    log "dockerd process exists but does not answer yet; waiting"
else
    log "starting dockerd (log: $DOCKERD_LOG)"
    # setsid + nohup + no stdin: fully detached from the calling shell / CI step.
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
    disown || true
fi

for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then
        log "engine ready ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'))"
        exit 0
    fi
    sleep 1
done
echo "engine: last lines of $DOCKERD_LOG:" >&2
tail -n 20 "$DOCKERD_LOG" >&2 || true
die "dockerd did not answer 'docker info' within 60 s"
