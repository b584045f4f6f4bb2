package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@code multiarch.runAhead}, in a launcher session of its own (as a build's is, with the
 * listeners JUnit loads from {@code META-INF/services}, one of which keeps the test plan): the
 * remote JVM runs a class's plain tests before the host asks for them, and the host reports the
 * same outcomes, output and report entries as without it; it runs only what the host's plan holds.
 *
 * <p>Whether a test ran ahead is read from the clock: each remote test reports when it started
 * ({@link System#nanoTime}, the kernel's monotonic clock, which the host and its containers share),
 * and the host notes when it started the test; without run-ahead the remote start is always later.
 */
class RunAheadTest {

    /** What the host saw of each test: its outcome, and its report entries, by display name. */
    private record Seen(Map<String, String> outcomes, Map<String, Map<String, String>> entries,
                        Map<String, Long> hostStarts) {

        /** The tests whose remote start came before the host started them. */
        List<String> ranAhead() {
            List<String> ahead = new ArrayList<>();
            entries.forEach((test, entry) -> {
                if (entry.containsKey("startedAt") && Long.parseLong(entry.get("startedAt")) < hostStarts.get(test)) {
                    ahead.add(test);
                }
            });
            return ahead;
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES) // (a host and a remote JVM that wait for each other would hang)
    void theRemoteJvmRunsThePlainTestsAheadAndTheHostReportsWhatWithoutIt() {
        Seen lockstep = run(false, selectClass(Mixed.class));
        Seen ahead = run(true, selectClass(Mixed.class));

        assertThat(lockstep.ranAhead()).as("without multiarch.runAhead, no remote test starts before the host asks")
                .isEmpty();
        assertThat(ahead.ranAhead()).as("with it, the plain tests after the one the host paused at start before the"
                + " host reaches them").contains("passes2(TestReporter)", "passes3(TestReporter)", "passes4(TestReporter)");
        assertThat(ahead.outcomes()).isEqualTo(lockstep.outcomes()).containsAllEntriesOf(Map.of(
                "passes1(TestReporter)", "SUCCESSFUL", "passes4(TestReporter)", "SUCCESSFUL", "repetition 1 of 2", "SUCCESSFUL",
                "inner()", "SUCCESSFUL", "Inner", "SUCCESSFUL"));
        assertThat(ahead.outcomes()).doesNotContainKey("a0HostSkips()"); // (skipped on the host: no finished event)
        assertThat(ahead.outcomes().get("fails()")).startsWith("FAILED").contains("expected on s390x");
        assertThat(ahead.outcomes().get("aborts()")).startsWith("ABORTED").contains("aborted on s390x");
        assertThat(ahead.outcomes().get("disabledThere()")).startsWith("ABORTED")
                .contains("Disabled in the remote JVM (os.arch s390x)").contains("ran on s390x");
        assertThat(ahead.entries().get("passes1(TestReporter)")).containsEntry("arch", "s390x");
        assertThat(ahead.entries().get("passes4(TestReporter)")).containsEntry("arch", "s390x")
                .containsEntry("order", "4"); // (the fourth plain test this session ran: none run twice)
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void onlyTheTestsThePlanHoldsRunAhead() {
        Seen seen = run(true, selectMethod(Mixed.class, "passes1", TestReporter.class.getName()),
                selectMethod(Mixed.class, "passes3", TestReporter.class.getName()));

        assertThat(seen.outcomes()).hasSize(3) // (and the class's own)
                .containsEntry("passes1(TestReporter)", "SUCCESSFUL").containsEntry("passes3(TestReporter)", "SUCCESSFUL");
        assertThat(seen.entries().get("passes3(TestReporter)")).as("passes2, which the host did not select, did not run remotely")
                .containsEntry("order", "2");
        // (whether these two ran ahead depends on the template before them, which waits for the host's first Run:
        // this test is about what runs, the one above about running ahead)
    }

    /** The test at whose start the host pauses: the tests after it can run remotely meanwhile, if they run ahead. */
    private static final String SLOW_ON_THE_HOST = "passes1(TestReporter)";

    private static void pause() {
        try {
            Thread.sleep(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Seen run(boolean runAhead, DiscoverySelector... selectors) {
        Map<String, String> outcomes = new ConcurrentHashMap<>();
        Map<String, Map<String, String>> entries = new ConcurrentHashMap<>();
        Map<String, Long> hostStarts = new ConcurrentHashMap<>();
        try (LauncherSession session = LauncherFactory.openSession()) {
            session.getLauncher().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectors)
                    .configurationParameter("multiarch.image.s390x", Kit.S390X_IMAGE)
                    .configurationParameter(Settings.RUN_AHEAD, Boolean.toString(runAhead))
                    .build(), new TestExecutionListener() {
                        @Override
                        public void executionStarted(TestIdentifier id) {
                            hostStarts.put(id.getDisplayName(), System.nanoTime());
                            if (id.getDisplayName().equals(SLOW_ON_THE_HOST)) {
                                pause(); // (the host's own turn, made long: the remote JVM can go on meanwhile)
                            }
                        }

                        @Override
                        public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
                            entries.computeIfAbsent(id.getDisplayName(), k -> new ConcurrentHashMap<>())
                                    .putAll(entry.getKeyValuePairs());
                        }

                        @Override
                        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                            if (id.getSource().isPresent() && !id.getDisplayName().startsWith("JUnit")) {
                                outcomes.put(id.getDisplayName(), result.getStatus()
                                        + result.getThrowable().map(t -> ": " + t).orElse(""));
                            }
                        }
                    });
        }
        return new Seen(Map.copyOf(outcomes), Map.copyOf(entries), Map.copyOf(hostStarts));
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.MethodName.class)
    public static class Mixed {
        /** The plain tests this session ran in this JVM (the class stays loaded in the runtime between sessions). */
        private static final AtomicInteger plain = new AtomicInteger();

        @BeforeAll
        static void newSession() {
            plain.set(0);
        }

        private static void report(TestReporter reporter) {
            reporter.publishEntry(Map.of("startedAt", Long.toString(System.nanoTime()),
                    "arch", System.getProperty("os.arch"), "order", Integer.toString(plain.incrementAndGet())));
        }

        /** Disabled on the host (amd64, aarch64), not on s390x: the remote JVM waits for it until the host is past it. */
        @RepeatedTest(2)
        @DisabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64|aarch64", disabledReason = "not on the host")
        void a0HostSkips() {
        }

        @Test
        void aborts() {
            Assumptions.assumeTrue(false, "aborted on " + System.getProperty("os.arch"));
        }

        @Test
        @DisabledIfSystemProperty(named = "os.arch", matches = "s390x", disabledReason = "ran on s390x")
        void disabledThere() {
        }

        @Test
        void fails() {
            throw new org.opentest4j.AssertionFailedError("expected on " + System.getProperty("os.arch"));
        }

        @Test
        void passes1(TestReporter reporter) {
            report(reporter);
        }

        @Test
        void passes2(TestReporter reporter) {
            report(reporter);
        }

        @Test
        void passes3(TestReporter reporter) {
            report(reporter);
        }

        @Test
        void passes4(TestReporter reporter) {
            report(reporter);
        }

        @RepeatedTest(2)
        void repeated() {
        }

        @Nested
        class Inner {
            @Test
            void inner() {
            }
        }
    }
}
