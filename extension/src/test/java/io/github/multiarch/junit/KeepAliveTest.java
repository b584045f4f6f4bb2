package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import io.github.multiarch.junit.internal.docker.Docker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code multiarch.keepAlive}, end to end in host JVMs with the extension as a jar (so with the
 * class-data archive, whose class path directories the kept-alive runtime copies only when its
 * next run connects): a run leaves one runtime; the next run of the same set-up takes it and its
 * test sees the files of its own moment, not those of when the runtime was left; a run with
 * another set-up removes the idle one and starts its own; one nobody takes halts after its idle
 * time and removes itself.
 */
class KeepAliveTest {

    private static final String PURPOSE = "kept-alive-s390x";
    private static final String PROBE = "keep-alive-probe.txt";

    @TempDir
    Path work;

    @AfterEach
    void removeWhatIsLeft() {
        for (Container c : keptAlive()) {
            SharedSession.docker().remove(c.getId());
        }
    }

    /** This test's kept-alive runtimes: those that mount its work directory (others may run on the machine). */
    private List<Container> keptAlive() {
        return SharedSession.docker().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Docker.LABEL, PURPOSE)).exec().stream()
                .filter(c -> c.getMounts() != null && c.getMounts().stream()
                        .anyMatch(m -> m.getSource() != null && m.getSource().startsWith(work.toString())))
                .toList();
    }

    @Test
    void theNextRunTakesTheJvmLeftForItAndSeesTheFilesOfItsOwnMoment() throws Exception {
        // the build's class path (the extension as a jar) and a class directory of the project's
        // own, holding the file the remote test reads
        Path classes = work.resolve("project/target/classes");
        Path probe = classes.resolve(PROBE);
        List<Path> cp = new java.util.ArrayList<>(JarClasspath.of(work));
        cp.add(1, classes);
        Files.createDirectories(classes);
        Path cache = work.resolve("cds");
        String archive = "multiarch.cds.dir=" + cache;

        Files.writeString(probe, "first run");
        // the first run ever makes the class-data archive (in the background); wait for it, so
        // that the runtimes below map it and copy their class path directories when taken
        assertThat(run(cp, archive)).contains("FINISHED read() SUCCESSFUL", "probe says: first run");
        await("the class-data archive").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> Files.isDirectory(cache) && Files.list(cache).anyMatch(p -> p.toString().endsWith(".jsa")));

        String first = run(cp, archive, "multiarch.keepAlive=5m");
        assertThat(first).contains("FINISHED read() SUCCESSFUL", "probe says: first run", "class-data archive in use",
                "s390x JVM kept alive for the next run of this project, for up to 300 s").doesNotContain("kept alive since");
        Container left = single(keptAlive());

        Files.writeString(probe, "second run"); // after the runtime was left: what its next run must see
        String second = run(cp, archive, "multiarch.keepAlive=5m");
        assertThat(second).contains("FINISHED read() SUCCESSFUL", "probe says: second run", "kept alive since",
                "container " + left.getId().substring(0, 12), "class-data archive in use");
        Container again = single(keptAlive());
        assertThat(again.getId()).as("a new one left; the one taken is removed with its run").isNotEqualTo(left.getId());

        // as `mvn clean` does: the directory made anew, which the one left cannot see; it goes
        deleteTree(classes);
        Files.createDirectories(classes);
        Files.writeString(probe, "after clean");
        String clean = run(cp, archive, "multiarch.keepAlive=5m");
        assertThat(clean).contains("FINISHED read() SUCCESSFUL", "probe says: after clean", "removing the JVM an earlier"
                + " run kept alive: a file it mounts, the image or the class-data archive changed since (container "
                + again.getId().substring(0, 12) + ")").doesNotContain("kept alive since");
        Container afterClean = single(keptAlive());

        // other settings (another heap): a runtime of their own, and the other one stays for its settings
        String other = run(cp, archive, "multiarch.keepAlive=5m", "multiarch.jvm.args=-Xmx256m");
        assertThat(other).contains("FINISHED read() SUCCESSFUL", "probe says: after clean", "heap 256 MiB")
                .doesNotContain("kept alive since", "removing the JVM");
        assertThat(keptAlive()).hasSize(2).anyMatch(c -> c.getId().equals(afterClean.getId()));

        // one nobody takes halts after its idle time, and its container removes itself
        String shortLived = run(cp, archive, "multiarch.keepAlive=3s", "multiarch.jvm.args=-Xmx256m");
        assertThat(shortLived).contains("FINISHED read() SUCCESSFUL", "kept alive since",
                "kept alive for the next run of this project, for up to 3 s");
        await("the idle kept-alive JVM to halt and its container to go").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(1)).until(() -> keptAlive().size() == 1);
        assertThat(single(keptAlive()).getId()).isEqualTo(afterClean.getId());
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aKeepAliveThatIsNoDurationIsRefusedWithTheFormat() throws Exception {
        String output = run(List.of(), "multiarch.keepAlive=forever");
        assertThat(output).contains("Configuration parameter multiarch.keepAlive=forever is not valid: give how long a"
                + " JVM left for the next run may wait for it, from 1 s to 24 h").doesNotContain("kept alive");
    }

    private static Container single(List<Container> containers) {
        assertThat(containers).as("kept-alive runtimes").hasSize(1);
        return containers.get(0);
    }


    private static String run(List<Path> cp, String... params) throws Exception {
        long t0 = System.nanoTime();
        try (HostJvm host = cp.isEmpty() ? HostJvm.start(List.of(), Probe.class, params)
                : HostJvm.start(List.of(), List.of(), cp, Probe.class, params)) {
            assertThat(host.process.waitFor(5, TimeUnit.MINUTES)).as("host JVM finished").isTrue();
            String output = host.output();
            System.out.printf("host JVM: %.1f s%n%s", (System.nanoTime() - t0) / 1e9, output.lines()
                    .filter(l -> l.contains("[multiarch]") || l.startsWith("FINISHED") || l.contains("probe says"))
                    .reduce("", (a, b) -> a + b + "\n"));
            return output;
        }
    }

    /** Reads the probe file from the class path, as the remote JVM finds it. */
    @RunsOn("s390x")
    public static class Probe {
        @Test
        void read() throws IOException {
            Assertions.assertEquals("s390x", System.getProperty("os.arch"));
            try (InputStream in = Probe.class.getResourceAsStream("/" + PROBE)) {
                Assertions.assertNotNull(in, PROBE + " on the class path");
                System.out.println("probe says: " + new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }
}
