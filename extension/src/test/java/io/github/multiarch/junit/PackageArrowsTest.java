package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages' arrows point one way (README, "Layout"): the API package on top uses the internal
 * packages, and each internal package uses only those below it, never the API. Read from the
 * sources: every mention of a project package (imports and qualified names) is an arrow.
 */
class PackageArrowsTest {

    private static final String ROOT = "io.github.multiarch.junit";

    /** Each package and the project packages it may use. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            ROOT, Set.of("internal.arch", "internal.docker", "internal.binfmt", "internal.remote", "internal.runtime"),
            "internal.runtime", Set.of("internal.arch", "internal.docker", "internal.binfmt", "internal.remote"),
            "internal.remote", Set.of("internal.arch"),
            "internal.binfmt", Set.of("internal.arch", "internal.docker"),
            "internal.docker", Set.of("internal.arch"),
            "internal.docker.slf4j", Set.of("internal.arch"),
            "internal.arch", Set.of());

    private static final Pattern MENTION = Pattern.compile("\\bio\\.github\\.multiarch\\.junit((?:\\.[a-z]\\w*)*)");

    @Test
    void everyPackageUsesOnlyThePackagesBelowIt() throws IOException {
        Set<String> wrong = new TreeSet<>();
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                Matcher declared = Pattern.compile("(?m)^package io\\.github\\.multiarch\\.junit((?:\\.\\w+)*);")
                        .matcher(source);
                assertThat(declared.find()).as(file + " declares its package").isTrue();
                String own = name(declared.group(1));
                packages.add(own);
                Matcher m = MENTION.matcher(source.substring(declared.end()));
                while (m.find()) {
                    String used = name(m.group(1));
                    if (!used.equals(own) && !ALLOWED.getOrDefault(own, Set.of()).contains(used)) {
                        wrong.add(file.getFileName() + ": " + own + " -> " + used);
                    }
                }
            }
        }
        assertThat(packages).as("the packages this test knows").isEqualTo(new TreeSet<>(ALLOWED.keySet()));
        assertThat(wrong).as("arrows that point the wrong way").isEmpty();
    }

    private static String name(String suffix) {
        return suffix.isEmpty() ? ROOT : suffix.substring(1);
    }
}
