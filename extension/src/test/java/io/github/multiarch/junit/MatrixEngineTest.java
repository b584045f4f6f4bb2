package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * {@code multiarch.runsOn=s390x,arm64}: in one run, each class without {@code @RunsOn} runs once
 * per architecture, in real s390x and arm64 JVMs, each run reported as a class named after its
 * architecture ({@code Portable[s390x]}) whose tests' legacy names end in it too
 * ({@code crc(TestReporter)[s390x]}: Surefire's XML names); a class with its own
 * {@code @RunsOn} runs once, on its own; with one architecture the engine finds nothing. The
 * sample-tests module's {@code on-s390x-and-arm64} execution shows the same in Surefire's XML.
 */
class MatrixEngineTest {

    private static final String[] SETTINGS = {"multiarch.runsOn", "s390x,arm64",
            RunsOnSetting.AUTODETECTION, "true", RunsOnSetting.AUTODETECTION_INCLUDE, RunsOnExtension.class.getName(),
            "multiarch.image.s390x", Kit.S390X_IMAGE, "multiarch.image.arm64", Kit.ARM64_IMAGE};

    /** What each architecture's JVM says of itself: os.arch and its native byte order. */
    private static final Map<String, String> ARCH = Map.of("s390x", "s390x BIG_ENDIAN", "arm64", "aarch64 LITTLE_ENDIAN");

    @Test
    void eachUnannotatedClassRunsOncePerArchitectureRemotelyAndIsNamedAfterIt() {
        EngineExecutionResults results = matrix(Portable.class);
        assertThat(results.allEvents().failed().stream().map(e -> e.getTestDescriptor().getUniqueId() + ": "
                + e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable).orElse(null)))
                .as("failures").isEmpty();

        // crc, the two invocations of param, Inner.byteOrder: 4 tests on each of 2 architectures; slow is filtered out
        results.testEvents().assertStatistics(s -> s.started(8).succeeded(8).failed(0).aborted(0).skipped(0));
        results.containerEvents().assertStatistics(s -> s.started(1 + 2 * 4).succeeded(1 + 2 * 4).failed(0));

        // every test reported, by the architecture node it is under, what the remote JVM it ran in said
        Map<String, List<String>> said = new TreeMap<>();
        for (Event event : results.allEvents().reportingEntryPublished().list()) {
            String arch = architectureOf(event.getTestDescriptor().getUniqueId());
            ReportEntry entry = event.getPayload(ReportEntry.class).orElseThrow();
            said.computeIfAbsent(arch, k -> new ArrayList<>()).add(entry.getKeyValuePairs().get("jvm"));
        }
        assertThat(said).containsOnlyKeys("s390x", "arm64");
        said.forEach((arch, values) -> assertThat(values).as("the JVMs the " + arch + " run's tests ran in")
                .hasSize(4).containsOnly(ARCH.get(arch)));

        // names: the classes carry the architecture, the tests their own names
        List<String> classes = results.containerEvents().finished().stream().map(Event::getTestDescriptor)
                .filter(d -> d.getSource().filter(ClassSource.class::isInstance).isPresent())
                .map(d -> ((ClassSource) d.getSource().get()).getClassName() + " | " + d.getLegacyReportingName()
                        + " | " + d.getDisplayName())
                .toList();
        String portable = Portable.class.getName();
        assertThat(classes).containsExactly(
                portable + "$Inner[s390x] | " + portable + "$Inner[s390x] | Inner [s390x]",
                portable + "[s390x] | " + portable + "[s390x] | MatrixEngineTest$Portable [s390x]",
                portable + "$Inner[arm64] | " + portable + "$Inner[arm64] | Inner [arm64]",
                portable + "[arm64] | " + portable + "[arm64] | MatrixEngineTest$Portable [arm64]");
        List<String> tests = results.testEvents().finished().stream().map(Event::getTestDescriptor)
                .map(d -> d.getLegacyReportingName() + " " + ((MethodSource) d.getSource().orElseThrow()).getClassName())
                .toList();
        assertThat(tests).containsExactly(
                "crc(TestReporter)[s390x] " + portable, "param(int, TestReporter)[1][s390x] " + portable,
                "param(int, TestReporter)[2][s390x] " + portable, "byteOrder(TestReporter)[s390x] " + portable + "$Inner",
                "crc(TestReporter)[arm64] " + portable, "param(int, TestReporter)[1][arm64] " + portable,
                "param(int, TestReporter)[2][arm64] " + portable, "byteOrder(TestReporter)[arm64] " + portable + "$Inner");
        assertThat(results.containerEvents().finished().stream().map(Event::getTestDescriptor)
                .filter(d -> d.getUniqueId().getLastSegment().getType().equals("arch"))
                .map(d -> d.getDisplayName() + " " + d.getLegacyReportingName() + " " + d.getSource().isPresent()))
                .as("the architectures' nodes: no source, a legacy name in brackets (Surefire reads the legacy names"
                        + " of the tests below them)")
                .containsExactly("[s390x] [s390x] false", "[arm64] [arm64] false");
    }

    @Test
    void aClassWithItsOwnRunsOnIsNotTheMatrixEnginesAndOneArchitectureIsNoMatrix() {
        matrix(OnArm64.class).allEvents().assertStatistics(s -> s.started(1).finished(1)); // its engine node alone

        EngineExecutionResults one = Kit.engineKit(new MatrixEngine(), "multiarch-matrix")
                .selectors(selectClass(Portable.class)).configurationParameter("multiarch.runsOn", "s390x").execute();
        one.allEvents().assertStatistics(s -> s.started(1).finished(1));
    }

    /**
     * The whole way, in JUnit's own launcher with what the extension registers through
     * {@code META-INF/services} (its discovery listener, the engine, the filter): the unannotated
     * class runs on both architectures in the matrix engine and not in Jupiter's; the annotated
     * one runs once, in Jupiter's; a tag filter of the build holds in both.
     */
    @Test
    void inJUnitsLauncherJupiterLeavesTheUnannotatedClassToTheMatrixEngine() {
        List<String> finished = Collections.synchronizedList(new ArrayList<>());
        TestExecutionListener listener = new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest() || result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                    finished.add(UniqueId.parse(id.getUniqueId()).getEngineId().orElseThrow() + " "
                            + id.getLegacyReportingName() + " " + result.getStatus());
                }
            }
        };
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(Portable.class), selectClass(OnArm64.class))
                .filters(TagFilter.excludeTags("slow"));
        for (int i = 0; i < SETTINGS.length; i += 2) {
            if (!SETTINGS[i].startsWith("junit.")) { // (the discovery listener switches auto-detection on, as in a build)
                request.configurationParameter(SETTINGS[i], SETTINGS[i + 1]);
            }
        }
        try (LauncherSession session = LauncherFactory.openSession()) {
            TestPlan plan = session.getLauncher().discover(request.build());
            assertTrue(plan.containsTests());
            session.getLauncher().execute(request.build(), listener);
        }

        assertThat(finished).containsExactlyInAnyOrder(
                "junit-jupiter runsOnArm64() SUCCESSFUL",
                "multiarch crc(TestReporter)[s390x] SUCCESSFUL", "multiarch param(int, TestReporter)[1][s390x] SUCCESSFUL",
                "multiarch param(int, TestReporter)[2][s390x] SUCCESSFUL", "multiarch byteOrder(TestReporter)[s390x] SUCCESSFUL",
                "multiarch crc(TestReporter)[arm64] SUCCESSFUL", "multiarch param(int, TestReporter)[1][arm64] SUCCESSFUL",
                "multiarch param(int, TestReporter)[2][arm64] SUCCESSFUL", "multiarch byteOrder(TestReporter)[arm64] SUCCESSFUL");
        assertThat(System.getProperty(RunsOnSetting.AUTODETECTION)).as("taken back after the run").isNull();
    }

    @Test
    void aBadListFailsTheRunOnceAtDiscoveryNamingTheProblem() {
        RunsOnSetting listener = new RunsOnSetting();
        assertThatThrownBy(() -> listener.launcherDiscoveryStarted(Kit.discoveryRequest("multiarch.runsOn", "s390x,sparc64")))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("multiarch.runsOn=s390x,sparc64 is not valid: Unknown architecture 'sparc64'."
                        + " Accepted names: amd64");
        assertThatThrownBy(() -> listener.launcherDiscoveryStarted(Kit.discoveryRequest("multiarch.runsOn", "s390x, arm64, s390x")))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageContaining("multiarch.runsOn=s390x, arm64, s390x names s390x twice: name each architecture"
                        + " once (accepted names: amd64");
        assertThatThrownBy(() -> listener.launcherDiscoveryStarted(Kit.discoveryRequest("multiarch.runsOn", "s390x,aarch64,arm64")))
                .as("an alias is the same architecture").hasMessageContaining("names arm64 twice");
        assertThat(Configuration.runsOn(" s390x , arm64 ")).extracting(a -> a.platform()).containsExactly("s390x", "arm64");
        assertThat(System.getProperty(RunsOnSetting.AUTODETECTION)).isNull();
    }

    /** Nothing runs on the host instead: a class that reaches Jupiter's engine with several names fails, saying why. */
    @Test
    void anUnannotatedClassThatReachesJupitersOwnEngineFailsInsteadOfRunningOnTheHost() {
        EngineExecutionResults results = Kit.run(Portable.class, SETTINGS);

        results.testEvents().assertStatistics(s -> s.started(0));
        assertThat(results.containerEvents().failed().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                        .map(Throwable::getMessage).orElse("")))
                .containsExactly("multiarch.runsOn=s390x,arm64 names several architectures: the test engine 'multiarch'"
                        + " of multiarch-junit runs each class without @RunsOn once per architecture, but this class"
                        + " reached JUnit Jupiter's own engine instead, so it would run on none of them. Is the engine"
                        + " 'multiarch' excluded from this run (Surefire's excludeJUnit5Engines, an EngineFilter, a"
                        + " launcher without auto-registered listeners)? Include it, or name one architecture per run.");
    }

    private static EngineExecutionResults matrix(Class<?> testClass) {
        EngineTestKit.Builder kit = Kit.engineKit(new MatrixEngine(), "multiarch-matrix")
                .selectors(selectClass(testClass))
                .filters(TagFilter.excludeTags("slow"));
        for (int i = 0; i < SETTINGS.length; i += 2) {
            kit = kit.configurationParameter(SETTINGS[i], SETTINGS[i + 1]);
        }
        return kit.execute();
    }

    /** {@code s390x} for a node below {@code [arch:s390x]}. */
    private static String architectureOf(UniqueId id) {
        return id.getSegments().stream().filter(s -> s.getType().equals("arch")).findFirst().orElseThrow().getValue();
    }


    /** An existing class as it is: no annotation; each test says where it ran. */
    static class Portable {

        /** {@code s390x BIG_ENDIAN}: this JVM, which must be a runtime's, never the host's. */
        static String jvm() {
            assertNotNull(System.getProperty("multiarch.agent"), "runs in a runtime's JVM, not the host's");
            return System.getProperty("os.arch") + " " + ByteOrder.nativeOrder();
        }

        @Test
        void crc(TestReporter reporter) {
            reporter.publishEntry("jvm", jvm());
            CRC32 crc = new CRC32();
            crc.update("multiarch".getBytes(StandardCharsets.UTF_8));
            assertEquals(0x3E446C85L, crc.getValue());
        }

        @ParameterizedTest
        @ValueSource(ints = {1, 2})
        void param(int n, TestReporter reporter) {
            reporter.publishEntry("jvm", jvm());
            assertTrue(n > 0);
        }

        @Test
        @Tag("slow")
        void slow() {
            throw new AssertionError("the build's tag filter excludes this test");
        }

        @Nested
        class Inner {
            @Test
            void byteOrder(TestReporter reporter) {
                reporter.publishEntry("jvm", jvm());
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
}
