package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * JUnit's parallel mode with {@code @RunsOn}: the tests of a remote class run one at a time, in
 * order, while classes, and so architectures, run at the same time, each test's output staying
 * with that test.
 */
class ConcurrencyTest {

    private static final String PARALLEL = "junit.jupiter.execution.parallel.enabled";

    @Test
    void underConcurrentByDefaultTheTestsOfARemoteClassStillRunOneAtATime() {
        EngineExecutionResults results = Kit.run(OneAtATime.class, PARALLEL, "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4");

        results.testEvents().assertStatistics(s -> s.started(4).succeeded(4).failed(0));
    }

    @Test
    void anExplicitConcurrentExecutionIsRefusedWithTheFix() {
        EngineExecutionResults results = Kit.run(ExplicitlyConcurrent.class, PARALLEL, "true");

        results.testEvents().assertStatistics(s -> s.started(2).failed(2));
        results.testEvents().assertThatEvents().haveExactly(2, finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class), message(m -> m.contains("one at a time, in order")
                        && m.contains("@Execution(SAME_THREAD)") && m.contains("mode.default=concurrent"))));
    }

    /** Through the Launcher, which (unlike EngineTestKit) captures each test's output as JUnit does for reports. */
    @Test
    void twoArchitecturesAtTheSameTimeKeepEachTestsOutputWithThatTest() {
        Map<String, String> stdout = new ConcurrentHashMap<>();
        Map<String, Instant> starts = new ConcurrentHashMap<>();
        Map<String, Instant> ends = new ConcurrentHashMap<>();
        Map<String, TestExecutionResult> results = new ConcurrentHashMap<>();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(TalksOnS390x.class), selectClass(TalksOnArm64.class))
                .configurationParameter("multiarch.image.s390x", Kit.S390X_IMAGE)
                .configurationParameter("multiarch.image.arm64", Kit.ARM64_IMAGE)
                .configurationParameter(PARALLEL, "true")
                // (@RunsOn classes are class templates: JUnit runs them by mode.default, not mode.classes.default)
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.platform.output.capture.stdout", "true")
                .build(), new TestExecutionListener() {
                    @Override
                    public void executionStarted(TestIdentifier id) {
                        starts.put(id.getUniqueId(), Instant.now());
                    }

                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        ends.put(id.getUniqueId(), Instant.now());
                        if (id.isTest()) {
                            results.put(id.getUniqueId(), result);
                        }
                    }

                    @Override
                    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
                        String out = entry.getKeyValuePairs().get("stdout");
                        if (out != null) {
                            stdout.merge(id.getUniqueId(), out, String::concat);
                        }
                    }
                });

        assertThat(results).hasSize(6).allSatisfy((id, result) ->
                assertThat(result.getStatus()).as(id + ": " + result).isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
        // the two classes ran at the same time
        String s390x = "[class:" + TalksOnS390x.class.getName() + "]";
        String arm64 = "[class:" + TalksOnArm64.class.getName() + "]";
        assertThat(at(starts, s390x)).isBefore(at(ends, arm64));
        assertThat(at(starts, arm64)).isBefore(at(ends, s390x));
        // and each test's captured output is its own, from its own architecture
        assertThat(stdout).hasSize(6);
        stdout.forEach((id, out) -> {
            String arch = id.contains("TalksOnS390x") ? "s390x" : "aarch64";
            String name = id.substring(id.lastIndexOf("[method:") + 8, id.lastIndexOf('('));
            assertThat(out).as(id).isEqualTo(("from " + arch + " " + name + System.lineSeparator()).repeat(3));
        });
    }

    private static Instant at(Map<String, Instant> times, String suffix) {
        return times.entrySet().stream().filter(e -> e.getKey().endsWith(suffix)).map(Map.Entry::getValue)
                .findFirst().orElseThrow(() -> new AssertionError("no event for " + suffix));
    }

    /**
     * A host {@code @Timeout} in one class while another class's test runs in the same s390x JVM:
     * only the timed-out test loses; the runtime takes no new session and stops once the other
     * class is done.
     */
    @Test
    void aTimeoutInOneClassDoesNotStopTheRuntimeUnderAnotherClassRunningInParallel() {
        EngineExecutionResults results = Kit.engine()
                .selectors(selectClass(TimesOut.class), selectClass(TakesItsTime.class))
                .configurationParameter("multiarch.image.s390x", Kit.S390X_IMAGE)
                .configurationParameter(PARALLEL, "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
                .execute();

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        results.testEvents().assertThatEvents().haveExactly(1, finishedWithFailure(
                instanceOf(java.util.concurrent.TimeoutException.class)));
        results.testEvents().succeeded().assertThatEvents().allMatch(e -> e.getTestDescriptor().getUniqueId()
                .toString().contains(TakesItsTime.class.getSimpleName()));
    }

    @RunsOn("s390x")
    static class TimesOut {
        @Test
        @org.junit.jupiter.api.Timeout(value = 4, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SAME_THREAD)
        void never() {
            long end = System.nanoTime() + 300_000_000_000L;
            while (System.nanoTime() < end) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ignored) {
                    // does not stop when asked (remotely, JUnit's own @Timeout asks): the host gives it up
                }
            }
        }
    }

    @RunsOn("s390x")
    static class TakesItsTime {
        @Test
        void tenSeconds() throws InterruptedException {
            Thread.sleep(10_000); // still running when the other class's test times out
            assertEquals("s390x", System.getProperty("os.arch"));
        }
    }

    @RunsOn("s390x")
    static class OneAtATime {
        static final AtomicInteger RUNNING = new AtomicInteger();

        private static void alone() throws InterruptedException {
            assertEquals(1, RUNNING.incrementAndGet(), "another test of the class runs at the same time");
            Thread.sleep(150);
            RUNNING.decrementAndGet();
        }

        @Test
        void one() throws InterruptedException {
            alone();
        }

        @Test
        void two() throws InterruptedException {
            alone();
        }

        @Test
        void three() throws InterruptedException {
            alone();
        }

        @Test
        void four() throws InterruptedException {
            alone();
        }
    }

    @RunsOn("s390x")
    @Execution(ExecutionMode.CONCURRENT)
    static class ExplicitlyConcurrent {
        @Test
        void one() {
        }

        @Test
        void two() {
        }
    }

    /** Three tests that each print three lines naming their CPU, with pauses: run by the two classes below. */
    abstract static class Talks {
        private static void talk(TestInfo info) throws InterruptedException {
            for (int i = 0; i < 3; i++) {
                System.out.println("from " + System.getProperty("os.arch") + " " + info.getTestMethod().orElseThrow().getName());
                Thread.sleep(100);
            }
        }

        @Test
        void first(TestInfo info) throws InterruptedException {
            talk(info);
        }

        @Test
        void second(TestInfo info) throws InterruptedException {
            talk(info);
        }

        @Test
        void third(TestInfo info) throws InterruptedException {
            talk(info);
        }
    }

    @RunsOn("s390x")
    static class TalksOnS390x extends Talks {
    }

    @RunsOn("arm64")
    static class TalksOnArm64 extends Talks {
    }
}
