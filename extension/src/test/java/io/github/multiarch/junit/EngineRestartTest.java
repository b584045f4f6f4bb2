package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * End to end: the Docker engine is stopped while a remote test runs, and started again. The
 * running test fails with the evidence, a test while the engine is down fails saying so, and
 * after the restart a test passes in a fresh runtime; nothing reports a pass that did not
 * happen, and nothing is left behind.
 *
 * <p>It stops the machine's engine, so it runs only where the engine is this project's own:
 * {@code MULTIARCH_ENGINE_CONTROL} names the script that stops ({@code stop}) and starts (no
 * argument) it, as {@code tools/test.sh} sets it to {@code tools/engine.sh}.
 */
@EnabledIfEnvironmentVariable(named = "MULTIARCH_ENGINE_CONTROL", matches = ".+")
class EngineRestartTest {

    private static final String MARKER = "engine.restart.marker";

    @Test
    void stoppingTheEngineFailsTheRunningTestAndOneWhileItIsDownAndAfterItsRestartTestsPass(@TempDir Path dir)
            throws Exception {
        Path marker = Path.of("target").toAbsolutePath().resolve("engine-restart-" + dir.getFileName());
        String container;
        EngineExecutionResults during;
        EngineExecutionResults down;
        try {
            CompletableFuture<EngineExecutionResults> run = CompletableFuture.supplyAsync(() -> Kit.run(Stopped.class,
                    "multiarch.jvm.args", "-D" + MARKER + "=" + marker));
            container = Kit.awaitMarker(marker, run);
            engine("stop");
            try {
                during = run.get(5, TimeUnit.MINUTES);
                down = Kit.run(Reporting.class); // (once the engine is gone: not while it stops)
            } finally {
                engine();
            }
        } finally {
            Files.deleteIfExists(marker);
        }

        during.testEvents().assertStatistics(s -> s.started(1).succeeded(0).failed(1));
        assertThat(failure(during, "runsWhenTheEngineStops(TestReporter)").getMessage())
                .contains("The s390x JVM went away while running", "(container " + container);
        // (the class opens its remote session before its first test: the class fails, its test does not start)
        down.testEvents().assertStatistics(s -> s.started(0));
        Throwable downFailure = down.containerEvents().failed().stream().findFirst().orElseThrow()
                .getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(downFailure.getMessage())
                .contains("The Docker engine (", "did not answer while the s390x JVM was started",
                        "If the engine was stopped or restarted during the run, it must answer again");

        EngineExecutionResults after = Kit.run(Reporting.class);
        assertThat(after.containerEvents().failed().stream()
                .map(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow().toString()))
                .as("the class failures after the restart").isEmpty();
        after.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(Kit.reportedJvms(after)).hasSize(1).doesNotContain(container);
        assertThat(Kit.containerExists(container)).as("the container of the JVM the engine stopped").isFalse();
        assertThat(SharedSession.docker().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.github.multiarch.pid", Long.toString(ProcessHandle.current().pid())))
                .exec()).as("this JVM's containers that do not run (one made while the engine stopped, say)")
                .allSatisfy(c -> assertThat(c.getState()).isEqualTo("running"));
    }

    private static Throwable failure(EngineExecutionResults results, String test) {
        Event failed = results.testEvents().failed().stream()
                .filter(e -> e.getTestDescriptor().getDisplayName().equals(test)).findFirst().orElseThrow();
        return failed.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
    }

    /** Runs the engine control script with {@code args}; fails the test if it fails. */
    private static void engine(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", System.getenv("MULTIARCH_ENGINE_CONTROL")));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as(command + " ended").isTrue();
        assertThat(p.exitValue()).as(command + " exit code").isZero();
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Stopped {
        @Test
        @Order(1)
        void runsWhenTheEngineStops(TestReporter reporter) throws Exception {
            reporter.publishEntry("jvm", System.getenv("HOSTNAME"));
            Files.writeString(Path.of(System.getProperty(MARKER)), System.getenv("HOSTNAME"));
            Thread.sleep(TimeUnit.MINUTES.toMillis(10));
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
