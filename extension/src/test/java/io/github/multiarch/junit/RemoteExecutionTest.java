package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.MultiarchException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.EventConditions.uniqueIdSubstring;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Events;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * End to end against the real engine, kernel and an s390x JVM under QEMU: what runs where, how
 * often, and how every outcome comes back.
 */
class RemoteExecutionTest {

    @Test
    void lifecycleAndTestsRunInTheS390xJvmAsOftenAsJUnitSays() {
        Events tests = Kit.run(Lifecycle.class).testEvents();

        tests.assertStatistics(s -> s.started(3).succeeded(3).failed(0).aborted(0));
        // none of it ran on the host: the host's copies of the counters never moved
        assertThat(Lifecycle.beforeAll + Lifecycle.beforeEach + Lifecycle.afterEach + Lifecycle.afterAll).isZero();
    }

    @Test
    void aFailingAfterAllIsReportedOnTheClassAsOnTheHost() {
        EngineExecutionResults results = Kit.run(FailingAfterAll.class);

        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        results.containerEvents().assertThatEvents().haveExactly(1,
                finishedWithFailure(instanceOf(io.github.multiarch.junit.internal.remote.RemoteThrowable.Error.class),
                        message("afterAll on s390x (in the s390x JVM)")));
    }

    @Test
    void everyOutcomeComesBackAsTheRemoteJvmReportedIt() {
        Kit.Captured<EngineExecutionResults> run = Kit.capture(() -> Kit.run(Outcomes.class));
        Events tests = run.value().testEvents();

        tests.assertStatistics(s -> s.started(8).succeeded(3).failed(4).aborted(1));
        tests.assertThatEvents()
                .haveExactly(1, event(test("failsAnAssertion"), finishedWithFailure(
                        instanceOf(AssertionFailedError.class), message("byte order ==> expected: <BIG> but was: <LITTLE>"))))
                .haveExactly(1, event(test("throwsAnException"), finishedWithFailure(
                        instanceOf(IllegalStateException.class), message("thrown on s390x"))))
                .haveExactly(1, event(test("exitsTheJvm"), finishedWithFailure(
                        instanceOf(MultiarchException.class), message(m -> m.contains("went away while running")
                                && m.contains("exit code 3")))))
                .haveExactly(1, event(test("haltsTheJvm"), finishedWithFailure(
                        instanceOf(MultiarchException.class), message(m -> m.contains("exit code 7")
                                && m.contains("halting now")))));
        Throwable failure = tests.failed().filter(e -> e.getTestDescriptor().getDisplayName().startsWith("failsAnAssertion"))
                .findFirst().orElseThrow().getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class)
                .getThrowable().orElseThrow();
        assertThat(failure.getStackTrace()).anySatisfy(frame ->
                assertThat(frame.toString()).contains("RemoteExecutionTest$Outcomes.failsAnAssertion"));
        assertThat(tests.aborted().stream().findFirst().orElseThrow()
                .getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class).getThrowable().orElseThrow())
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("not on this CPU");
        assertThat(run.out()).contains("stdout of failsAnAssertion on s390x");
        assertThat(run.err()).contains("stderr of failsAnAssertion on s390x");
    }

    @Test
    void parameterizedAndRepeatedTestsRunRemotelyOneInvocationAtATime() {
        Events tests = Kit.run(Templates.class).testEvents();

        tests.assertStatistics(s -> s.started(6).succeeded(5).failed(1));
        tests.assertThatEvents().haveExactly(1, event(uniqueIdSubstring("lengths"), finishedWithFailure(
                instanceOf(AssertionFailedError.class), message(m -> m.startsWith("too long on s390x: ccc ==> expected: <true>")))));
    }

    @Test
    void nestedClassesInheritTheArchitectureAndShareTheOuterLifecycle() {
        Events tests = Kit.run(Outer.class).testEvents();

        tests.assertStatistics(s -> s.started(3).succeeded(3));
        assertThat(Outer.beforeAll).isZero();
    }

    @Test
    void aClassNamingSeveralArchitecturesRunsOncePerArchitectureEachItsOwnNode() {
        EngineExecutionResults results = Kit.run(Matrix.class);

        results.testEvents().assertStatistics(s -> s.started(4).succeeded(3).failed(1));
        results.containerEvents().assertThatEvents()
                .haveExactly(1, event(org.junit.platform.testkit.engine.EventConditions.container(
                        org.junit.platform.testkit.engine.EventConditions.displayName("[s390x]")),
                        org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully()))
                .haveExactly(1, event(org.junit.platform.testkit.engine.EventConditions.container(
                        org.junit.platform.testkit.engine.EventConditions.displayName("[arm64]")),
                        org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully()));
        results.testEvents().assertThatEvents().haveExactly(1, event(
                uniqueIdSubstring("class-template-invocation:#2"), uniqueIdSubstring("notOnArm64"),
                finishedWithFailure(instanceOf(AssertionFailedError.class), message(m -> m.startsWith("not on arm64")))));
    }

    @Test
    void runsOnWorksAsAMetaAnnotation() {
        Kit.run(ThroughMetaAnnotation.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }

    /** A team's own annotation. */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.TYPE)
    @RunsOn("s390x")
    @interface OnMainframe {
    }

    @OnMainframe
    static class ThroughMetaAnnotation {
        @Test
        void runsOnS390x() {
            assertEquals("s390x", System.getProperty("os.arch"));
        }
    }

    @RunsOn("s390x")
    @RunsOn("arm64")
    static class Matrix {
        @Test
        void byteOrderFollowsTheCpu() {
            String arch = System.getProperty("os.arch");
            assertEquals(arch.equals("s390x") ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN,
                    java.nio.ByteOrder.nativeOrder(), arch);
            org.junit.jupiter.api.Assertions.assertTrue(arch.equals("s390x") || arch.equals("aarch64"), arch);
        }

        @Test
        void notOnArm64() {
            org.junit.jupiter.api.Assertions.assertNotEquals("aarch64", System.getProperty("os.arch"), "not on arm64");
        }
    }

    @RunsOn("s390x")
    static class Templates {
        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(strings = {"a", "bb", "ccc"})
        void lengths(String s) {
            org.junit.jupiter.api.Assertions.assertTrue(s.length() < 3, "too long on " + System.getProperty("os.arch") + ": " + s);
        }

        @org.junit.jupiter.api.RepeatedTest(3)
        void repeated(org.junit.jupiter.api.RepetitionInfo info) {
            assertEquals("s390x", System.getProperty("os.arch"));
            assertEquals(3, info.getTotalRepetitions());
        }
    }

    @RunsOn("s390x")
    static class Outer {
        static int beforeAll;

        @BeforeAll
        static void once() {
            beforeAll++;
        }

        @Test
        void outer() {
            assertEquals("s390x", System.getProperty("os.arch"));
        }

        @org.junit.jupiter.api.Nested
        class Inner {
            @Test
            void inner() {
                assertEquals("s390x", System.getProperty("os.arch"));
                assertEquals(1, beforeAll, "the outer @BeforeAll ran once, in the same remote JVM");
            }

            @org.junit.jupiter.api.Nested
            class Deeper {
                @Test
                void deeper() {
                    assertEquals("s390x", System.getProperty("os.arch"));
                    assertEquals(1, beforeAll);
                }
            }
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Lifecycle {
        static int beforeAll;
        static int beforeEach;
        static int afterEach;
        static int afterAll;

        @BeforeAll
        static void beforeAll() {
            beforeAll++;
        }

        @BeforeEach
        void beforeEach() {
            beforeEach++;
        }

        @AfterEach
        void afterEach() {
            afterEach++;
        }

        @AfterAll
        static void afterAll() {
            afterAll++;
            assertEquals(3, afterEach, "@AfterAll after the three tests");
        }

        @Test
        @Order(1)
        void first() {
            assertEquals("s390x", System.getProperty("os.arch"));
            assertEquals(1, beforeAll);
            assertEquals(1, beforeEach);
            assertEquals(0, afterEach);
        }

        @Test
        @Order(2)
        void second() {
            assertEquals(1, beforeAll);
            assertEquals(2, beforeEach);
            assertEquals(1, afterEach);
        }

        @Test
        @Order(3)
        void third() {
            assertEquals(1, beforeAll);
            assertEquals(3, beforeEach);
            assertEquals(2, afterEach);
        }
    }

    @RunsOn("s390x")
    static class FailingAfterAll {
        @Test
        void passes() {
        }

        @AfterAll
        static void fails() {
            throw new IllegalStateException("afterAll on " + System.getProperty("os.arch"));
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Outcomes {
        @Test
        @Order(1)
        void passes() {
            assertEquals("s390x", System.getProperty("os.arch"));
        }

        @Test
        @Order(2)
        void failsAnAssertion() {
            System.out.println("stdout of failsAnAssertion on " + System.getProperty("os.arch"));
            System.err.println("stderr of failsAnAssertion on " + System.getProperty("os.arch"));
            assertEquals("BIG", "LITTLE", "byte order");
        }

        @Test
        @Order(3)
        void throwsAnException() {
            throw new IllegalStateException("thrown on " + System.getProperty("os.arch"));
        }

        @Test
        @Order(4)
        void abortsOnAnAssumption() {
            assumeTrue(false, "not on this CPU");
        }

        @Test
        @Order(5)
        void exitsTheJvm() {
            System.exit(3);
        }

        @Test
        @Order(6)
        void runsAfterTheExitInAFreshJvm() {
            assertEquals("s390x", System.getProperty("os.arch"));
        }

        @Test
        @Order(7)
        void haltsTheJvm() throws Exception {
            // straight to the container's output, which the failure quotes as evidence
            new FileOutputStream(FileDescriptor.out).write("halting now\n".getBytes());
            Runtime.getRuntime().halt(7);
        }

        @Test
        @Order(8)
        void runsAfterTheHalt() {
            assertEquals("s390x", System.getProperty("os.arch"));
        }
    }
}
