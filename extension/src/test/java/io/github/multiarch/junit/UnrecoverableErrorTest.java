package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiarch.junit.internal.remote.RemoteThrowable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * End to end against the real engine, kernel and an s390x JVM under QEMU: an error JUnit does
 * not recover from ({@link OutOfMemoryError}), thrown by a remote test, fails that test alone;
 * the run goes on, and the next test runs in a fresh JVM.
 */
class UnrecoverableErrorTest {

    /** This JVM: its container (Docker sets {@code HOSTNAME} to the container's id) and a name of its own. */
    private static final String JVM = System.getenv("HOSTNAME") + " " + UUID.randomUUID();

    @Test
    void aThrownOutOfMemoryErrorFailsThatTestAndTheNextTestRunsInAFreshJvm() {
        Throwable failure = assertOnlyTheMiddleTestFailed(Kit.run(Thrown.class), "throwsOutOfMemoryError");

        assertThat(failure).hasMessage("provoked on s390x (in the s390x JVM, where JUnit treats it as unrecoverable"
                + " and stopped the remote run; that JVM is not used again, the next test gets a fresh one)");
        assertThat(failure.getStackTrace()).anySatisfy(frame ->
                assertThat(frame.toString()).contains("UnrecoverableErrorTest$Thrown.throwsOutOfMemoryError"));
    }

    @Test
    void exhaustingTheHeapFailsThatTestAndTheNextTestRunsInAFreshJvm() {
        // (a small heap: the remote JVM's follows the host's otherwise, which may be gigabytes)
        Throwable failure = assertOnlyTheMiddleTestFailed(
                Kit.run(ExhaustsTheHeap.class, "multiarch.jvm.args", "-Xmx256m"), "exhaustsTheHeap");

        assertThat(failure).hasMessageStartingWith("Java heap space (in the s390x JVM, where JUnit treats it as"
                + " unrecoverable");
    }

    /**
     * Asserts that of the three tests of a fixture only {@code middle} failed, with an
     * OutOfMemoryError of the s390x JVM, that the class itself did not fail, and that the first
     * and the last test ran in different JVMs; returns the failure.
     */
    private static Throwable assertOnlyTheMiddleTestFailed(EngineExecutionResults results, String middle) {
        Events tests = results.testEvents();
        tests.assertStatistics(s -> s.started(3).succeeded(2).failed(1).aborted(0));
        Event failed = tests.failed().stream().findFirst().orElseThrow();
        assertThat(failed.getTestDescriptor().getDisplayName()).isEqualTo(middle + "()");
        assertThat(results.containerEvents().failed().count()).as("failed containers").isZero();
        assertThat(Kit.reportedJvms(results)).as("the JVMs of the first and the last test").hasSize(2).doesNotHaveDuplicates();

        Throwable failure = failed.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow();
        assertThat(failure).isInstanceOf(RemoteThrowable.class);
        assertThat(((RemoteThrowable) failure).originalClassName()).isEqualTo(OutOfMemoryError.class.getName());
        assertThat(failure.toString()).startsWith("java.lang.OutOfMemoryError: ");
        return failure;
    }

    /** Publishes which JVM runs the calling test. */
    static void reportJvm(TestReporter reporter) {
        reporter.publishEntry("jvm", JVM);
    }

    /**
     * A first and a third test that say which JVM runs them, around each fixture's second. (The
     * order is set on each fixture: {@code @RunsOn} brings its own orderer, which a class's own
     * {@code @TestMethodOrder} replaces, but not one inherited from a superclass.)
     */
    abstract static class AroundTheError {
        @Test
        @Order(1)
        void before(TestReporter reporter) {
            reportJvm(reporter);
        }

        @Test
        @Order(3)
        void after(TestReporter reporter) {
            reportJvm(reporter);
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Thrown extends AroundTheError {
        @Test
        @Order(2)
        void throwsOutOfMemoryError() {
            throw new OutOfMemoryError("provoked on " + System.getProperty("os.arch"));
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ExhaustsTheHeap extends AroundTheError {
        /** Fills the heap in sixteenths (large enough to go straight to the old generation) until it is full. */
        @Test
        @Order(2)
        void exhaustsTheHeap() {
            int longs = (int) Math.min(Integer.MAX_VALUE - 16L, Runtime.getRuntime().maxMemory() / 16 / Long.BYTES);
            List<long[]> hoard = new ArrayList<>();
            while (true) {
                hoard.add(new long[longs]);
            }
        }
    }
}
