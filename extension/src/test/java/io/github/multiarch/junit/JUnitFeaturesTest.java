package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.opentest4j.MultipleFailuresError;

/** JUnit features under @RunsOn behave as on the host, only on s390x. */
class JUnitFeaturesTest {

    @Test
    void junitsOwnParametersAndTheUsersExtensionsWorkInTheContainer() {
        EngineExecutionResults results = Kit.run(Features.class);

        results.testEvents().assertStatistics(s -> s.started(5).succeeded(5));
        assertThat(results.allEvents().reportingEntryPublished().map(e -> e.getRequiredPayload(ReportEntry.class))
                .map(ReportEntry::getKeyValuePairs))
                .containsExactly(java.util.Map.of("cpu", "s390x"));
    }

    @Test
    void aConditionThatDisablesATestInTheContainerSkipsItThereWithTheRemoteReason() {
        EngineExecutionResults results = Kit.run(Conditions.class);

        // @EnabledOnOs(architectures = "s390x") is evaluated on the host as well (amd64 here): skipped
        results.testEvents().assertStatistics(s -> s.skipped(1).started(5).aborted(3).succeeded(2).failed(0));
        results.testEvents().skipped().assertThatEvents().singleElement()
                .satisfies(e -> assertThat(e.getTestDescriptor().getDisplayName()).isEqualTo("enabledOnS390x()"));
        results.testEvents().aborted().assertThatEvents().extracting(e -> e.getTestDescriptor().getDisplayName())
                .containsExactly("disabledOnS390x()", "disabledBySystemProperty()", "inner()");
        results.testEvents().assertThatEvents().haveExactly(1, event(test("disabledOnS390x"),
                org.junit.platform.testkit.engine.EventConditions.abortedWithReason(message(
                        "Disabled in the remote JVM (os.arch s390x): Disabled on architecture: s390x"))));
    }

    @Test
    void withTheHostsOsConditionsDeactivatedTheyMeanWhatTheySayInTheContainer() {
        EngineExecutionResults results = Kit.run(Conditions.class,
                "junit.jupiter.conditions.deactivate", "org.junit.jupiter.api.condition.*OsCondition");

        results.testEvents().assertStatistics(s -> s.skipped(0).started(6).aborted(3).succeeded(3).failed(0));
        results.testEvents().succeeded().assertThatEvents().extracting(e -> e.getTestDescriptor().getDisplayName())
                .contains("enabledOnS390x()");
    }

    @Test
    void assertAllKeepsEveryFailure() {
        Throwable failure = Kit.run(AssertAll.class).testEvents().failed().stream().findFirst().orElseThrow()
                .getRequiredPayload(org.junit.platform.engine.TestExecutionResult.class).getThrowable().orElseThrow();

        assertThat(failure).isInstanceOf(MultipleFailuresError.class);
        assertThat(((MultipleFailuresError) failure).getFailures()).extracting(Throwable::getMessage)
                .containsExactly("first on s390x ==> expected: <1> but was: <2>", "second on s390x ==> expected: <3> but was: <4>");
    }

    @Test
    void aFailingBeforeAllFailsTheClassAsOnTheHostAndNoTestRuns() {
        EngineExecutionResults results = Kit.run(FailingBeforeAll.class);

        results.testEvents().assertStatistics(s -> s.started(0));
        results.containerEvents().assertThatEvents().haveExactly(1, finishedWithFailure(
                instanceOf(io.github.multiarch.junit.internal.remote.RemoteThrowable.Error.class),
                message("no setup on s390x (in the s390x JVM)"),
                new org.assertj.core.api.Condition<>(t -> t.toString().startsWith(
                        "java.lang.IllegalStateException: no setup on s390x (in the s390x JVM)"), "prints as the original")));
    }

    @Test
    void aTimeoutStopsTheRemoteTestAndTheNextTestRunsInAUsableRuntime() {
        EngineExecutionResults results = Kit.run(Timeouts.class);

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        results.testEvents().assertThatEvents().haveExactly(1, event(test("sleepsTooLong"),
                finishedWithFailure(instanceOf(TimeoutException.class), message(m -> m.contains("timed out after 2 seconds")))));
    }

    @Test
    void onlyTheSelectedMethodRunsRemotelyAsWithSurefiresDashDTest() {
        Kit.engine()
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod(Selection.class, "second"))
                .configurationParameter("multiarch.image.s390x", Kit.S390X_IMAGE)
                .execute().testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void tagFiltersDecideOnTheHostWhichTestsRunRemotely() {
        Kit.engine()
                .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(Tagged.class))
                .filters(org.junit.platform.launcher.TagFilter.excludeTags("slow"))
                .configurationParameter("multiarch.image.s390x", Kit.S390X_IMAGE)
                .execute().testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void aTestFactoryRunsRemotelyAndItsDynamicTestsAreReportedWithTheirNamesAndOutcomes() {
        org.junit.platform.testkit.engine.Events tests = Kit.run(Factory.class).testEvents();

        tests.assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        tests.assertThatEvents()
                .haveExactly(1, event(test(org.junit.platform.testkit.engine.EventConditions.displayName("passes on s390x")),
                        org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully()))
                .haveExactly(1, event(test(org.junit.platform.testkit.engine.EventConditions.displayName("fails")), finishedWithFailure(
                        instanceOf(org.opentest4j.AssertionFailedError.class), message("failed on s390x"))));
    }

    @RunsOn("s390x")
    static class Factory {
        @org.junit.jupiter.api.TestFactory
        java.util.stream.Stream<org.junit.jupiter.api.DynamicNode> tests() {
            String arch = System.getProperty("os.arch"); // the names are made where the factory runs
            return java.util.stream.Stream.of(
                    org.junit.jupiter.api.DynamicTest.dynamicTest("passes on " + arch,
                            () -> assertEquals("s390x", System.getProperty("os.arch"))),
                    org.junit.jupiter.api.DynamicContainer.dynamicContainer("group", java.util.stream.Stream.of(
                            org.junit.jupiter.api.DynamicTest.dynamicTest("fails",
                                    () -> org.junit.jupiter.api.Assertions.fail("failed on " + System.getProperty("os.arch"))))));
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class Selection {
        static int ran;

        @org.junit.jupiter.api.BeforeEach
        void count() {
            ran++;
        }

        @Test
        void first() {
            throw new AssertionError("not selected, must not run");
        }

        @Test
        void second() {
            assertEquals("s390x", System.getProperty("os.arch"));
            assertEquals(1, ran, "only the selected test ran in the remote JVM");
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.MethodName.class)
    static class Tagged {
        static int ran;

        @org.junit.jupiter.api.BeforeEach
        void count() {
            ran++;
        }

        @Test
        @org.junit.jupiter.api.Tag("slow")
        void aSlowOne() {
            throw new AssertionError("excluded by tag, must not run");
        }

        @Test
        void bFastOne() {
            assertEquals(1, ran, "only the included test ran in the remote JVM");
        }
    }

    @RunsOn("s390x")
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @ExtendWith(RecordArchitecture.class)
    static class Features {
        int instanceCounter;

        @Test
        @Order(1)
        void perClassInstanceIsShared() {
            instanceCounter++;
            assertEquals(1, instanceCounter);
        }

        @Test
        @Order(2)
        void perClassInstanceIsSharedStill() {
            instanceCounter++;
            assertEquals(2, instanceCounter);
        }

        @Test
        @Order(3)
        @DisplayName("test info on the remote side")
        void testInfo(TestInfo info, TestReporter reporter) {
            assertEquals("test info on the remote side", info.getDisplayName());
            reporter.publishEntry("cpu", System.getProperty("os.arch"));
        }

        @Test
        @Order(4)
        void tempDirIsInTheContainer(@TempDir Path dir) throws Exception {
            Path file = Files.writeString(dir.resolve("written-on-s390x"), System.getProperty("os.arch"));
            assertEquals("s390x", Files.readString(file));
        }

        @Test
        @Order(5)
        void theUsersExtensionRanInTheContainer() {
            assertEquals("s390x", RecordArchitecture.seen);
        }
    }

    /** A user's extension: records the architecture it ran on. */
    static class RecordArchitecture implements BeforeEachCallback {
        static String seen;

        @Override
        public void beforeEach(ExtensionContext context) {
            seen = System.getProperty("os.arch");
        }
    }

    @RunsOn("s390x")
    static class AssertAll {
        @Test
        void two() {
            String arch = System.getProperty("os.arch");
            org.junit.jupiter.api.Assertions.assertAll(
                    () -> assertEquals(1, 2, "first on " + arch),
                    () -> assertEquals(3, 4, "second on " + arch));
        }
    }

    @RunsOn("s390x")
    static class FailingBeforeAll {
        @BeforeAll
        static void setUp() {
            throw new IllegalStateException("no setup on " + System.getProperty("os.arch"));
        }

        @Test
        void neverRuns() {
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Timeouts {
        @Test
        @Order(1)
        @Timeout(2)
        void sleepsTooLong() throws Exception {
            long end = System.nanoTime() + 300_000_000_000L;
            while (System.nanoTime() < end) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException ignored) {
                    // a test that does not stop when asked: only replacing the runtime ends it
                }
            }
        }

        @Test
        @Order(2)
        void runsAfterwards() {
            assertTrue(System.getProperty("os.arch").equals("s390x"));
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Conditions {
        @Test
        @Order(1)
        @org.junit.jupiter.api.condition.DisabledOnOs(architectures = "s390x")
        void disabledOnS390x() {
        }

        @Test
        @Order(2)
        @org.junit.jupiter.api.condition.EnabledOnOs(architectures = "s390x")
        void enabledOnS390x() {
            assertEquals("s390x", System.getProperty("os.arch"));
        }

        @Test
        @Order(3)
        @org.junit.jupiter.api.condition.DisabledIfSystemProperty(named = "os.arch", matches = "s390x")
        void disabledBySystemProperty() {
        }

        @Test
        @Order(4)
        void plain() {
            assertEquals("s390x", System.getProperty("os.arch"));
        }

        @org.junit.jupiter.api.Nested
        @org.junit.jupiter.api.condition.DisabledIfSystemProperty(named = "os.arch", matches = "s390x")
        class NotOnS390x {
            @Test
            void inner() {
            }
        }

        @Test
        @Order(5)
        void afterTheSkips() {
            assertEquals("s390x", System.getProperty("os.arch"));
        }
    }
}
