package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.multiarch.junit.internal.runtime.Classpath;
import io.github.multiarch.junit.internal.docker.Docker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive end to end, in host JVMs that have the extension as a jar, as its users
 * have it (in this build it is a directory, which gets no archive): the first run makes the
 * archive in the background, the next runtime maps it (its JVM says so, from its own memory
 * map), and an archive the JVM does not take is deleted while the test still passes.
 */
class ClassDataArchiveTest {

    @TempDir
    static Path work;
    private static List<Path> classpath;

    /** This build's class path with the extension's classes packed into a jar. */
    @BeforeAll
    static void packTheExtensionIntoAJar() throws Exception {
        Path classes = Path.of(RunsOn.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(classes).isDirectory();
        Path jar = work.resolve("multiarch-junit.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        classpath = new ArrayList<>();
        for (Path p : Classpath.current()) {
            classpath.add(p.equals(classes.toAbsolutePath().normalize()) ? jar : p);
        }
        assertThat(classpath).contains(jar);
    }

    @Test
    void theFirstRunMakesTheArchiveTheNextRuntimeMapsItAndOneItCannotTakeIsDeleted() throws Exception {
        Path cache = work.resolve("cds");
        String dir = "multiarch.cds.dir=" + cache;

        String first = run(dir);
        assertThat(first).contains("FINISHED passes() SUCCESSFUL", "making a class-data archive for later runs");
        // The host JVM does not wait for the training at exit: its container finishes the archive
        // on its own and then removes itself.
        await("the detached training to make the archive").atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1)).until(() -> archives(cache).size() == 1);
        await("the training container to remove itself").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500)).until(() -> SharedSession.docker().client().listContainersCmd()
                        .withShowAll(true).withLabelFilter(Map.of(Docker.LABEL, "cds-training-s390x")).exec().isEmpty());
        List<Path> archives = archives(cache);
        assertThat(archives).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).startsWith("s390x-"));
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).as("no temporary or failure files").allMatch(p -> p.toString().endsWith(".jsa"));
        }
        assertThat(Files.size(archives.get(0))).isGreaterThan(1_000_000);

        String second = run(dir);
        assertThat(second).contains("FINISHED passes() SUCCESSFUL", "class-data archive in use")
                .doesNotContain("making a class-data archive");

        Files.write(archives.get(0), new byte[4096]); // not an archive any more: the JVM ignores it
        String third = run(dir);
        assertThat(third).contains("FINISHED passes() SUCCESSFUL", "was not taken by the JVM: deleted");
        assertThat(archives(cache)).isEmpty();
    }

    private static String run(String... params) throws Exception {
        try (HostJvm host = HostJvm.start(List.of(), classpath, CleanupTest.Quick.class, params)) {
            assertThat(host.process.waitFor(5, TimeUnit.MINUTES)).as("host JVM finished").isTrue();
            String output = host.output();
            System.out.println(output.lines().filter(l -> l.contains("[multiarch]")).reduce("", (a, b) -> a + b + "\n"));
            return output;
        }
    }

    private static List<Path> archives(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.toString().endsWith(".jsa")).toList();
        }
    }

}
