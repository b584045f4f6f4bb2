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
# The package owning a program file ('' when none). dpkg-query -S reads every package's file
# list on each call, so the scan asks once for all its files (load_owners) and owner() looks
# them up; usrmerge lists /usr/bin files as /bin, hence the candidate paths.
declare -A OWNER=()
candidates() { local r; r=$(readlink -f "$1"); echo "$r /bin/${r##*/} /sbin/${r##*/} /usr/bin/${r##*/} /usr/sbin/${r##*/}"; }
load_owners() { # load_owners PATH...
    local line pkg
    while IFS= read -r line; do
        pkg=${line%%: *} pkg=${pkg%%,*}   # "pkg[:arch][, pkg2...]: path"
        [ -n "${OWNER[${line#*: }]:-}" ] || OWNER[${line#*: }]=${pkg%%:*}
    done < <(dpkg-query -S "$@" 2>/dev/null | grep -v '^diversion ')
    for line in "$@"; do OWNER[$line]=${OWNER[$line]:-}; done   # asked: '' = no package's
}
owner() {
    local f
    for f in $(candidates "$1"); do
        [ -n "${OWNER[$f]+x}" ] || load_owners "$f"
        [ -n "${OWNER[$f]}" ] && { echo "${OWNER[$f]}"; return 0; }
    done
}
# Whether PACKAGE provides program CMD in Debian's own places: a file it ships, or what the
# /usr/bin (/usr/sbin) name resolves to through update-alternatives (iptables, java). Not
# whatever PATH finds first: a copy elsewhere (/usr/local/bin) says nothing about the package.
ships() {
    local pkg=$1 cmd=$2 f
    dpkg-query -L "$pkg" | grep -E "/s?bin/$cmd\$" >/dev/null && return 0   # (not -q: SIGPIPE under pipefail)
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
# "word path" of each word that names a program on PATH (as `type -P` finds it; bash's own
# builtins and keywords skipped), without a fork per word: the scripts hold over a thousand.
declare -A SHELL_WORD=()
for b in $(compgen -b) $(compgen -k); do SHELL_WORD[$b]=1; done
IFS=: read -ra path_dirs <<<"$PATH"
found=()
for w in $words; do
    [ -z "${SHELL_WORD[$w]:-}" ] || continue
    for d in "${path_dirs[@]}"; do
        if [ -f "$d/$w" ] && [ -x "$d/$w" ]; then found+=("$w $d/$w"); break; fi
    done
done
n=${#found[@]}
unlisted=()
for wp in "${found[@]}"; do [ -n "$(table_pkg "${wp%% *}")" ] || unlisted+=("$wp"); done
# shellcheck disable=SC2046
[ ${#unlisted[@]} = 0 ] || load_owners $(for wp in "${unlisted[@]}"; do candidates "${wp#* }"; done)
for wp in "${unlisted[@]}"; do
    w=${wp%% *} p=${wp#* }
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
        package_installed "$pkg" \
            || { gap "package $pkg (for $cmd) is not installed"; continue; }
        case $cmd in
            /*) dpkg-query -L "$pkg" | grep -xF "$cmd" >/dev/null || gap "package $pkg has no file $cmd" ;;
            *) ships "$pkg" "$cmd" || gap "package $pkg has no program $cmd" ;;
        esac
    done <"$PACKAGES_TSV"
    [ $bad = 1 ] || log "every package of tools/packages.tsv is installed and provides its program"
fi
exit $bad
