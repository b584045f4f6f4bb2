package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * {@code multiarch.runsOn}: classes without an annotation run on the architecture it names, an
 * annotation wins over it, and without it the extension (registered for every class by JUnit's
 * auto-detection) leaves classes alone. Each class is reported as a local run reports it.
 * (The Kit's runs pass JUnit's auto-detection switch themselves, as {@link RunsOnSetting} does in
 * a build; the sample-tests module's {@code on-s390x} execution shows the whole way, in Surefire.)
 */
class RunsOnSettingTest {

    private static final String[] AUTODETECTION = {RunsOnSetting.AUTODETECTION, "true",
            RunsOnSetting.AUTODETECTION_INCLUDE, RunsOnExtension.class.getName()};

    @AfterEach
    void noLeftoverSystemProperties() {
        assertThat(System.getProperty(RunsOnSetting.AUTODETECTION)).isNull();
        assertThat(System.getProperty(RunsOnSetting.AUTODETECTION_INCLUDE)).isNull();
    }

    @Test
    void anUnannotatedClassRunsOnTheSettingsArchitectureWithItsLifecycleAndNestedClasses() {
        Plain.beforeAll = 0;
        EngineExecutionResults results = run(Plain.class, "multiarch.runsOn", "s390x");

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        assertThat(Plain.beforeAll).as("@BeforeAll ran remotely, not here").isZero();
        assertThat(uniqueIds(results)).allSatisfy(id -> assertThat(id).doesNotContain("class-template"));
    }

    @Test
    void anAnnotationWinsOverTheSettingAndOneLineSaysSo() {
        Kit.Captured<EngineExecutionResults> run = Kit.capture(() -> run(OnArm64.class, "multiarch.runsOn", "s390x"));

        run.value().testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(run.err()).contains("[multiarch] " + OnArm64.class.getName()
                + " runs on arm64: its @RunsOn wins over multiarch.runsOn=s390x");
    }

    @Test
    void withoutTheSettingTheExtensionLeavesAnUnannotatedClassAlone() {
        EngineExecutionResults results = run(Native.class);

        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1));
    }

    @Test
    void aClassOnOneArchitectureIsReportedAsALocalRunReportsIt() {
        EngineExecutionResults results = Kit.run(OnArm64.class);

        results.testEvents().assertThatEvents().haveExactly(1, event(finishedSuccessfully()));
        assertThat(uniqueIds(results)).containsExactly("[engine:multiarch-shared-session]/[class:"
                + OnArm64.class.getName() + "]/[method:runsOnArm64()]");
    }

    @Test
    void theListenerSwitchesAutodetectionOnForThisExtensionAloneAndTakesItBack() {
        RunsOnSetting listener = new RunsOnSetting();
        try {
            listener.launcherDiscoveryStarted(Kit.discoveryRequest("multiarch.runsOn", "s390x"));
            assertThat(System.getProperty(RunsOnSetting.AUTODETECTION)).isEqualTo("true");
            assertThat(System.getProperty(RunsOnSetting.AUTODETECTION_INCLUDE)).isEqualTo(RunsOnExtension.class.getName());
        } finally {
            listener.testPlanExecutionFinished(null);
        }
        // what the build configures is left alone
        try {
            listener.launcherDiscoveryStarted(Kit.discoveryRequest("multiarch.runsOn", "s390x", RunsOnSetting.AUTODETECTION, "true"));
            assertThat(System.getProperty(RunsOnSetting.AUTODETECTION)).isNull();
        } finally {
            listener.testPlanExecutionFinished(null);
        }
        // and nothing happens without the setting
        listener.launcherDiscoveryStarted(Kit.discoveryRequest());
        assertThat(System.getProperty(RunsOnSetting.AUTODETECTION)).isNull();
    }

    @Test
    void theListenerPinsOneRandomSeedForTheJvmWhenTheRunSetsNone() {
        String seedBefore = System.getProperty(HostOrder.RANDOM_SEED); // (this run's own: pinned by the listener too)
        String markBefore = System.getProperty(HostOrder.SEED_SET_BY_MULTIARCH);
        RunsOnSetting listener = new RunsOnSetting();
        try {
            System.clearProperty(HostOrder.RANDOM_SEED);
            listener.launcherDiscoveryStarted(Kit.discoveryRequest());
            String seed = System.getProperty(HostOrder.RANDOM_SEED);
            assertThat(seed).as("a seed for JUnit's random orderers, from discovery on").matches("[0-9]+");
            listener.testPlanExecutionFinished(null);
            listener.launcherDiscoveryStarted(Kit.discoveryRequest());
            assertThat(System.getProperty(HostOrder.RANDOM_SEED)).as("one for the JVM, as JUnit's own").isEqualTo(seed);
            // a seed the run sets is its own: left alone
            System.clearProperty(HostOrder.RANDOM_SEED);
            listener.launcherDiscoveryStarted(Kit.discoveryRequest(HostOrder.RANDOM_SEED, "42"));
            assertThat(System.getProperty(HostOrder.RANDOM_SEED)).isNull();
        } finally {
            restore(HostOrder.RANDOM_SEED, seedBefore);
            restore(HostOrder.SEED_SET_BY_MULTIARCH, markBefore);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    @Test
    void theListenerFailsTheRunOnceForABadValueOrAutodetectionSwitchedOff() {
        RunsOnSetting listener = new RunsOnSetting();
        assertThatThrownBy(() -> listener.launcherDiscoveryStarted(Kit.discoveryRequest("multiarch.runsOn", "sparc64")))
                .isInstanceOf(ExtensionConfigurationException.class).hasMessageContaining("Unknown architecture 'sparc64'");
        assertThatThrownBy(() -> listener.launcherDiscoveryStarted(
                Kit.discoveryRequest("multiarch.runsOn", "s390x", RunsOnSetting.AUTODETECTION, "false")))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("needs JUnit's extension auto-detection, which"
                        + " junit.jupiter.extensions.autodetection.enabled=false switches off");
    }

    private static EngineExecutionResults run(Class<?> testClass, String... keyValues) {
        String[] all = new String[AUTODETECTION.length + keyValues.length];
        System.arraycopy(AUTODETECTION, 0, all, 0, AUTODETECTION.length);
        System.arraycopy(keyValues, 0, all, AUTODETECTION.length, keyValues.length);
        return Kit.run(testClass, all);
    }


    private static List<String> uniqueIds(EngineExecutionResults results) {
        return results.testEvents().finished().stream().map(Event::getTestDescriptor)
                .map(d -> d.getUniqueId().toString()).toList();
    }

    static class Plain {
        static int beforeAll;

        @BeforeAll
        static void count() {
            beforeAll++;
        }

        @Test
        void runsOnS390x() {
            assertEquals("s390x", System.getProperty("os.arch"));
        }

        @Nested
        class Inner {
            @Test
            void alsoOnS390x() {
                assertEquals("s390x", System.getProperty("os.arch"));
            }
        }
    }

    @RunsOn("arm64")
    static class OnArm64 {
        @Test
        void runsOnArm64() {
            assertEquals("aarch64", System.getProperty("os.arch"));
        }
    }

    static class Native {
        @Test
        void runsHere() {
            assertThat(System.getProperty("multiarch.agent")).as("in a runtime's JVM").isNull();
        }
    }
}
