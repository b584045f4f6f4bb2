package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@code multiarch.discoverAhead}, in a launcher session of its own (as a build's is, with the
 * listeners that keep the test plan): while one remote class runs, the remote JVM discovers the
 * class the host reaches next, and that class's session runs the plan so made; a class the host
 * does not reach after all (disabled on the host) is never run, and the class after it is
 * discovered by its own session, as without the setting; a next class whose annotation is wrong
 * fails as it does without the setting, and the class before it is not touched.
 *
 * <p>Which thread discovered a class is read from the remote JVM itself: the classes' display
 * name generator notes the thread that names each class (JUnit names it while discovering it), and
 * each remote test reports what was noted for its class.
 */
class DiscoverAheadTest {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theNextClassIsDiscoveredWhileTheCurrentOneRunsAndAGuessTheRunDoesNotTakeIsDropped() {
        Map<String, String> ahead = run(true);
        Map<String, String> without = run(false);

        assertThat(ahead).as("the classes the host ran, and the thread that discovered each in the s390x JVM")
                .containsOnlyKeys("First", "Third", "Fourth");
        assertThat(ahead.get("First")).as("the first class: nothing came before it").startsWith("multiarch-session-");
        assertThat(ahead.get("Third")).as("after a class the host did not run (its discovery, made ahead, unused)")
                .startsWith("multiarch-session-");
        assertThat(ahead.get("Fourth")).as("discovered while Third ran").isEqualTo("multiarch-prepare");
        assertThat(without).containsOnlyKeys("First", "Third", "Fourth")
                .allSatisfy((test, thread) -> assertThat(thread).startsWith("multiarch-session-"));
    }

    /** Runs the five classes; returns, per class that passed, the thread its report says discovered it remotely. */
    private static Map<String, String> run(boolean discoverAhead) {
        Map<String, String> threads = new ConcurrentHashMap<>();
        Map<String, String> failures = new ConcurrentHashMap<>();
        try (LauncherSession session = LauncherFactory.openSession()) {
            session.getLauncher().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(First.class), selectClass(Second.class), selectClass(Third.class),
                            selectClass(Fourth.class), selectClass(Fifth.class))
                    .configurationParameter("junit.jupiter.testclass.order.default",
                            ClassOrderer.OrderAnnotation.class.getName())
                    .configurationParameter("multiarch.image.s390x", Kit.S390X_IMAGE)
                    .configurationParameter(Settings.DISCOVER_AHEAD, Boolean.toString(discoverAhead))
                    .build(), new TestExecutionListener() {
                        @Override
                        public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
                            String klass = entry.getKeyValuePairs().get("class");
                            if (klass != null) {
                                threads.put(klass, entry.getKeyValuePairs().get("discoveredOn"));
                            }
                        }

                        @Override
                        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                                failures.put(id.getDisplayName(), result.getThrowable().map(Object::toString).orElse("?"));
                            }
                        }
                    });
        }
        assertThat(failures).as("discoverAhead=" + discoverAhead + ": only the misannotated class fails, with its own error")
                .containsOnlyKeys("DiscoverAheadTest$Fifth")
                .hasEntrySatisfying("DiscoverAheadTest$Fifth", failure -> assertThat(failure)
                        .contains("ExtensionConfigurationException", "names no architecture"));
        return Map.copyOf(threads);
    }

    /** Names classes as JUnit does, noting which thread named each: the one that discovered it. */
    public static class NotingGenerator extends DisplayNameGenerator.Standard {
        static final Map<String, String> DISCOVERED_ON = new ConcurrentHashMap<>();

        @Override
        public String generateDisplayNameForClass(Class<?> testClass) {
            DISCOVERED_ON.put(testClass.getSimpleName(), Thread.currentThread().getName());
            return super.generateDisplayNameForClass(testClass);
        }
    }

    private static void report(TestReporter reporter, Class<?> testClass) {
        String name = testClass.getSimpleName();
        reporter.publishEntry(Map.of("class", name, "discoveredOn", NotingGenerator.DISCOVERED_ON.getOrDefault(name, "?"),
                "arch", System.getProperty("os.arch")));
    }

    @RunsOn("s390x")
    @Order(1)
    @DisplayNameGeneration(NotingGenerator.class)
    public static class First {
        @Test
        void first(TestReporter reporter) {
            report(reporter, First.class);
        }
    }

    /** Disabled on the host: prepared while First runs, never started. */
    @RunsOn("s390x")
    @Order(2)
    @Disabled("not run: the remote JVM's discovery of it goes unused")
    @DisplayNameGeneration(NotingGenerator.class)
    public static class Second {
        @Test
        void second(TestReporter reporter) {
            report(reporter, Second.class);
        }
    }

    @RunsOn("s390x")
    @Order(3)
    @DisplayNameGeneration(NotingGenerator.class)
    public static class Third {
        @Test
        void third(TestReporter reporter) {
            report(reporter, Third.class);
        }
    }

    /** Prepared while Fourth runs, if its annotation were right: the guess is skipped, and Fourth passes. */
    @RunsOn({})
    @Order(5)
    public static class Fifth {
        @Test
        void fifth() {
        }
    }

    @RunsOn("s390x")
    @Order(4)
    @DisplayNameGeneration(NotingGenerator.class)
    public static class Fourth {
        @Test
        void fourth(TestReporter reporter) {
            report(reporter, Fourth.class);
        }
    }
}
