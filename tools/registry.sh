#!/usr/bin/env bash
# A container registry on loopback (127.0.0.1:5000, Debian's docker-registry, storage on
# disk under /var/lib/multiarch-registry) holding the JRE images for "pull for the right
# platform" tests:
#   127.0.0.1:5000/multiarch-jre:17-<arch>  one image per built architecture
#   127.0.0.1:5000/multiarch-jre:17         a manifest list of all of them
# Skips pushing when the registry already has that list for the same image IDs, and
# removes the local 127.0.0.1:5000/* tags afterwards (tests start with nothing pulled).
set -euo pipefail
LOG_TAG=registry
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

REG=127.0.0.1:5000
DATA=${REGISTRY_DIR:-/var/lib/multiarch-registry}
LOGFILE=/var/log/multiarch-registry.log
REQUIRED="s390x arm64"          # must exist locally
OPTIONAL="ppc64le"              # pushed too when built
REPO=multiarch-jre

answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$REG/v2/" || true)" = 200 ]; }

need_packages
if ! answers; then
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$REG/v2/" || true)
    if [ "$code" != 000 ]; then
        # Something else answers there: Debian's own docker-registry service (port 5000 on
        # all interfaces, htpasswd auth) when its init script started it on installation.
        log "port 5000 answers $code (not this registry); stopping Debian's docker-registry service"
        if [ -x /etc/init.d/docker-registry ]; then /etc/init.d/docker-registry stop >&2 || true; fi
        sleep 1
    fi
    mkdir -p "$DATA/storage"
    cat >"$DATA/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $DATA/storage
  delete:
    enabled: true
http:
  addr: $REG
EOF
    log "starting docker-registry on $REG (storage $DATA/storage, log $LOGFILE)"
    setsid nohup docker-registry serve "$DATA/config.yml" >>"$LOGFILE" 2>&1 </dev/null &
    disown || true
    for _ in $(seq 1 30); do answers && break; sleep 0.5; done
    answers || { tail -n 20 "$LOGFILE" >&2; die "registry did not answer on http://$REG/v2/"; }
fi
log "registry answers on http://$REG/v2/"

arches=""
for a in $REQUIRED $OPTIONAL; do
    if docker image inspect "$REPO:17-$a" >/dev/null 2>&1; then arches="$arches $a"
    elif [[ " $REQUIRED " == *" $a "* ]]; then die "$REPO:17-$a missing (run tools/jre-images.sh)"; fi
done

# Expected "arch=image-id" pairs, and what the registry's manifest list points at.
expected=$(for a in $arches; do echo "$a=$(docker image inspect --format '{{.Id}}' "$REPO:17-$a")"; done | sort)
in_registry() {
    python3 - "$REG" "$REPO" <<'EOF' | sort
import json, sys, urllib.request
reg, repo = sys.argv[1], sys.argv[2]
def get(ref, accept):
    r = urllib.request.Request(f"http://{reg}/v2/{repo}/manifests/{ref}", headers={"Accept": accept})
    return json.load(urllib.request.urlopen(r, timeout=5))
try:
    lst = get("17", "application/vnd.docker.distribution.manifest.list.v2+json,application/vnd.oci.image.index.v1+json")
    for m in lst.get("manifests", []):
        child = get(m["digest"], m["mediaType"])
        print(f'{m["platform"]["architecture"]}={child["config"]["digest"]}')
except Exception:
    pass
EOF
}
if [ "$(in_registry)" = "$expected" ]; then
    log "$REG/$REPO:17 already holds$arches with the same image IDs; nothing to push"
else
    refs=""
    for a in $arches; do
        docker tag "$REPO:17-$a" "$REG/$REPO:17-$a"
        log "docker push $REG/$REPO:17-$a"
        docker push -q "$REG/$REPO:17-$a" >/dev/null || die "push of $REG/$REPO:17-$a failed"
        refs="$refs $REG/$REPO:17-$a"
    done
    docker manifest rm "$REG/$REPO:17" >/dev/null 2>&1 || true
    # shellcheck disable=SC2086
    docker manifest create --insecure "$REG/$REPO:17" $refs >/dev/null
    for a in $arches; do
        docker manifest annotate --os linux --arch "$a" "$REG/$REPO:17" "$REG/$REPO:17-$a"
    done
    log "docker manifest push $REG/$REPO:17 ($arches )"
    docker manifest push --insecure --purge "$REG/$REPO:17" >/dev/null
    [ "$(in_registry)" = "$expected" ] || die "the registry's manifest list does not match after pushing"
fi
# Leave no local tags of the registry: tests start with nothing pulled.
# (An image pulled and then untagged by the tests lists as <none>: removed by its digest,
# unless a running container still uses it.)
docker images --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}' \
    | awk -v r="$REG/" 'index($1, r) == 1 { print ($2 == "<none>") ? $1 "@" $3 : $1 ":" $2 }' \
    | xargs -r docker rmi >/dev/null 2>&1 || true
log "ready: $REG/$REPO:17 ->$(for a in $arches; do printf ' linux/%s' "$a"; done)"
