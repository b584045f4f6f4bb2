#!/bin/sh
# multiarch-qemu-bundle registrar: registers this bundle's static QEMU emulators with
# binfmt_misc (flag F), reports what is registered, and removes its own entries.
# Runs under busybox sh + awk inside the bundle image (docker run --privileged ...).
#
#   registrar.sh                  register every emulator this bundle carries
#   registrar.sh status           JSON report on stdout, for people
#   registrar.sh status --tsv     the same report as a plain table, for programs (below)
#   registrar.sh install ARCH...  register the emulators for ARCH...
#   registrar.sh install --replace ARCH...  the same, first removing an unusable entry
#                                 (disabled, or no F flag) of another tool
#   registrar.sh uninstall ARCH...remove ARCH's entries that point at this bundle
#
# ARCH: a platform name of the architecture table (s390x, arm64, arm/v7, ...), one of
# its aliases, or its uname/qemu name. The table is the project's architectures.tsv.
#
# status --tsv: lines of tab-separated values, in this order:
#   #bundle<TAB>VERSION-ARCH, #host<TAB>MACHINE, #mount<TAB>PATH   facts, one per line
#   #error<TAB>MESSAGE            only when binfmt_misc cannot be read (then no rows follow)
#   platform<TAB>qemu<TAB>state<TAB>entry<TAB>enabled<TAB>flags<TAB>interpreter<TAB>reason
#   one row per row of the architecture table, in its order, with these 8 columns:
#     state: native, usable, unusable or absent; enabled: enabled or disabled;
#     entry, enabled, flags, interpreter: the binfmt_misc entry that decided (usable, unusable);
#     reason: why unusable, or why native for a platform of the CPU's own family.
# Every value is non-empty ('-' stands for none) and holds no tab, newline or other control
# character (each is written as '?'), so splitting lines on tabs reads it. Exit status 0
# whenever a table is printed, #error included; 2 for an unknown option.
set -eu

MNT=${BINFMT_MISC:-/proc/sys/fs/binfmt_misc}
SHARE=${MULTIARCH_SHARE:-/usr/share/multiarch-qemu-bundle}
TABLE=${MULTIARCH_TABLE:-$SHARE/architectures.tsv}
# "<version> <arch>" of this bundle, written by build.sh (overridable for tests)
read -r VERSION OWN < "$SHARE/bundle" || true
VERSION=${MULTIARCH_BUNDLE_VERSION:-$VERSION}
OWN=${MULTIARCH_BUNDLE_ARCH:-$OWN}
BUNDLE="$VERSION-$OWN"
LIBEXEC=${MULTIARCH_LIBEXEC:-/usr/libexec/multiarch-qemu-bundle/$BUNDLE}
PRIV_HINT="run the container with --privileged (or --cap-add SYS_ADMIN --security-opt apparmor=unconfined where --privileged is refused; a rootless or unprivileged engine cannot register emulators)"

# In the image only /bin/busybox exists: give its applets names (as functions: symlinks
# would lose their name when the bundle itself runs under emulation, where argv[0] is
# not preserved, and busybox sh's own applet lookup re-executes /proc/self/exe).
if [ -x /bin/busybox ] && [ ! -x /usr/bin/awk ]; then
    for applet in awk cat cut mkdir mount sed tail uname; do
        eval "$applet() { /bin/busybox $applet \"\$@\"; }"
    done
fi

say() { echo "$*"; }
err() { echo "$*" >&2; }

# The real machine's architecture: /proc/sys/kernel/arch is the kernel's own (QEMU does not
# rewrite it), uname -m is the emulated one when this bundle runs under emulation.
HOST=$(cat /proc/sys/kernel/arch 2>/dev/null || uname -m)

# Table rows as: platform uname qemu aliases magichex maskhex magicesc maskesc cpu-family (tab-separated)
table() {
    awk -F '\t' '
    function hex(s,   i, c, out) {            # "\x7fELF" -> "7f454c46"
        out = ""
        for (i = 1; i <= length(s); i++) {
            c = substr(s, i, 1)
            if (c == "\\" && substr(s, i + 1, 1) == "x") { out = out tolower(substr(s, i + 2, 2)); i += 3 }
            else out = out sprintf("%02x", ord[c])
        }
        return out
    }
    BEGIN { for (i = 32; i < 127; i++) ord[sprintf("%c", i)] = i; OFS = "\t" }
    /^#/ || NF < 6 { next }
    { print $1, $2, $3, $4, hex($5), hex($6), $5, $6, $7 }' "$TABLE"
}

# Resolve a user-given name to the table's platform name (empty when unknown).
resolve() {
    table | awk -F '\t' -v want="$1" '
    BEGIN { w = tolower(want); sub(/^linux\//, "", w) }
    { n = split($4, a, ","); hit = (w == tolower($1) || w == tolower($2) || w == tolower($3))
      for (i = 1; i <= n; i++) if (a[i] != "-" && w == tolower(a[i])) hit = 1
      if (hit) { print $1; exit } }'
}

accepted_names() {
    table | awk -F '\t' '{ s = $1; seen[$1] = 1; n = split($2 "," $3 "," $4, a, ",")
                           for (i = 1; i <= n; i++) if (a[i] != "-" && !(a[i] in seen)) { s = s ", " a[i]; seen[a[i]] = 1 }
                           print "  " s; delete seen }'
}

field() { # field PLATFORM N: column N of the table row
    table | awk -F '\t' -v p="$1" -v n="$2" '$1 == p { print $n; exit }'
}

ensure_mount() {
    if [ -e "$MNT/register" ]; then return 0; fi
    mkdir -p "$MNT" 2>/dev/null || true
    if ! out=$(mount -t binfmt_misc binfmt_misc "$MNT" 2>&1); then
        MOUNT_ERROR="cannot mount binfmt_misc on $MNT: ${out:-mount failed}; $PRIV_HINT"
        return 1
    fi
    [ -e "$MNT/register" ] || { MOUNT_ERROR="no $MNT/register after mounting binfmt_misc"; return 1; }
}

# Platforms of the host CPU's own family (table column cpu-family: i386 on x86_64, 32-bit ARM
# on aarch64) that the CPU runs itself, proven by running this bundle's tiny program of that
# architecture (probe-<qemu>, exits 42). An emulator registered for them would send native
# programs through QEMU for the whole host, so they count as native. (Only meaningful while no
# entry catches the probe; analyze uses it only for architectures that have no entry.)
cpu_native() {
    for p in $(table | awk -F '\t' -v h="$HOST" '$9 == h { print $1 }'); do
        probe="$LIBEXEC/probe-$(field "$p" 3)"
        [ -x "$probe" ] || continue
        rc=0; "$probe" >/dev/null 2>&1 || rc=$?
        [ $rc = 42 ] && printf ' %s' "$p"
    done
    echo
}

# One line per registered entry: name enabled interpreter flags offset magic mask
entries() {
    for f in "$MNT"/*; do
        case "${f##*/}" in register|status|'*') continue ;; esac
        [ -f "$f" ] || continue
        awk -v name="${f##*/}" '
            $1 == "enabled" || $1 == "disabled" { en = $1 }
            $1 == "interpreter" { sub(/^interpreter /, ""); interp = $0 }
            $1 == "flags:" { fl = $2 }
            $1 == "offset" { off = $2 }
            $1 == "magic" { mg = $2 }
            $1 == "mask" { mk = $2 }
            END { gsub(/[[:cntrl:]]/, "?", name); gsub(/[[:cntrl:]]/, "?", interp)   # see status --tsv
                  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, en, interp, fl, off, mg, mk }' "$f" 2>/dev/null || true
    done
}

# analyze: one line per table row:
#   platform qemu state entry enabled flags interpreter reason
# An entry counts for an architecture when it would catch that architecture's canonical
# ELF header (the table's magic): offset 0 and (header & entry mask) == (entry magic & mask).
# Entries equal to the table's magic/mask match; so do equivalent variants. An architecture
# without an entry that the CPU runs itself (cpu_native) is native too.
analyze() {
    [ -n "${CPU_NATIVE+x}" ] || CPU_NATIVE=$(cpu_native)
    { table | sed 's/^/T\t/'; entries | sed 's/^/E\t/'; } | awk -F '\t' -v host="$HOST" -v cpu=" $CPU_NATIVE " '
    function nib(c) { return index("0123456789abcdef", c) - 1 }
    function byte(s, i) { return nib(substr(s, 2 * i - 1, 1)) * 16 + nib(substr(s, 2 * i, 1)) }
    function band(a, b,   r, bit) {
        r = 0; for (bit = 128; bit >= 1; bit /= 2) {
            if (a >= bit && b >= bit) r += bit
            if (a >= bit) a -= bit
            if (b >= bit) b -= bit
        }
        return r
    }
    function matches(thex, emagic, emask, off,   n, i, m) {
        if (off != "" && off != 0) return 0
        n = length(emagic) / 2
        if (n == 0 || n > length(thex) / 2) return 0
        for (i = 1; i <= n; i++) {
            m = (emask == "") ? 255 : byte(emask, i)
            if (band(byte(thex, i), m) != band(byte(emagic, i), m)) return 0
        }
        return 1
    }
    $1 == "T" { nt++; tp[nt] = $2; tu[nt] = $3; tq[nt] = $4; tm[nt] = $6; next }
    $1 == "E" { ne++; en[ne] = $2; ee[ne] = $3; ei[ne] = $4; ef[ne] = $5; eo[ne] = $6; em[ne] = $7; ek[ne] = $8; next }
    END {
        OFS = "\t"
        for (t = 1; t <= nt; t++) {
            if (tu[t] == host || tq[t] == host) { print tp[t], tq[t], "native", "", "", "", "", ""; continue }
            best = 0; bestok = 0
            for (e = 1; e <= ne; e++) {
                if (!matches(tm[t], em[e], ek[e], eo[e])) continue
                ok = (ee[e] == "enabled" && index(ef[e], "F") > 0)
                if (best == 0 || (ok && !bestok)) { best = e; bestok = ok }
            }
            if (best == 0 && index(cpu, " " tp[t] " ")) { print tp[t], tq[t], "native", "", "", "", "", "the CPU runs " tp[t] " programs itself"; continue }
            if (best == 0) { print tp[t], tq[t], "absent", "", "", "", "", ""; continue }
            e = best
            if (bestok) { st = "usable"; why = "" }
            else if (ee[e] != "enabled") { st = "unusable"; why = "disabled" }
            else { st = "unusable"; why = "no F flag: containers cannot see the interpreter" }
            print tp[t], tq[t], st, en[e], ee[e], ef[e], ei[e], why
        }
    }'
}

# A value of the status report on one line: each control character (tab, newline, ...) as '?'.
clean() {
    printf '%s' "$1" | awk 'BEGIN { ORS = "" } { gsub(/[[:cntrl:]]/, "?"); if (NR > 1) print "?"; print }'
}

# The status report, before rendering: facts "F<TAB>key<TAB>value" (bundle, host, mount, and
# error when binfmt_misc cannot be read), then "R<TAB>" + analyze's line per architecture.
status_lines() {
    printf 'F\tbundle\t%s\nF\thost\t%s\nF\tmount\t%s\n' "$(clean "$BUNDLE")" "$(clean "$HOST")" "$(clean "$MNT")"
    if [ ! -f "$TABLE" ]; then
        printf 'F\terror\t%s\n' "$(clean "architecture table $TABLE missing")"
    elif ! ensure_mount; then
        printf 'F\terror\t%s\n' "$(clean "$MOUNT_ERROR")"
    else
        analyze | sed 's/^/R\t/'
    fi
}

cmd_status() {
    case "${1:-}/$#" in
        /0) status_lines | awk -F '\t' '
            function js(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return "\"" s "\"" }
            $1 == "F" { printf "%s%s:%s", (NR == 1 ? "{" : ","), js($2), js($3); next }
            {
                if (!rows++) printf ",\"architectures\":["; else printf ","
                printf "{\"platform\":%s,\"qemu\":%s,\"state\":%s", js($2), js($3), js($4)
                if ($4 == "usable" || $4 == "unusable")
                    printf ",\"entry\":%s,\"enabled\":%s,\"flags\":%s,\"interpreter\":%s", js($5), ($6 == "enabled" ? "true" : "false"), js($7), js($8)
                else printf ",\"entry\":null"
                if ($9 != "") printf ",\"reason\":%s", js($9)
                printf "}"
            }
            END { printf "%s]}\n", (rows ? "" : ",\"architectures\":[") }' ;;
        --tsv/1) status_lines | awk -F '\t' '
            BEGIN { OFS = "\t" }
            $1 == "F" { print "#" $2, ($3 == "" ? "-" : $3); next }
            !rows++ { print "platform", "qemu", "state", "entry", "enabled", "flags", "interpreter", "reason" }
            { for (i = 2; i <= 9; i++) if ($i == "") $i = "-"
              print $2, $3, $4, $5, $6, $7, $8, $9 }
            END { if (!rows) print "platform", "qemu", "state", "entry", "enabled", "flags", "interpreter", "reason" }' ;;
        *) err "usage: status [--tsv]"; return 2 ;;
    esac
}

# state_of PLATFORM -> the analyze line for it
state_of() { analyze | awk -F '\t' -v p="$1" '$1 == p'; }

install_one() { # install_one PLATFORM ; returns 0 on success
    p=$1
    qemu=$(field "$p" 3)
    line=$(state_of "$p")
    state=$(echo "$line" | cut -f3)
    entry=$(echo "$line" | cut -f4)
    case $state in
        native) why=$(echo "$line" | cut -f8); say "$p: native on this host ($HOST${why:+: $why}), nothing to register"; return 0 ;;
        usable) say "$p: already registered ($entry)"; return 0 ;;
        unusable)
            if [ "${REPLACE:-0}" != 1 ]; then
                err "$p: entry '$entry' matches $p but is unusable ($(echo "$line" | cut -f8)); not overwriting it. Remove it first (echo -1 > $MNT/$entry) or install --replace $p"
                return 1
            fi
            if ! out=$( { echo -1 > "$MNT/$entry"; } 2>&1 ); then
                err "$p: cannot remove the unusable entry $MNT/$entry: $out; $PRIV_HINT"
                return 1
            fi
            say "$p: removed unusable entry $entry ($(echo "$line" | cut -f8)) to replace it"
            line=$(state_of "$p")
            case $(echo "$line" | cut -f3) in
                usable) say "$p: already registered ($(echo "$line" | cut -f4))"; return 0 ;;
                unusable) install_one "$p"; return $? ;;   # another unusable entry: next one
            esac ;;
    esac
    interp="$LIBEXEC/qemu-$qemu"
    if [ ! -f "$interp" ]; then
        err "$p: this bundle ($BUNDLE) carries no emulator for $p ($interp missing)"
        return 1
    fi
    reg=":qemu-$qemu:M:0:$(field "$p" 7):$(field "$p" 8):$interp:F"
    if out=$( { printf '%s' "$reg" > "$MNT/register"; } 2>&1 ); then
        line=$(state_of "$p")
        if [ "$(echo "$line" | cut -f3)" = usable ]; then
            say "$p: registered qemu-$qemu -> $interp (flags $(echo "$line" | cut -f6))"
            return 0
        fi
        err "$p: wrote the registration but the entry is not usable: $(echo "$line" | cut -f3,8)"
        return 1
    fi
    # The write failed. Another registrar may have won a race (EEXIST; busybox's printf does not
    # always say so): a usable entry for p now is success.
    line=$(state_of "$p")
    if [ "$(echo "$line" | cut -f3)" = usable ]; then
        say "$p: already registered ($(echo "$line" | cut -f4), by another registrar meanwhile)"
        return 0
    fi
    if [ -e "$MNT/qemu-$qemu" ]; then
        err "$p: an entry named qemu-$qemu exists but does not match $p usably; not overwriting it"
        return 1
    fi
    out=$(echo "$out" | sed 's/^.*: //' | tail -n 1)
    err "cannot write $MNT/register: ${out:-write failed}; $PRIV_HINT"
    return 1
}

uninstall_one() {
    p=$1
    qemu=$(field "$p" 3)
    own="$LIBEXEC/qemu-$qemu"
    found=0; rc=0
    for e in $(entries | awk -F '\t' -v own="$own" -v name="qemu-$qemu" '$3 == own || $1 == name { print $1 }'); do
        interp=$(awk '$1 == "interpreter" { print $2 }' "$MNT/$e")
        found=1
        if [ "$interp" = "$own" ]; then
            if out=$( { echo -1 > "$MNT/$e"; } 2>&1 ); then say "$p: removed $e ($own)"
            else err "$p: cannot remove $MNT/$e: $out; $PRIV_HINT"; rc=1; fi
        else
            say "$p: left $e alone (its interpreter $interp is not this bundle's)"
        fi
    done
    line=$(state_of "$p")
    st=$(echo "$line" | cut -f3)
    if [ "$st" != absent ] && [ "$st" != native ] && [ $found = 0 ]; then
        say "$p: left $(echo "$line" | cut -f4) alone (not this bundle's entry)"
    elif [ $found = 0 ]; then
        say "$p: not registered"
    fi
    return $rc
}

main() {
    cmd=${1:-}
    [ $# -gt 0 ] && shift
    case $cmd in
        status) cmd_status "$@"; return ;;
        ""|install|uninstall) ;;
        -h|--help|help) awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0"; return 0 ;;
        *) set -- "$cmd" "$@"; cmd=install ;;   # bare architecture names mean install
    esac
    REPLACE=0
    if [ "$cmd" = install ] && [ "${1:-}" = --replace ]; then REPLACE=1; shift; fi
    [ -f "$TABLE" ] || { err "architecture table $TABLE missing"; return 1; }
    if [ -z "$cmd" ]; then
        cmd=install
        # every emulator this bundle carries (never the host's own architecture)
        set -- $(table | awk -F '\t' -v own="$OWN" '$1 != own { print $1 }')
    fi
    [ $# -gt 0 ] || { err "usage: $cmd ARCH..."; return 2; }
    plats=""
    for a in "$@"; do
        p=$(resolve "$a")
        if [ -z "$p" ]; then
            err "unknown architecture '$a'; accepted names:"
            accepted_names >&2
            return 2
        fi
        plats="$plats $p"
    done
    if ! ensure_mount; then err "$MOUNT_ERROR"; return 1; fi
    CPU_NATIVE=$(cpu_native)   # before any registration, while no entry of ours catches the probes
    failed=0
    for p in $plats; do
        "${cmd}_one" "$p" || failed=$((failed + 1))
    done
    [ $failed = 0 ] || { err "$failed architecture(s) failed"; return 1; }
}

main "$@"
