#!/usr/bin/env bash
# A second, *current* Docker engine beside the default one: Debian trixie's docker.io (26.x)
# with the containerd image store (one image name holding several platforms), the default of
# new Docker installs; bookworm only has docker.io 20.10.
#   engine-current.sh start      build (once, cached) and start it; prints DOCKER_HOST=...
#   engine-current.sh stop       stop it: no process, mount or bridge left (its chains stay)
#   engine-current.sh uninstall  stop, then delete its data-root and cached tree
# How: mmdebstrap installs trixie's packages into a tree under $CACHE_DIR. Its programs run
# on the HOST file system (bind-mount sources must be host paths; a chroot would resolve
# them inside the tree): patchelf points each at the tree's own loader and libraries (a
# loader wrapper would break their re-exec through /proc/self/exe), and a private bin/ of
# symlinks puts them first on the daemons' PATH. Kept apart from the default engine: its own
# containerd, data-root, exec-root, bridge, cgroup parent, and the other iptables backend
# (nft vs legacy), as every dockerd flushes its backend's DOCKER chains; it leaves ip_forward
# and the FORWARD policy alone, and never names docker0 (dockerd 26 deletes docker0 when
# default-address-pools is set). Its containers reach out only where ip_forward is already 1.
set -euo pipefail
LOG_TAG=engine-current PATH=$PATH:/usr/sbin:/sbin
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

NAME=multiarch-docker-current
SOCK=/run/$NAME.sock RUN=/run/$NAME DATA=/var/lib/$NAME LOGF=/var/log/$NAME.log
BIN=/run/$NAME/bin CTRD_SOCK=/run/$NAME/containerd/containerd.sock
BRIDGE=mdc0 BRIDGE_IP=10.213.0.1/24
SUITE=trixie MIRROR=http://deb.debian.org/debian PKGS=docker.io,docker-cli,containerd,runc,tini,iptables
PROGS="dockerd docker docker-proxy docker-init containerd containerd-shim-runc-v2 runc ctr xtables-legacy-multi xtables-nft-multi"
CACHE=$CACHE_DIR/engine-current ARCH=$(dpkg --print-architecture)
HOST_IPT=$(command -v iptables || true)   # the default engine's (host's) iptables, if any
TREE=$CACHE/tree-$(input_hash -- "$SUITE" "$MIRROR" "$ARCH" "$PKGS" "$PROGS" recipe-1)

answers() { [ -x "$BIN/docker" ] && "$BIN/docker" -H "unix://$SOCK" version >/dev/null 2>&1; }
ctrd_answers() { "$BIN/ctr" --address "$CTRD_SOCK" version >/dev/null 2>&1; }

build_tree() {
    [ -f "$TREE/.real" ] && return 0
    local t=$TREE.tmp n real interp libdir
    log "building the $SUITE tree (once; cached in $TREE)"
    rm -rf --one-file-system "$t" && mkdir -p "$CACHE"
    mmdebstrap --mode=root --variant=essential --arch="$ARCH" --include="$PKGS" \
        --dpkgopt='path-exclude=/usr/share/'{doc,man,locale}'/*' "$SUITE" "$t" "$MIRROR" >&2 \
        || die "mmdebstrap $SUITE failed (is $MIRROR reachable? see the messages above)"
    libdir=$(dirname "$(echo "$t"/usr/lib/*-linux-*/libc.so.6)") libdir=${libdir#"$t"}
    for n in $PROGS; do
        real=$(PATH=/usr/sbin:/usr/bin chroot "$t" sh -c "readlink -f \"\$(command -v $n)\"") \
            || die "$n missing from the $SUITE packages $PKGS"
        # dynamic ones get the tree's loader and an RPATH (also used for their libraries)
        if interp=$(patchelf --print-interpreter "$t$real" 2>/dev/null); then
            patchelf --set-interpreter "$TREE$libdir/${interp##*/}" --force-rpath \
                --set-rpath "$TREE$libdir" "$t$real" || die "patchelf $n failed"
        fi
        echo "$n $real" >>"$t/.real"
    done
    echo "$libdir" >"$t/.libdir"
    mv "$t" "$TREE"
    find "$CACHE" -mindepth 1 -maxdepth 1 -name 'tree-*' ! -path "$TREE" -exec rm -rf --one-file-system {} +
}

# host_fw -I|-D: let our bridge's outgoing traffic and its replies through the FORWARD chain
# of the host's `iptables` (the default engine's backend, whose policy it may set to DROP).
host_fw() {
    local r
    [ -n "$HOST_IPT" ] || return 0
    for r in "-i $BRIDGE ! -o $BRIDGE" "-o $BRIDGE -m conntrack --ctstate RELATED,ESTABLISHED"; do
        # shellcheck disable=SC2086
        if "$HOST_IPT" -C FORWARD $r -j ACCEPT 2>/dev/null; then [ "$1" = -I ] || "$HOST_IPT" -D FORWARD $r -j ACCEPT
        elif [ "$1" = -I ]; then "$HOST_IPT" -I FORWARD $r -j ACCEPT || die "iptables -I FORWARD $r failed"; fi
    done
}

wait_for() {  # wait_for N PID WHAT COMMAND: wait up to N s for COMMAND to succeed while PID lives
    local n=$1 pid=$2 what=$3; shift 3
    for _ in $(seq "$n"); do "$@" && return 0; kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    tail -n 20 "$LOGF" >&2 || true
    die "$what did not come up (log above, all of it in $LOGF)"
}

start() {
    if answers; then echo "DOCKER_HOST=unix://$SOCK"; return 0; fi
    stop_all   # leftovers of an engine that died
    need_packages   # iproute2, iptables, patchelf, mmdebstrap (tools/packages.tsv)
    build_tree
    # undo a failed start; its dockerd may have left networks in its db that break the next one
    trap 'log "start failed, undoing it"; stop_all; rm -f "$DATA/network/files/local-kv.db"' EXIT
    local n real fw=legacy xt libdir xtl dpath=$BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    mkdir -p "$BIN" "$RUN/containerd" "$DATA"
    while read -r n real; do ln -sfn "$TREE$real" "$BIN/$n"; done <"$TREE/.real"
    # the backend the default engine does not use (its `iptables`); override: MULTIARCH_IPTABLES
    case $(readlink -f "${HOST_IPT:-none}") in *legacy*) fw=nft ;; esac
    fw=${MULTIARCH_IPTABLES:-$fw}
    case $fw in legacy|nft|off) ;; *) die "MULTIARCH_IPTABLES=$fw: use legacy, nft or off" ;; esac
    for xt in iptables ip6tables; do for n in "" -save -restore; do
        ln -sfn "$BIN/xtables-${fw/off/legacy}-multi" "$BIN/$xt$n"
    done; done
    read -r libdir <"$TREE/.libdir" && xtl=$TREE$libdir/xtables
    # never let dockerd fall back to the host's iptables: it would flush the default engine's chains
    [ "$fw" = off ] || XTABLES_LIBDIR=$xtl "$BIN/iptables" -t nat -n -L >/dev/null \
        || die "the tree's $fw iptables does not work here: run with MULTIARCH_IPTABLES=off (no NAT)"
    cat >"$RUN/containerd.toml" <<EOF
version = 2
root = "$DATA/containerd"
state = "$RUN/containerd"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
grpc.address = "$CTRD_SOCK"
plugins."io.containerd.internal.v1.opt".path = "$DATA/containerd-opt"
EOF
    cat >"$RUN/daemon.json" <<EOF
{ "hosts": ["unix://$SOCK"], "data-root": "$DATA", "exec-root": "$RUN/exec",
  "pidfile": "$RUN/dockerd.pid", "containerd": "$CTRD_SOCK", "features": {"containerd-snapshotter": true},
  "iptables": $([ "$fw" = off ] && echo false || echo true), "bridge": "$BRIDGE",
  "ip-forward": false, "exec-opts": ["native.cgroupdriver=cgroupfs"], "cgroup-parent": "/$NAME",
  "userland-proxy-path": "$BIN/docker-proxy", "init-path": "$BIN/docker-init" }
EOF
    ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge || die "cannot create bridge $BRIDGE"
    { ip addr replace "$BRIDGE_IP" dev "$BRIDGE" && ip link set "$BRIDGE" up; } || die "cannot set up bridge $BRIDGE"
    host_fw -I
    log "starting containerd and dockerd ($fw iptables; log: $LOGF)"
    PATH=$dpath setsid nohup "$BIN/containerd" --config "$RUN/containerd.toml" >>"$LOGF" 2>&1 </dev/null 9>&- &
    echo $! >"$RUN/containerd.pid"
    wait_for 30 $! containerd ctrd_answers
    PATH=$dpath XTABLES_LIBDIR=$xtl setsid nohup "$BIN/dockerd" --config-file "$RUN/daemon.json" \
        >>"$LOGF" 2>&1 </dev/null 9>&- &
    wait_for 60 $! dockerd answers
    trap - EXIT
    log "ready: $("$BIN/docker" -H "unix://$SOCK" version --format '{{.Server.Version}}')"
    echo "DOCKER_HOST=unix://$SOCK"
}

stop_pid() {  # stop_pid PIDFILE N: TERM, up to N s, then KILL
    local pid
    pid=$(cat "$1" 2>/dev/null) && grep -qaF "$RUN/" "/proc/$pid/cmdline" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq "$(($2 * 5))"); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
    log "$1: process $pid did not stop, killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

stop_all() {
    local id pids
    stop_pid "$RUN/dockerd.pid" 60       # stops its containers first
    for id in $("$BIN/runc" --root "$RUN/exec/runtime-runc/moby" list -q 2>/dev/null); do
        "$BIN/runc" --root "$RUN/exec/runtime-runc/moby" delete -f "$id" || true  # a killed dockerd's
    done
    stop_pid "$RUN/containerd.pid" 20
    pids=$(pgrep -f -- "$RUN/" || true)  # shims, and anything else started with our files
    # shellcheck disable=SC2086
    [ -z "$pids" ] || { sleep 1; kill -KILL $pids 2>/dev/null || true; }
    awk -v r="^($RUN|$DATA)(/|$)" '$2 ~ r { print $2 }' /proc/mounts | sort -r | while read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" || die "cannot unmount $m"
    done
    host_fw -D
    if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE" || die "cannot delete bridge $BRIDGE"; fi
    rmdir /sys/fs/cgroup/*/"$NAME" /sys/fs/cgroup/"$NAME" 2>/dev/null || true
    rm -rf --one-file-system "$RUN" "$SOCK"
}

[ "$(id -u)" = 0 ] || die "must run as root (sudo bash $0 ${1:-start})"
exec 9>"/run/$NAME.lock"
flock 9
case ${1:-} in
    start) start ;;
    stop) stop_all; log "stopped" ;;
    uninstall) stop_all; rm -rf --one-file-system "$DATA" "$CACHE"; log "removed $DATA and $CACHE" ;;
    *) die "usage: $0 start|stop|uninstall" ;;
esac
