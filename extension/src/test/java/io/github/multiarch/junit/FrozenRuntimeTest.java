package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiarch.junit.internal.runtime.RemoteRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * End to end against the real engine and an s390x JVM: a runtime that stops answering (its
 * container paused with the engine's own {@code docker pause}) fails the test waiting on it
 * after the liveness bound, with the evidence, is removed, and the next test gets a fresh one;
 * and an error on the engine's wait stream of a runtime that still runs does not replace it.
 */
class FrozenRuntimeTest {

    /** The marker a fixture's first test writes its container's id into, then waits (a system property of its JVM). */
    private static final String MARKER = "frozen.marker";

    @Test
    void aPausedRuntimeFailsItsTestWithTheEvidenceAndTheNextTestGetsAFreshOne(@TempDir Path dir) throws Exception {
        Path marker = Path.of("target").toAbsolutePath().resolve("frozen-" + dir.getFileName());
        String container = null;
        try {
            // (the marker's property in multiarch.jvm.args also gives this test a runtime of its own)
            CompletableFuture<EngineExecutionResults> run = CompletableFuture.supplyAsync(() -> Kit.run(Paused.class,
                    "multiarch.jvm.args", "-D" + MARKER + "=" + marker, Settings.LIVENESS_TIMEOUT, "4s"));
            container = Kit.awaitMarker(marker, run);
            SharedSession.docker().client().pauseContainerCmd(container).exec();

            EngineExecutionResults results = run.get(5, TimeUnit.MINUTES);

            results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
            Event failed = results.testEvents().failed().stream().findFirst().orElseThrow();
            assertThat(failed.getTestDescriptor().getDisplayName()).isEqualTo("waitsToBePaused(TestReporter)");
            Throwable failure = failed.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
            assertThat(failure.getMessage()).contains(
                    "The s390x JVM went away while running",
                    "its container is paused (State.Paused: `docker pause`, or a frozen cgroup)",
                    "(multiarch.runtime.livenessTimeout=4 s; set it higher if the machine is that slow)",
                    "The host gave it up and removed it; the next test gets a fresh s390x JVM",
                    "(container " + container);
            assertThat(Kit.reportedJvms(results)).as("the JVMs of the two tests").hasSize(2).doesNotHaveDuplicates()
                    .first().isEqualTo(container);
            assertThat(Kit.containerExists(container)).as("the paused container is removed").isFalse();
            container = null;
        } finally {
            Files.deleteIfExists(marker);
            if (container != null && Kit.containerExists(container)) { // (the test failed: leave nothing behind)
                SharedSession.docker().client().removeContainerCmd(container).withForce(true).exec();
            }
        }
    }

    @Test
    void anErrorOnTheWaitStreamOfARunningRuntimeDoesNotReplaceIt(@TempDir Path dir) {
        String[] settings = {"multiarch.jvm.args", "-Dwait.stream.test=" + dir.getFileName()}; // a runtime of its own
        EngineExecutionResults first = Kit.run(Reporting.class, settings);
        first.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        String container = Kit.reportedJvms(first).get(0);
        RemoteRuntime runtime = SharedSession.runtimes().running().stream()
                .filter(r -> r.containerId().startsWith(container)).findFirst().orElseThrow();

        runtime.waitStreamBroke(new IOException("the wait stream, cut by this test"));
        sleep(Duration.ofSeconds(3)); // (what an error taken for the exit did at once)

        assertThat(runtime.isAlive()).as("the runtime whose wait stream broke").isTrue();
        EngineExecutionResults second = Kit.run(Reporting.class, settings);
        second.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(Kit.reportedJvms(second)).as("the JVM of the next run").containsExactly(container);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Paused {
        @Test
        @Order(1)
        void waitsToBePaused(TestReporter reporter) throws Exception {
            reporter.publishEntry("jvm", System.getenv("HOSTNAME"));
            Files.writeString(Path.of(System.getProperty(MARKER)), System.getenv("HOSTNAME"));
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
        }

        @Test
        @Order(2)
        void runsInAFreshJvm(TestReporter reporter) {
            reporter.publishEntry("jvm", System.getenv("HOSTNAME"));
        }
    }

    @RunsOn("s390x")
    static class Reporting {
        @Test
        void reportsItsJvm(TestReporter reporter) {
            reporter.publishEntry("jvm", System.getenv("HOSTNAME"));
        }
    }
}
