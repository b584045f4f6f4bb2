package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.multiarch.junit.internal.arch.MultiarchException;
import io.github.multiarch.junit.internal.runtime.Classpath;
import java.io.File;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * End to end against the real engine and an s390x JVM under QEMU: the remote JVM is set up like
 * Surefire's fork of this very build (README, "What the remote JVM gets"): the module's files by
 * relative path, {@code target/} writable with the build user's ownership, the system properties
 * and environment variables the build passes, the heap and collector of the test JVM, and
 * {@code multiarch.jvm.args}. A JVM killed for memory says so.
 */
class RemoteJvmSetupTest {

    /** What the fixtures write under target/, removed afterwards. */
    private static final Path WRITTEN = Path.of("target", "multiarch-setup-test").toAbsolutePath();

    @AfterAll
    static void removeWhatTheFixturesWrote() throws IOException {
        if (Files.exists(WRITTEN)) {
            try (Stream<Path> files = Files.walk(WRITTEN)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void theModulesFilesResolveByRelativeAndAbsolutePathAndAreReadOnly() {
        Map<String, String> remote = passed(Kit.run(ModuleFiles.class), 1);

        assertThat(remote).containsEntry("user.dir", System.getProperty("user.dir"));
    }

    @Test
    void aFileWrittenUnderTargetIsOnTheHostOwnedByTheBuildUser() throws IOException {
        Map<String, String> remote = passed(Kit.run(WritesUnderTarget.class), 1);

        Path written = Path.of(remote.get("written"));
        assertThat(written).startsWith(WRITTEN).hasContent("written on s390x");
        Path mine = Files.writeString(WRITTEN.resolve("by-the-host.txt"), "written on the host");
        assertThat(Files.getAttribute(written, "unix:uid")).as("owner").isEqualTo(Files.getAttribute(mine, "unix:uid"));
        assertThat(Files.getAttribute(written, "unix:gid")).as("group").isEqualTo(Files.getAttribute(mine, "unix:gid"));
        assertThat(remote.get("ids")).as("the remote JVM's uid and gid").isEqualTo(ids());
    }

    @Test
    void systemPropertiesAndEnvironmentOfTheBuildReachTheRemoteJvm() {
        String value = "a value with spaces, \"quotes\", a \\ and \u00fc " + UUID.randomUUID();
        System.setProperty("setup.test.property", value);
        try {
            // (a fresh runtime, which takes this JVM's properties as it starts)
            Map<String, String> remote = passed(Kit.run(Reports.class,
                    Settings.JVM_ARGS, "-Dsetup.test.fresh=" + UUID.randomUUID()), 1);

            assertThat(remote).containsEntry("prop.setup.test.property", value)
                    .containsEntry("prop.file.encoding", System.getProperty("file.encoding"))
                    .containsEntry("prop.user.language", System.getProperty("user.language"))
                    .containsEntry("prop.user.country", String.valueOf(System.getProperty("user.country")))
                    .containsEntry("prop.user.timezone", TimeZone.getDefault().getID())
                    .containsEntry("prop.java.io.tmpdir", "/tmp")
                    .containsEntry("prop.user.home", "/tmp")
                    .containsEntry("env.HOME", "/tmp")
                    .containsEntry("env.TMPDIR", "/tmp")
                    .containsEntry("tmp.writable", "true");
            // the JVM's own and the machine's are the container's
            assertThat(remote.get("prop.java.home")).isNotEqualTo(System.getProperty("java.home"));
            assertThat(remote.get("prop.os.arch")).isEqualTo("s390x");
            assertThat(remote.get("env.JAVA_HOME")).isNotEqualTo(String.valueOf(System.getenv("JAVA_HOME")))
                    .contains("s390x");
            assertThat(remote.get("env.HOSTNAME")).isNotEqualTo(System.getenv("HOSTNAME"));
            assertThat(remote).containsEntry("prop.multiarch.image.s390x", "null")
                    .containsEntry("prop.surefire.test.class.path", "null");
            // Surefire's <environmentVariables> of this module
            String ryuk = System.getenv("TESTCONTAINERS_RYUK_DISABLED");
            assumeTrue(ryuk != null, "run by Surefire with this module's <environmentVariables>");
            assertThat(remote).containsEntry("env.TESTCONTAINERS_RYUK_DISABLED", ryuk);
            assertThat(System.getProperty("surefire.test.class.path")).as("this JVM is Surefire's fork").isNotNull();
        } finally {
            System.clearProperty("setup.test.property");
        }
    }

    @Test
    void theHeapAndCollectorFollowThisJvm() {
        Map<String, String> remote = passed(Kit.run(Reports.class), 1);

        long host = Runtime.getRuntime().maxMemory();
        assertThat(Long.parseLong(remote.get("maxMemory"))).as("the remote max heap, this JVM's is " + host)
                .isCloseTo(host, within(host / 50));
        assertThat(remote.get("collectors")).isEqualTo(collectors());
    }

    @Test
    void multiarchJvmArgsSetTheHeap() {
        Map<String, String> remote = passed(Kit.run(Reports.class, Settings.JVM_ARGS, "-Xmx200m"), 1);

        assertThat(Long.parseLong(remote.get("maxMemory"))).isCloseTo(200L << 20, within(4L << 20));
        assertThat(remote.get("collectors")).isEqualTo(collectors());
    }

    /**
     * A test JVM started as Surefire starts it with {@code argLine} and {@code environmentVariables}:
     * its -Xmx, -D and environment variable reach the remote JVM.
     */
    @Test
    void aTestJvmsArgLineAndEnvironmentReachTheRemoteJvm() throws Exception {
        Path output = Files.createTempFile("multiarch-argline", ".log");
        try {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx300m", "-Dsetup.test.argline=from the argLine", "-cp",
                    Classpath.current().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)),
                    LaunchMain.class.getName(), ArgLine.class.getName(), "multiarch.image.s390x=" + Kit.S390X_IMAGE));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
            builder.environment().put("SETUP_TEST_ENV", "from the build's environment");
            Process process = builder.start();
            try {
                assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the test JVM finished").isTrue();
            } finally {
                process.destroyForcibly();
            }
            String log = Files.readString(output);
            System.out.println(log);
            assertThat(log).contains("FINISHED seesTheArgLine() SUCCESSFUL", "heap 300 MiB");
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /**
     * The JVM of a runtime whose container runs out of memory (its limit lowered while it runs, as
     * a memory-limited container or a full machine would) is reported as killed for memory, with
     * its heap, and the next test gets a fresh JVM.
     */
    @Test
    void aJvmKilledForMemoryIsReportedAsThat() throws Exception {
        String[] args = {Settings.JVM_ARGS, "-Xmx1g -Dsetup.test.oom=" + UUID.randomUUID()};
        String container = passed(Kit.run(Reports.class, args), 1).get("env.HOSTNAME");
        long usage = memoryUsage(container);
        long limit = usage + (96L << 20);
        SharedSession.docker().client().updateContainerCmd(container).withMemory(limit).withMemorySwap(limit).exec();

        EngineExecutionResults results = Kit.run(FillsTheContainer.class, args);

        Event failed = results.testEvents().failed().stream().findFirst().orElseThrow(
                () -> new AssertionError("no test failed: " + results.testEvents().list()));
        Throwable failure = failed.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        System.out.println("The failure: " + failure.getMessage());
        assertThat(failure).isInstanceOf(MultiarchException.class);
        assertThat(failure.getMessage()).contains("The s390x JVM went away while running",
                "The s390x JVM was killed by the kernel's OOM killer or the container's memory limit"
                        + " (State.OOMKilled, exit code 137; its heap, -Xmx, was 1024 MiB)");
        assertThat(passed(Kit.run(Reports.class, args), 1).get("env.HOSTNAME")).as("a fresh runtime")
                .isNotEqualTo(container);
    }

    @Test
    void anOptionTheRemoteJvmRefusesAndAnUnclosedQuoteAreReportedAsSuch() {
        Throwable refused = firstFailure(Kit.run(Reports.class, Settings.JVM_ARGS, "-XX:+NoSuchOptionOfMultiarch"));
        assertThat(refused).isInstanceOf(MultiarchException.class)
                .hasMessageContaining("The s390x JVM exited before it was ready")
                .hasMessageContaining("exit code 1)")
                .hasMessageContaining("Unrecognized VM option 'NoSuchOptionOfMultiarch'");

        Throwable unclosed = firstFailure(Kit.run(Reports.class, Settings.JVM_ARGS, "-Dx=\"open"));
        assertThat(unclosed).isInstanceOf(org.junit.jupiter.api.extension.ExtensionConfigurationException.class)
                .hasMessageStartingWith("Configuration parameter multiarch.jvm.args=-Dx=\"open is not valid: a quote (\")"
                        + " is not closed");
    }

    // ---- fixtures: they run in the s390x JVM ----

    @RunsOn("s390x")
    static class ModuleFiles {
        @Test
        void readsTheModulesFilesByRelativePath(TestReporter reporter) throws IOException {
            assertEquals("read in the s390x JVM by a relative path\n",
                    Files.readString(Path.of("src/test/resources/multiarch-setup/greeting.txt")));
            assertThat(Files.readString(Path.of("pom.xml"))).contains("<artifactId>multiarch-junit</artifactId>");
            assertTrue(Files.isRegularFile(Path.of(System.getProperty("user.dir"), "pom.xml")), "by absolute path");
            assertTrue(Files.isRegularFile(Path.of("target/test-classes/multiarch-setup/greeting.txt")));
            assertThrows(IOException.class, () -> Files.writeString(Path.of("src/written-remotely.txt"), "x"),
                    "the module's sources are read-only");
            reporter.publishEntry("user.dir", System.getProperty("user.dir"));
        }
    }

    @RunsOn("s390x")
    static class WritesUnderTarget {
        @Test
        void writesAFile(TestReporter reporter) throws IOException {
            Path dir = Files.createDirectories(Path.of("target", "multiarch-setup-test"));
            Path file = Files.writeString(dir.resolve(UUID.randomUUID() + ".txt"), "written on " + System.getProperty("os.arch"));
            reporter.publishEntry(Map.of("written", file.toAbsolutePath().toString(), "ids", ids()));
        }
    }

    /** Publishes what the remote JVM has. */
    @RunsOn("s390x")
    static class Reports {
        @Test
        void reports(TestReporter reporter) throws IOException {
            Map<String, String> values = new HashMap<>();
            for (String p : List.of("setup.test.property", "file.encoding", "user.language", "user.country",
                    "user.timezone", "java.io.tmpdir", "user.home", "java.home", "os.arch", "multiarch.image.s390x",
                    "surefire.test.class.path")) {
                values.put("prop." + p, String.valueOf(System.getProperty(p)));
            }
            for (String e : List.of("HOME", "TMPDIR", "JAVA_HOME", "HOSTNAME", "TESTCONTAINERS_RYUK_DISABLED")) {
                values.put("env." + e, String.valueOf(System.getenv(e)));
            }
            Path temp = Files.createTempFile("remote", ".tmp");
            values.put("tmp.writable", String.valueOf(Files.isWritable(temp)));
            Files.delete(temp);
            values.put("maxMemory", Long.toString(Runtime.getRuntime().maxMemory()));
            values.put("collectors", collectors());
            reporter.publishEntry(values);
        }
    }

    @RunsOn("s390x")
    static class ArgLine {
        @Test
        void seesTheArgLine() {
            assertEquals("from the argLine", System.getProperty("setup.test.argline"));
            assertEquals("from the build's environment", System.getenv("SETUP_TEST_ENV"));
            assertThat(Runtime.getRuntime().maxMemory()).isCloseTo(300L << 20, within(6L << 20));
        }
    }

    @RunsOn("s390x")
    static class FillsTheContainer {
        /** Holds what it allocates: each array is written as the JVM zeroes it, so the container's memory fills. */
        @Test
        void fillsTheContainer() {
            List<byte[]> hoard = new ArrayList<>();
            for (int i = 0; i < 14; i++) {
                hoard.add(new byte[64 << 20]);
            }
            throw new AssertionError("not killed with " + hoard.size() * 64 + " MiB allocated");
        }
    }

    // ---- helpers ----

    /** The report entries the run published, after checking that its {@code tests} tests all passed. */
    private static Map<String, String> passed(EngineExecutionResults results, int tests) {
        results.testEvents().assertStatistics(s -> s.started(tests).succeeded(tests));
        Map<String, String> entries = new HashMap<>();
        results.allEvents().reportingEntryPublished().map(e -> e.getRequiredPayload(ReportEntry.class))
                .forEach(entry -> entries.putAll(entry.getKeyValuePairs()));
        return entries;
    }

    /** The failure of the first test or container of the run that failed. */
    private static Throwable firstFailure(EngineExecutionResults results) {
        return results.allEvents().failed().stream().findFirst()
                .orElseThrow(() -> new AssertionError("nothing failed: " + results.allEvents().list()))
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    }

    /** The names of this JVM's garbage collectors. */
    static String collectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).sorted()
                .collect(Collectors.joining(", "));
    }

    /** This process's effective uid and gid ({@code /proc/self/status}). */
    static String ids() {
        try {
            String uid = null;
            String gid = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("Uid:")) {
                    uid = line.split("\\s+")[2];
                } else if (line.startsWith("Gid:")) {
                    gid = line.split("\\s+")[2];
                }
            }
            return uid + ":" + gid;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The container's memory use as the engine counts it against a limit. */
    private static long memoryUsage(String container) throws InterruptedException {
        var stats = new ArrayList<com.github.dockerjava.api.model.Statistics>();
        var callback = new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Statistics>() {
            @Override
            public void onNext(com.github.dockerjava.api.model.Statistics s) {
                synchronized (stats) {
                    stats.add(s);
                }
            }
        };
        SharedSession.docker().client().statsCmd(container).withNoStream(true).exec(callback).awaitCompletion(30, TimeUnit.SECONDS);
        synchronized (stats) {
            assertThat(stats).as("the container's statistics").isNotEmpty();
            return stats.get(0).getMemoryStats().getUsage();
        }
    }
}
