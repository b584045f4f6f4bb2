#!/usr/bin/env bash
# What the extension adds to a user's test class path, checked on the jar and POM that `mvn install`
# installed (run after it; part of tools/test.sh):
#   1. the jar holds no class outside io.github.multiarch.junit: Testcontainers and everything it
#      brings are inside, relocated under io.github.multiarch.junit.shaded (extension/pom.xml);
#   2. every package its classes refer to and it does not hold is JUnit's, JNA's, the JDK's, or one
#      of the optional references listed below (jdeps): a reference to org.slf4j, org.apache.commons,
#      com.fasterxml.jackson, ... would be a relocation missed;
#   3. a consumer's test class path (sample-tests, which take the installed POM) holds, besides the
#      consumer's own dependencies, nothing of the extension's but its jar, JNA and JUnit's own;
#   4. beside a user's own (unrelocated) Testcontainers, both find the Docker engine (needs one running).
# Prints the jars the extension adds and their size. Exit 1 with what is wrong.
# Arguments are passed to Maven (e.g. -Dmaven.repo.local=... for another local repository).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
LOG_TAG=check-jar
# shellcheck source=lib.sh
. tools/lib.sh

# The consumer's test class path, as coordinates and as files (of the installed artifacts).
mkdir -p sample-tests/target
deps=sample-tests/target/check-jar.deps
classpath=sample-tests/target/check-jar.classpath
mvn -B -ntp -q -pl sample-tests "$@" dependency:list -DincludeScope=test -DoutputFile="$PWD/$deps" >/dev/null 2>&1 \
    || die "mvn dependency:list failed in sample-tests"
mvn -B -ntp -q -pl sample-tests "$@" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$classpath" \
    >/dev/null 2>&1 || die "mvn dependency:build-classpath failed in sample-tests"
file_of() { tr ':' '\n' <"$classpath" | grep -E "/$1/[^/]+/$1-[^/]+\.jar\$" | head -n 1; }
jar=$(file_of multiarch-junit)
[ -n "$jar" ] && [ -f "$jar" ] || die "the samples' class path has no multiarch-junit jar: run mvn install first"

# 1. Classes outside the extension's packages.
outside=$(unzip -Z1 "$jar" | grep '\.class$' | grep -v '^io/github/multiarch/junit/' || true)
[ -z "$outside" ] || die "the jar holds classes outside io/github/multiarch/junit (not relocated):
$(head -n 20 <<<"$outside")"

# 2. What its classes refer to that it does not hold (jdeps: "not found").
# The optional references of the libraries inside, never reached by what the extension calls:
#   javax.annotation(.meta), com.google.j2objc.annotations: annotations on Guava's classes (inside Testcontainers)
#   org.tukaani.xz, org.brotli.dec, com.github.luben.zstd, org.objectweb.asm: Commons Compress's optional codecs
#   org.conscrypt: an optional TLS provider of docker-java's HttpClient 5
#   com.google.cloud.tools.jib.*, org.immutables.value: Testcontainers' optional Jib support
expected='^(org\.junit(\..*)?|org\.opentest4j|org\.apiguardian\.api|com\.sun\.jna(\..*)?'
expected+='|javax\.annotation(\.meta)?|com\.google\.j2objc\.annotations'
expected+='|org\.tukaani\.xz|org\.brotli\.dec|com\.github\.luben\.zstd|org\.objectweb\.asm'
expected+='|org\.conscrypt|com\.google\.cloud\.tools\.jib(\..*)?|org\.immutables\.value)$'
missing=$(jdeps -verbose:package "$jar" 2>&1 | awk 'NF == 5 && $2 == "->" && $4 == "not" && $5 == "found" { print $3 }' | sort -u)
unexpected=$(grep -vE "$expected" <<<"$missing" || true)
[ -z "$unexpected" ] || die "the jar's classes refer to packages it neither holds nor may expect on a user's class path:
$unexpected"

# 3. A consumer's test class path.
artifacts=$(sed -n 's/^ *\([^ :]*:[^ :]*\):jar:.*/\1/p' "$deps" | sort -u)
[ -n "$artifacts" ] || die "no dependencies listed in $deps"
# JUnit's (the user's), the extension and JNA; zstd-jni is the samples' own.
allowed='^(org\.junit\.[a-z]+:.*|org\.opentest4j:opentest4j|org\.apiguardian:apiguardian-api|org\.jspecify:jspecify'
allowed+='|io\.github\.multiarch:multiarch-junit|net\.java\.dev\.jna:jna|com\.github\.luben:zstd-jni)$'
extra=$(grep -vE "$allowed" <<<"$artifacts" || true)
[ -z "$extra" ] || die "a consumer's test class path gets more than the extension's jar, JNA and JUnit:
$extra"

# 4. Beside a user's own Testcontainers: both find the engine, each with its own cached strategy. A user's
# Testcontainers caches the strategy that found the engine by class name (docker.client.strategy in
# ~/.testcontainers.properties); were the relocated copy to read that key, it would load the user's class
# and fail with a ClassCastException. Run in a home of its own holding that key as a user's would.
probe=sample-tests/target/check-jar-probe
rm -rf "$probe"; mkdir -p "$probe/home"
echo "docker.client.strategy=org.testcontainers.dockerclient.UnixSocketClientProviderStrategy" \
    >"$probe/home/.testcontainers.properties"
mvn -B -ntp -q -pl extension "$@" dependency:build-classpath -Dmdep.includeScope=compile \
    -Dmdep.outputFile="$PWD/$probe/users.classpath" >/dev/null 2>&1 || die "mvn dependency:build-classpath failed in extension"
cat >"$probe/Probe.java" <<'JAVA'
public class Probe {
    public static void main(String[] args) throws Exception {
        try (var docker = io.github.multiarch.junit.internal.docker.Docker.connect()) {
            System.out.println("the extension's Testcontainers: " + docker.host());
        }
        System.out.println("the user's Testcontainers: "
                + org.testcontainers.DockerClientFactory.instance().getTransportConfig().getDockerHost());
    }
}
JAVA
if ! java -Duser.home="$PWD/$probe/home" -cp "$jar:$(cat "$probe/users.classpath")" "$probe/Probe.java" \
        >"$probe/out.log" 2>&1; then
    cat "$probe/out.log" >&2
    die "the extension and a user's own Testcontainers on one class path: see above"
fi
grep -qx "docker.client.strategy=org.testcontainers.dockerclient.[A-Za-z]*" "$probe/home/.testcontainers.properties" \
    && grep -qx "multiarch.docker.client.strategy=io.github.multiarch.junit.shaded.org.testcontainers.dockerclient.[A-Za-z]*" \
        "$probe/home/.testcontainers.properties" \
    || die "each Testcontainers should keep its own strategy in .testcontainers.properties: $(cat "$probe/home/.testcontainers.properties")"

adds=""
bytes=0
for a in multiarch-junit jna; do
    f=$(file_of $a)
    [ -n "$f" ] || die "$a is not on the consumer's class path"
    s=$(stat -c %s "$f")
    bytes=$((bytes + s))
    adds+=" ${f##*/} ($((s / 1024)) KiB)"
done
log "the jar holds only io.github.multiarch.junit classes; the $(wc -l <<<"$missing") packages it refers to and does" \
    "not hold are JUnit's, JNA's and the optional ones listed in tools/check-jar.sh"
log "beside a user's own Testcontainers (its strategy cached), both find the engine:" \
    "$(grep -c "Testcontainers: " "$probe/out.log") of 2"
log "a consumer's test class path gets, besides JUnit's artifacts:$adds:" \
    "$(awk -v b=$bytes 'BEGIN { printf "%.1f", b / 1048576 }') MiB in 2 jars"
