package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.github.dockerjava.api.model.Container;
import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.docker.Docker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@link EarlyStart}: in a launcher session of its own (as a build's is, with the listeners
 * JUnit loads from {@code META-INF/services}), the runtime of a {@code @RunsOn} class starts as
 * the plan starts, while a class without the annotation runs first, and that class then takes
 * it; which architectures a plan needs.
 */
class EarlyStartTest {

    private static final Architecture S390X = Architecture.of("s390x");
    private static final Architecture ARM64 = Architecture.of("arm64");
    private static final Architecture PPC64LE = Architecture.of("ppc64le");
    private static final Architecture RISCV64 = Architecture.of("riscv64");

    /** The runtime containers of this JVM before the test (other tests' warm ones): not the early start's. */
    private static volatile Set<String> before = Set.of();
    /** The runtime containers of this JVM that the native class saw start while it ran. */
    private static final List<String> seenByNative = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void note() {
        before = runtimes();
        seenByNative.clear();
    }

    @Test
    void theRuntimeOfARunsOnClassStartsWhileTheClassesBeforeItRun() {
        List<String> jvms = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(NativeFirst.class), selectClass(S390xSecond.class))
                .configurationParameter("junit.jupiter.testclass.order.default", ClassOrderer.OrderAnnotation.class.getName())
                .configurationParameter("multiarch.image.s390x", Kit.S390X_IMAGE)
                .build();
        try (LauncherSession session = LauncherFactory.openSession()) {
            session.getLauncher().execute(request, new TestExecutionListener() {
                @Override
                public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
                    if (entry.getKeyValuePairs().containsKey("jvm")) {
                        jvms.add(entry.getKeyValuePairs().get("jvm"));
                    }
                }

                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                        failures.add(id.getDisplayName() + ": " + result.getThrowable().map(Object::toString).orElse("?"));
                    }
                }
            });
        }
        assertThat(failures).isEmpty();
        assertThat(seenByNative).as("a runtime container of this JVM that started while the native class ran").hasSize(1);
        assertThat(jvms).as("the s390x class ran in the container started before it").hasSize(1);
        assertThat(seenByNative.get(0)).startsWith(jvms.get(0));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(1))
                .untilAsserted(() -> assertThat(runtimes()).as("the session's runtime removed with it (other tests'"
                        + " runtimes may end meanwhile)").isSubsetOf(before).noneMatch(id -> id.startsWith(jvms.get(0))));
    }

    @Test
    void aPlanNeedsTheArchitecturesOfItsAnnotationsAndOfTheSettingForTheOthers() {
        TestPlan plan = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(NativeFirst.class), selectClass(S390xSecond.class), selectClass(OneMethodOnArm64.class),
                        selectClass(Matrix.class))
                .enableImplicitConfigurationParameters(false).build());
        assertThat(EarlyStart.architectures(plan, List.of())).containsExactly(S390X, ARM64,
                PPC64LE);
        assertThat(EarlyStart.architectures(plan, List.of(RISCV64))).containsExactlyInAnyOrder(
                S390X, ARM64, PPC64LE, RISCV64);
        TestPlan nativeOnly = LauncherFactory.create().discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(NativeFirst.class), selectClass(DisabledOnRiscv64.class))
                .enableImplicitConfigurationParameters(false).build());
        assertThat(EarlyStart.architectures(nativeOnly, List.of())).isEmpty();
    }

    /** The runtime containers of this JVM, by id. */
    private static Set<String> runtimes() {
        return SharedSession.docker().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Docker.LABEL, "runtime-s390x", Docker.LABEL_PID, Long.toString(ProcessHandle.current().pid())))
                .exec().stream().map(Container::getId).collect(Collectors.toCollection(java.util.HashSet::new));
    }

    @org.junit.jupiter.api.Order(1)
    public static class NativeFirst {
        @Test
        void waitsForTheRuntimeToStart() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (System.nanoTime() < deadline) {
                Set<String> now = runtimes();
                now.removeAll(before);
                if (!now.isEmpty()) {
                    seenByNative.addAll(now);
                    return;
                }
                Thread.sleep(200);
            }
        }
    }

    @RunsOn("s390x")
    @org.junit.jupiter.api.Order(2)
    public static class S390xSecond {
        @Test
        void reportsItsContainer(TestReporter reporter) {
            reporter.publishEntry("jvm", System.getenv("HOSTNAME"));
        }
    }

    public static class OneMethodOnArm64 {
        @Test
        @RunsOn("arm64")
        void onArm64() {
        }
    }

    @RunsOn("riscv64")
    @org.junit.jupiter.api.Disabled("a class JUnit does not run needs no runtime")
    public static class DisabledOnRiscv64 {
        @Test
        void never() {
        }
    }

    @RunsOn("s390x")
    @RunsOn("ppc64le")
    public static class Matrix {
        @Test
        void onBoth() {
        }
    }
}
