#!/usr/bin/env bash
# Prove that the set-up installs every program the project calls, so that a fresh machine
# (one without this machine's leftovers) gets through README's commands:
#   1. every word in the scripts (tools/, qemu-bundle/, bench/, .ci/; comments stripped) that
#      names a program on PATH is either in an Essential or Priority: required Debian package
#      or listed in tools/packages.tsv (with its package, or "-" for a word used as text);
#   2. every package of tools/packages.tsv is installed (dpkg-query), and the table's
#      package owns a program of that name (so a copy elsewhere on PATH cannot stand in).
# Step 2 only after tools/setup.sh has run (--installed). Exit 1 with each gap named.
set -euo pipefail
LOG_TAG=check-tools
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

bad=0
gap() { echo "check-tools: $*" >&2; bad=1; }
table_pkg() { awk -F '\t' -v c="$1" '!/^#/ && $1 == c { print $2; exit }' "$PACKAGES_TSV"; }
# The package owning a program file ('' when none; usrmerge lists /bin paths as /bin).
owner() {
    local f r
    r=$(readlink -f "$1")
    for f in "$r" "/bin/${r##*/}" "/sbin/${r##*/}" "/usr/bin/${r##*/}" "/usr/sbin/${r##*/}"; do
        dpkg-query -S "$f" 2>/dev/null | sed -n '1s/:.*//p' | cut -d, -f1 && return 0
    done
}
# Whether PACKAGE provides program CMD in Debian's own places: a file it ships, or what the
# /usr/bin (/usr/sbin) name resolves to through update-alternatives (iptables, java). Not
# whatever PATH finds first: a copy elsewhere (/usr/local/bin) says nothing about the package.
ships() {
    local pkg=$1 cmd=$2 f
    dpkg-query -L "$pkg" | grep -qE "/s?bin/$cmd\$" && return 0
    for f in "/usr/bin/$cmd" "/usr/sbin/$cmd"; do
        [ -e "$f" ] && [ "$(owner "$f")" = "$pkg" ] && return 0
    done
    return 1
}
base_package() { # Essential: yes or Priority: required
    [ -n "$1" ] && dpkg-query -W -f '${Essential} ${Priority}\n' "$1" 2>/dev/null | grep -qE '^yes|required'
}

scripts=$(ls "$ROOT"/tools/*.sh "$ROOT"/qemu-bundle/*.sh "$ROOT"/bench/*.sh "$ROOT"/.ci/run 2>/dev/null)
words=$(for f in $scripts; do sed -E 's/(^|[[:space:]])#.*$//' "$f"; done \
    | grep -oE '\b[a-z][a-z0-9_.+-]{1,30}\b' | sort -u)
n=0
for w in $words; do
    case $(type -t "$w") in builtin|keyword) continue ;; esac
    p=$(type -P "$w" 2>/dev/null) || continue
    n=$((n + 1))
    [ -n "$(table_pkg "$w")" ] && continue
    o=$(owner "$p")
    base_package "$o" && continue
    gap "'$w' ($p, package '${o:-none}') is called by name but not installed by the set-up: add it to tools/packages.tsv"
done
log "$n program names in the scripts: each from a base package or tools/packages.tsv"

if [ "${1:-}" = --installed ]; then
    while IFS=$'\t' read -r cmd pkg _; do
        case $cmd in ''|'#'*) continue ;; esac
        [ "$pkg" = - ] && continue
        [ "$pkg" = docker.io ] && engine_provided && continue
        dpkg-query -W -f '${Status}' "$pkg" 2>/dev/null | grep -q ' installed$' \
            || { gap "package $pkg (for $cmd) is not installed"; continue; }
        case $cmd in
            /*) dpkg-query -L "$pkg" | grep -qxF "$cmd" || gap "package $pkg has no file $cmd" ;;
            *) ships "$pkg" "$cmd" || gap "package $pkg has no program $cmd" ;;
        esac
    done <"$PACKAGES_TSV"
    [ $bad = 1 ] || log "every package of tools/packages.tsv is installed and provides its program"
fi
exit $bad
