#!/usr/bin/env bash
# Real checks of the qemu bundle against this machine's kernel and engine.
# Run as root after tools/setup.sh. Changes binfmt_misc entries while it runs and leaves
# s390x registered by the engine-architecture bundle. Last line: "N passed, N failed".
set -euo pipefail
LOG_TAG=qemu-bundle-test
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../tools/lib.sh
. "$HERE/../tools/lib.sh"

VERSION=$(project_version)
ENGINE_ARCH=$(engine_arch)
B=multiarch-qemu-bundle:$VERSION
MNT=/proc/sys/fs/binfmt_misc
LIBEXEC=/usr/libexec/multiarch-qemu-bundle
FOREIGN=multiarch-test-foreign
PASSED=0; FAILED=0
TMP=$(mktemp -d /tmp/multiarch-bundle-test.XXXXXX)
CID=

cleanup() {
    [ -z "$CID" ] || docker rm -f "$CID" >/dev/null 2>&1 || true
    declare -F restore_riscv >/dev/null && restore_riscv
    [ ! -e "$MNT/$FOREIGN" ] || echo -1 > "$MNT/$FOREIGN" || true
    rm -rf "$TMP"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "PASS $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1${2:+: $2}"; }
# (procfs files report size 0: compare their contents, not with cmp)
# check NAME COMMAND...: pass when the command succeeds
check() { local n=$1; shift; if "$@" >"$TMP/out" 2>&1; then pass "$n"; else fail "$n" "$(tail -n 5 "$TMP/out" | tr '\n' ' ')"; fi; }

OPTS=$(bundle_run_opts "$B")
echo "bundle run options here: $OPTS"

# riscv64 is the architecture these checks play with (registering, foreign entries): start
# with none of its entries, and give back a bundle registration if there was one.
RISCV_ENTRIES=$(grep -l "^magic $(printf '%s' "$(awk -F '\t' '!/^#/ && $1 == "riscv64" { print $5 }' "$TABLE_SRC")" \
    | sed 's/\\x//g; s/ELF/454c46/')" "$MNT"/* 2>/dev/null || true)
for e in $RISCV_ENTRIES; do echo "removing $e for the duration of the checks"; echo -1 > "$e"; done
restore_riscv() { [ -z "$RISCV_ENTRIES" ] || docker run --rm $OPTS "$B" install riscv64 >/dev/null 2>&1 || true; }
run() { local img=$1; shift; docker run --rm $OPTS "$img" "$@"; }         # shellcheck disable=SC2086
run_plat() { local p=$1 img=$2; shift 2; docker run --rm $OPTS --platform "$p" "$img" "$@"; }

# state ARCH [IMAGE]: ARCH's row of the status table, "state entry interpreter flags" ('-': none)
state() { run "${2:-$B}" status --tsv | awk -F '\t' -v p="$1" '$1 == p { print $3, $4, $7, $6 }'; }

hexof() { # table magic/mask with \x escapes -> lowercase hex (as the kernel prints it)
    python3 -c 'import sys; s=sys.argv[1]; print(s.encode().decode("unicode_escape").encode("latin-1").hex())' "$1"
}
table_field() { awk -F '\t' -v p="$1" -v n="$2" '!/^#/ && $1 == p { print $n }' "$TABLE_SRC"; }

# --- status -------------------------------------------------------------------------
status_matches_kernel() {
    run "$B" status >"$TMP/status.json"
    python3 - "$TMP/status.json" "$MNT" "$TABLE_SRC" <<'EOF'
import json, os, sys
d = json.load(open(sys.argv[1])); mnt = sys.argv[2]
table = {}
for line in open(sys.argv[3]):
    if line.startswith("#") or not line.strip(): continue
    f = line.rstrip("\n").split("\t")
    h = lambda s: s.encode().decode("unicode_escape").encode("latin-1").hex()
    table[f[0]] = (h(f[4]), h(f[5]))
entries = {}
for n in os.listdir(mnt):
    if n in ("register", "status"): continue
    e = {}
    for l in open(os.path.join(mnt, n)):
        k, _, v = l.strip().partition(" ")
        e[k.rstrip(":")] = v if v else k
    e["enabled"] = "enabled" in open(os.path.join(mnt, n)).read().split("\n")[0]
    entries[n] = e
assert d["host"] == os.uname().machine, d["host"]
assert d["mount"] == "/proc/sys/fs/binfmt_misc"
seen = set()
for a in d["architectures"]:
    p = a["platform"]; seen.add(p)
    magic, mask = table[p]
    same = [n for n, e in entries.items() if e.get("magic") == magic and e.get("mask") == mask]
    if a["state"] == "native": continue
    if a["state"] == "absent":
        assert not same, (p, "absent but kernel has", same)
        continue
    n = a["entry"]; e = entries[n]
    assert n in same or same == [], (p, n, same)
    assert a["interpreter"] == e["interpreter"], (p, a, e)
    assert a["flags"] == e.get("flags", ""), (p, a, e)
    assert a["enabled"] == e["enabled"], (p, a, e)
    assert (a["state"] == "usable") == (e["enabled"] and "F" in e.get("flags", "")), (p, a, e)
assert seen == set(table), (seen, set(table))
print("ok", len(d["architectures"]), "architectures,", len(entries), "kernel entries")
EOF
}
check "status: JSON parses and matches the kernel's entries" status_matches_kernel

# tsv_agrees "DOCKER RUN OPTIONS" IMAGE: status --tsv has the format registrar.sh documents (facts,
# header, one row per table row in its order, 8 non-empty values, no control characters) and
# says what status (JSON) says, fact for fact and value for value.
tsv_agrees() {
    local rc=0
    docker run --rm $1 "$2" status >"$TMP/status.json"        # shellcheck disable=SC2086
    docker run --rm $1 "$2" status --tsv >"$TMP/status.tsv" || rc=$?
    [ $rc = 0 ] || { echo "status --tsv exited $rc"; return 1; }
    python3 - "$TMP/status.json" "$TMP/status.tsv" "$TABLE_SRC" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
raw = open(sys.argv[2], encoding="utf-8", newline="").read()
platforms = [l.split("\t")[0] for l in open(sys.argv[3]) if l.strip() and not l.startswith("#")]
assert raw.endswith("\n"), ("no newline at the end", raw)
lines = raw[:-1].split("\n")
assert all(c == "\t" or " " <= c != "\x7f" for c in raw[:-1].replace("\n", "")), ("control character", raw)
facts, i = {}, 0
while lines[i].startswith("#"):
    k, v = lines[i].split("\t")                                  # exactly one tab
    facts[k[1:]] = v
    i += 1
assert lines[i] == "platform\tqemu\tstate\tentry\tenabled\tflags\tinterpreter\treason", lines[i]
rows = [l.split("\t") for l in lines[i + 1:]]
assert facts == {k: v for k, v in d.items() if k != "architectures"}, (facts, d)
assert [r[0] for r in rows] == ([] if "error" in d else platforms), (rows, platforms)
assert len(rows) == len(d["architectures"]), (rows, d)
none = lambda v: "-" if v in (None, "") else v
for r, a in zip(rows, d["architectures"]):
    want = [a["platform"], a["qemu"], a["state"], none(a["entry"]),
            "-" if "enabled" not in a else "enabled" if a["enabled"] else "disabled",
            none(a.get("flags")), none(a.get("interpreter")), none(a.get("reason"))]
    assert r == want, (r, want)
print("ok:", ", ".join(facts), "and", len(rows), "rows, as in the JSON")
EOF
}
check "status --tsv: facts, header, one row per architecture, as the JSON says" tsv_agrees "$OPTS" "$B"

tsv_error() { # without privileges binfmt_misc cannot be read: the table says why, and has no rows
    tsv_agrees "" "$B" && grep -q $'^#error\tcannot mount binfmt_misc on .*run the container with --privileged' "$TMP/status.tsv" \
        && [ "$(tail -n 1 "$TMP/status.tsv" | cut -f1)" = platform ]
}
check "status --tsv without privileges: #error line, header, no rows, exit 0" tsv_error

status_usage() { local rc=0; run "$B" status --yaml >"$TMP/o" 2>&1 || rc=$?; cat "$TMP/o"; [ $rc = 2 ] && grep -q 'usage: status \[--tsv\]' "$TMP/o"; }
check "status with an unknown option -> exit 2, usage" status_usage

# --- uninstall / install s390x with the engine-arch bundle -----------------------------
OWN_S390X="$LIBEXEC/$VERSION-$ENGINE_ARCH/qemu-s390x"
uninstall_absent() {
    run "$B" uninstall s390x
    [ "$(state s390x | cut -d' ' -f1)" = absent ] && [ ! -e "$MNT/qemu-s390x" ]
}
check "uninstall s390x -> absent" uninstall_absent

install_usable() {
    run "$B" install s390x | tee /dev/stderr | grep >/dev/null "s390x: registered qemu-s390x -> $OWN_S390X (flags F)"
    read -r st entry interp flags < <(state s390x)
    [ "$st" = usable ] && [ "$entry" = qemu-s390x ] && [ "$interp" = "$OWN_S390X" ] && [[ $flags == *F* ]]
}
check "install s390x -> usable, flags F" install_usable

kernel_entry_ok() {
    grep -qx 'enabled' "$MNT/qemu-s390x" && grep -qx 'flags: F' "$MNT/qemu-s390x" \
        && grep -qx "interpreter $OWN_S390X" "$MNT/qemu-s390x" \
        && grep -qx "magic $(hexof "$(table_field s390x 5)")" "$MNT/qemu-s390x"
}
check "kernel entry qemu-s390x: enabled, flags F, bundle interpreter, table magic" kernel_entry_ok

install_again() { run "$B" install s390x | grep >/dev/null 's390x: already registered (qemu-s390x)'; }
check "install s390x again -> already registered, exit 0" install_again

arch_alias() { run "$B" install aarch64 linux/arm64 && [ "$(state arm64 | cut -d' ' -f1)" = usable ]; }
check "aliases accepted (aarch64, linux/arm64)" arch_alias

# --- the host CPU's own family (i386 on x86_64, 32-bit ARM on aarch64) -------------------
# No emulator for what the CPU runs itself: the registrar's answer must agree with the kernel's
# own, read here by running the bundle's tiny program of that architecture on the host.
FAMILY=$(awk -F '\t' -v h="$(uname -m)" '!/^#/ && $7 == h { print $1 }' "$TABLE_SRC")
family_rule() {
    local q rc=0 out
    q=$(table_field "$FAMILY" 3)
    docker run --rm --entrypoint /bin/busybox "$B" cat "$LIBEXEC/$VERSION-$ENGINE_ARCH/probe-$q" >"$TMP/probe"
    chmod +x "$TMP/probe"
    "$TMP/probe" || rc=$?
    out=$(run "$B" install "$FAMILY")
    echo "host runs probe-$q: exit $rc; registrar: $out"
    if [ $rc = 42 ]; then
        [[ $out == *"native on this host"*"runs $FAMILY programs itself"* ]] && [ ! -e "$MNT/qemu-$q" ] \
            && [ "$(state "$FAMILY" | cut -d' ' -f1)" = native ]
    else
        [[ $out == *"registered qemu-$q"* ]] && [ "$(state "$FAMILY" | cut -d' ' -f1)" = usable ] \
            && run "$B" uninstall "$FAMILY" && [ ! -e "$MNT/qemu-$q" ]
    fi
}
if [ -z "$FAMILY" ]; then
    echo "SKIP cpu family: no table row names $(uname -m) as its cpu-family"
elif [ "$(state "$FAMILY" | cut -d' ' -f1)" != absent ] && [ "$(state "$FAMILY" | cut -d' ' -f1)" != native ]; then
    echo "SKIP cpu family: an entry for $FAMILY exists already (not ours to remove)"
else
    check "$FAMILY on $(uname -m): registered only when the CPU cannot run it (checked on the host)" family_rule
fi

# --- without privileges ----------------------------------------------------------------
unpriv_mount() {
    local rc=0
    docker run --rm "$B" install riscv64 >"$TMP/o" 2>&1 || rc=$?
    cat "$TMP/o"
    [ $rc -ne 0 ] && grep -q 'run the container with --privileged' "$TMP/o"
}
check "install without privileges -> non-zero exit, clear message" unpriv_mount

unpriv_write() { # binfmt_misc visible but read-only: the register write fails
    local rc=0
    docker run --rm -v "$MNT:/binfmt:ro" -e BINFMT_MISC=/binfmt "$B" install riscv64 >"$TMP/o" 2>&1 || rc=$?
    cat "$TMP/o"
    [ $rc -ne 0 ] && grep -q 'cannot write /binfmt/register: .*; run the container with --privileged' "$TMP/o" \
        && [ ! -e "$MNT/qemu-riscv64" ]
}
check "register not writable -> 'cannot write .../register: ...; run ... --privileged'" unpriv_write

unknown_arch() {
    local rc=0
    run "$B" install vax >"$TMP/o" 2>&1 || rc=$?
    cat "$TMP/o"
    [ $rc -eq 2 ] && grep -q "unknown architecture 'vax'" "$TMP/o" && grep -q 's390x' "$TMP/o"
}
check "unknown architecture -> exit 2, lists accepted names" unknown_arch

# --- an entry of someone else that matches ----------------------------------------------
# Registered under another name with riscv64's magic and mask; the bundle must use it as is.
register_foreign() { # register_foreign FLAGS
    [ ! -e "$MNT/$FOREIGN" ] || echo -1 > "$MNT/$FOREIGN"
    printf '%s' ":$FOREIGN:M:0:$(table_field riscv64 5):$(table_field riscv64 6):/bin/busybox:$1" > "$MNT/register"
}
need_packages
foreign_usable() {
    register_foreign F
    cp "$MNT/$FOREIGN" "$TMP/before"
    run "$B" install riscv64 | grep >/dev/null "riscv64: already registered ($FOREIGN)"
    read -r st entry _ < <(state riscv64)
    [ "$st" = usable ] && [ "$entry" = "$FOREIGN" ] && [ ! -e "$MNT/qemu-riscv64" ] \
        && run "$B" uninstall riscv64 | grep >/dev/null "left $FOREIGN alone" \
        && [ "$(cat "$TMP/before")" = "$(cat "$MNT/$FOREIGN")" ]
}
check "matching foreign entry (F): install says already registered, left untouched" foreign_usable

foreign_unusable() {
    local rc=0
    register_foreign ""
    cp "$MNT/$FOREIGN" "$TMP/before"
    read -r st entry _ < <(state riscv64)
    [ "$st" = unusable ] && [ "$entry" = "$FOREIGN" ] || return 1
    run "$B" status | grep >/dev/null '"reason":"no F flag: containers cannot see the interpreter"' || return 1
    tsv_agrees "$OPTS" "$B" && grep -q $'^riscv64\triscv64\tunusable\t'"$FOREIGN"$'\tenabled\t-\t/bin/busybox\tno F flag' "$TMP/status.tsv" \
        || return 1
    run "$B" install riscv64 >"$TMP/o" 2>&1 || rc=$?
    cat "$TMP/o"
    [ $rc -ne 0 ] && grep -q "entry '$FOREIGN' matches riscv64 but is unusable" "$TMP/o" \
        && [ "$(cat "$TMP/before")" = "$(cat "$MNT/$FOREIGN")" ] && [ ! -e "$MNT/qemu-riscv64" ]
}
check "matching foreign entry without F: install fails naming it, not overwritten" foreign_unusable

foreign_disabled() {
    register_foreign F
    echo 0 > "$MNT/$FOREIGN"
    run "$B" status | grep >/dev/null "\"entry\":\"$FOREIGN\",\"enabled\":false,\"flags\":\"F\"" \
        && run "$B" status | grep >/dev/null '"reason":"disabled"' \
        && tsv_agrees "$OPTS" "$B" && grep -q $'^riscv64\triscv64\tunusable\t'"$FOREIGN"$'\tdisabled\tF\t/bin/busybox\tdisabled$' "$TMP/status.tsv"
}
check "disabled entry -> unusable, reason disabled" foreign_disabled

foreign_replaced() { # install --replace removes the unusable entry and registers the bundle's
    register_foreign ""
    run "$B" install --replace riscv64 >"$TMP/o" 2>&1 || { cat "$TMP/o"; return 1; }
    cat "$TMP/o"
    read -r st entry _ < <(state riscv64)
    grep -q "removed unusable entry $FOREIGN" "$TMP/o" && [ ! -e "$MNT/$FOREIGN" ] \
        && [ "$st" = usable ] && [ "$entry" = qemu-riscv64 ] \
        && run "$B" uninstall riscv64 >/dev/null && [ ! -e "$MNT/qemu-riscv64" ]
}
check "install --replace: the unusable entry is replaced by the bundle's (F)" foreign_replaced
[ ! -e "$MNT/$FOREIGN" ] || echo -1 > "$MNT/$FOREIGN"

# --- the arm64 bundle on this host: nested emulation --------------------------------------
OTHER=arm64; [ "$ENGINE_ARCH" = arm64 ] && OTHER=amd64
BO=multiarch-qemu-bundle:$VERSION-$OTHER
OTHER_S390X="$LIBEXEC/$VERSION-$OTHER/qemu-s390x"
if [ "$ENGINE_ARCH" = amd64 ]; then
    other_bundle() {
        run "$B" install arm64 >/dev/null
        run "$B" uninstall s390x
        run_plat "linux/$OTHER" "$BO" install s390x | tee /dev/stderr \
            | grep >/dev/null "s390x: registered qemu-s390x -> $OTHER_S390X (flags F)"
        grep -qx "interpreter $OTHER_S390X" "$MNT/qemu-s390x"
        read -r st entry interp _ < <(state s390x "$BO")
        [ "$st" = usable ] && [ "$interp" = "$OTHER_S390X" ]
    }
    check "arm64 bundle (emulated) registers s390x with its own interpreter" other_bundle
    check "  ... and its status --tsv says what its JSON says" tsv_agrees "$OPTS --platform linux/$OTHER" "$BO"

    CID=$(docker create --platform "linux/$OTHER" "$BO")
    docker cp "$CID:$OTHER_S390X" "$TMP/qemu-s390x"
    docker rm "$CID" >/dev/null; CID=
    nested_run() {
        docker run --rm --platform linux/s390x -v "$TMP/qemu-s390x:$OTHER_S390X:ro" \
            multiarch-jre:17-s390x uname -m | tee /dev/stderr | grep -qx s390x
    }
    check "s390x container runs through the arm64 bundle's emulator (path mounted)" nested_run
    nested_without_mount() { ! docker run --rm --platform linux/s390x multiarch-jre:17-s390x uname -m; }
    check "  ... and fails without that path mounted (the documented catch)" nested_without_mount

    other_uninstall() {
        run_plat "linux/$OTHER" "$BO" uninstall s390x | grep >/dev/null "removed qemu-s390x"
        [ ! -e "$MNT/qemu-s390x" ]
    }
    check "arm64 bundle uninstalls its own s390x entry" other_uninstall
fi

restore() {
    run "$B" install s390x arm64
    grep -qx "interpreter $OWN_S390X" "$MNT/qemu-s390x"
    docker run --rm --platform linux/s390x multiarch-jre:17-s390x uname -m | grep -qx s390x
}
check "s390x re-registered by the $ENGINE_ARCH bundle and runs" restore
check "status still matches the kernel" status_matches_kernel
check "status --tsv still agrees with the JSON" tsv_agrees "$OPTS" "$B"

leftover() { [ -z "$(docker ps -aq --filter "ancestor=$B" --filter "ancestor=$BO")" ]; }
check "no containers left behind" leftover

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
