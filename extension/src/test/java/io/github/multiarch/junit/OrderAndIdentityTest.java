package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.suite.api.ConfigurationParameter;
import org.junit.platform.suite.api.SelectClasses;
import org.junit.platform.suite.api.Suite;
import org.junit.platform.suite.engine.SuiteTestEngine;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

/**
 * The host says which tests run and in which order; the container follows. Each fixture records,
 * in the s390x JVM, the order its tests ran in there ({@link #ran}); the host's order is the
 * order the host's run started them in. Every test must pass and the two orders must be one.
 * The runs of a random order go through JUnit's {@code Launcher}, as a build's do, so that its
 * discovery listeners (which pin the run's random seed) take part.
 */
class OrderAndIdentityTest {

    private static final String SEED = "junit.jupiter.execution.order.random.seed";
    private static final String METHOD_ORDER = "junit.jupiter.testmethod.order.default";

    // ---- 1. a random order, no seed configured ----------------------------------------------

    @Test
    void aRandomOrderOnTheClassWithNoSeedConfiguredIsTheHostsOrderInTheContainer() {
        Kit.Captured<Launched> run = Kit.capture(() -> withoutASeed(() ->
                launch(Map.of(), new SharedSession.Engine(), selectClass(RandomOrder.class))));

        run.value().assertAllSucceeded(8);
        assertThat(run.value().remoteOrder()).isEqualTo(run.value().hostOrder());
        assertThat(run.err()).containsOnlyOnce("[multiarch] This run orders its tests with " + SEED + "="
                + run.value().seed + " (chosen by multiarch-junit");
    }

    @Test
    void aRandomDefaultOrderSetByAConfigurationParameterAloneIsTheHostsOrderInTheContainer() {
        Launched run = withoutASeed(() -> launch(Map.of(METHOD_ORDER, MethodOrderer.Random.class.getName()),
                new SharedSession.Engine(), selectClass(NaturalOrder.class)));

        run.assertAllSucceeded(8);
        assertThat(run.remoteOrder()).isEqualTo(run.hostOrder());
    }

    @Test
    void aSeedTheRunConfiguresIsTheContainersSeedToo() {
        EngineExecutionResults results = Kit.run(RandomOrder.class, SEED, "42");

        assertAllSucceeded(results, 8);
        assertThat(remoteOrder(results)).isEqualTo(hostOrder(results));
    }

    // ---- 2. an order set only in the host's launcher request --------------------------------

    @Test
    void aMethodOrderSetOnlyInTheHostsLauncherRequestIsTheContainersOrder() {
        EngineExecutionResults results = Kit.run(NaturalOrder.class, METHOD_ORDER, MethodOrderer.MethodName.class.getName());

        assertAllSucceeded(results, 8);
        List<String> sorted = new ArrayList<>(hostOrder(results));
        Collections.sort(sorted);
        assertThat(hostOrder(results)).as("the host's order: by name").isEqualTo(sorted);
        assertThat(remoteOrder(results)).isEqualTo(hostOrder(results));
        assertThat(naturalOrder(NaturalOrder.class)).as("the fixture: JUnit's own order is another").isNotEqualTo(sorted);
    }

    @Test
    void theOrderAnnotationSetAsDefaultOnlyInTheHostsLauncherRequestIsTheContainersOrder() {
        EngineExecutionResults results = Kit.run(Annotated.class, METHOD_ORDER, MethodOrderer.OrderAnnotation.class.getName());

        assertAllSucceeded(results, 4);
        assertThat(hostOrder(results)).containsExactly("one", "two", "three", "four");
        assertThat(remoteOrder(results)).isEqualTo(hostOrder(results));
        assertThat(naturalOrder(Annotated.class)).as("the fixture: JUnit's own order is another")
                .isNotEqualTo(List.of("one", "two", "three", "four"));
    }

    @Test
    void theHostsOrderReachesNestedClassesToo() {
        EngineExecutionResults results = Kit.run(Outer.class, METHOD_ORDER, MethodOrderer.MethodName.class.getName());

        assertAllSucceeded(results, 6);
        assertThat(hostOrder(results)).containsExactly("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");
        assertThat(remoteOrder(results)).isEqualTo(hostOrder(results));
    }

    // ---- 3. through a @Suite: unique ids carry the suite's prefix ----------------------------

    @Test
    void aRemoteClassRunThroughASuiteRunsEveryTestRemotely() {
        Launched run = launch(Map.of(), new SuiteTestEngine(), selectClass(ThroughASuite.class));

        run.assertAllSucceeded(8);
        assertThat(run.started.keySet()).allSatisfy(id -> assertThat(id)
                .startsWith("[engine:junit-platform-suite]/[suite:" + ThroughASuite.class.getName() + "]/[engine:junit-jupiter]/"));
        assertThat(run.hostOrder()).as("the suite's own order parameter, followed on both sides")
                .isEqualTo(run.hostOrder().stream().sorted().toList());
        assertThat(run.remoteOrder()).isEqualTo(run.hostOrder());
    }

    // ---- what cannot be followed fails, saying why -------------------------------------------

    @Test
    void anOrdererThatOrdersOtherwiseInTheContainerFailsTheTestsItCannotFollowSayingSo() {
        EngineExecutionResults results = Kit.run(ReversedOnS390x.class);

        results.testEvents().assertStatistics(s -> s.started(4).succeeded(1).failed(3));
        assertThat(results.testEvents().failed().stream().map(OrderAndIdentityTest::failure).toList()).allSatisfy(m -> assertThat(m)
                .contains("was not run in the remote JVM (os.arch s390x)", "another order than the host's")
                .contains(SEED, "deterministic"));
    }

    // ---- the runs and what they recorded -------------------------------------------------------

    /**
     * Runs {@code launch} in this JVM as if no seed had been set: the one this JVM's own run got
     * (from the same listener, in Surefire's launcher) is put aside meanwhile, so that the run's
     * own discovery must pin one; the seed it pinned is recorded in the result.
     */
    private static Launched withoutASeed(java.util.function.Supplier<Launched> launch) {
        String seed = System.getProperty(SEED);
        String mark = System.getProperty(HostOrder.SEED_SET_BY_MULTIARCH);
        System.clearProperty(SEED);
        System.clearProperty(HostOrder.SEED_SET_BY_MULTIARCH);
        try {
            Launched launched = launch.get();
            launched.seed = System.getProperty(SEED);
            assertThat(launched.seed).as("the seed the run's discovery pinned").isNotNull();
            return launched;
        } finally {
            restore(SEED, seed);
            restore(HostOrder.SEED_SET_BY_MULTIARCH, mark);
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }

    /** The tests of a run through JUnit's {@code Launcher}, with its service-loaded listeners. */
    private static Launched launch(Map<String, String> params, TestEngine engine, DiscoverySelector selector) {
        Launched launched = new Launched();
        Map<String, String> config = new LinkedHashMap<>(params);
        config.put("multiarch.image.s390x", Kit.S390X_IMAGE);
        LauncherFactory.create(LauncherConfig.builder().enableTestEngineAutoRegistration(false).addTestEngines(engine).build())
                .execute(LauncherDiscoveryRequestBuilder.request().selectors(selector).configurationParameters(config).build(),
                        launched);
        return launched;
    }

    /** What a Launcher's run did: its tests in the order they started, their results and report entries. */
    private static final class Launched implements TestExecutionListener {
        final Map<String, String> started = new LinkedHashMap<>();
        final Map<String, TestExecutionResult> finished = new LinkedHashMap<>();
        final List<String> remoteOrders = new ArrayList<>();
        /** The random seed the run used, when it pinned one. */
        String seed;

        @Override
        public void executionStarted(TestIdentifier id) {
            if (id.isTest()) {
                started.put(id.getUniqueId(), name(id.getLegacyReportingName()));
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest()) {
                finished.put(id.getUniqueId(), result);
            }
        }

        @Override
        public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
            entry.getKeyValuePairs().entrySet().stream().filter(e -> e.getKey().equals("ran on s390x"))
                    .forEach(e -> remoteOrders.add(e.getValue()));
        }

        void assertAllSucceeded(int tests) {
            assertThat(finished).hasSize(tests);
            assertThat(finished.values()).allSatisfy(r -> assertThat(r.getStatus())
                    .as(r.getThrowable().map(Throwable::toString).orElse("")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL));
        }

        List<String> hostOrder() {
            return List.copyOf(started.values());
        }

        List<String> remoteOrder() {
            return last(remoteOrders);
        }
    }

    private static void assertAllSucceeded(EngineExecutionResults results, int tests) {
        results.testEvents().assertStatistics(s -> s.started(tests).succeeded(tests).failed(0).aborted(0));
    }

    private static List<String> hostOrder(EngineExecutionResults results) {
        return results.testEvents().started().stream().map(e -> name(e.getTestDescriptor().getLegacyReportingName())).toList();
    }

    private static List<String> remoteOrder(EngineExecutionResults results) {
        return last(results.allEvents().reportingEntryPublished().map(e -> e.getRequiredPayload(ReportEntry.class))
                .map(r -> r.getKeyValuePairs().get("ran on s390x")).toList());
    }

    /** The order JUnit itself gives {@code testClass}'s methods: discovery alone, nothing runs. */
    private static List<String> naturalOrder(Class<?> testClass) {
        List<String> names = new ArrayList<>();
        Kit.engine().selectors(selectClass(testClass)).discover().getEngineDescriptor().accept(d -> {
            if (d.isTest()) {
                names.add(name(d.getLegacyReportingName()));
            }
        });
        return names;
    }

    /** The last (the whole) order the remote JVM reported: what ran there, one after the other. */
    private static List<String> last(List<String> reported) {
        assertThat(reported).isNotEmpty();
        return List.of(reported.get(reported.size() - 1).split(","));
    }

    private static String failure(Event event) {
        return event.getRequiredPayload(TestExecutionResult.class).getThrowable().map(Throwable::getMessage).orElse("");
    }

    private static String name(String legacyReportingName) {
        return legacyReportingName.replaceAll("\\(.*", "");
    }

    // ---- fixtures: each test says, in the s390x JVM, what ran there so far --------------------

    /** The tests that ran in the s390x JVM in this session, in order (kept there: a remote static). */
    private static final List<String> RAN = new ArrayList<>();

    static void ran(TestInfo info, TestReporter reporter) {
        assertEquals("s390x", System.getProperty("os.arch"));
        RAN.add(info.getTestMethod().orElseThrow().getName());
        reporter.publishEntry("ran on s390x", String.join(",", RAN));
    }

    /** Eight methods, so that a random order that happens to be the host's is unlikely (1 in 40320). */
    abstract static class Eight {
        @BeforeAll
        static void clear() {
            RAN.clear();
        }

        @Test
        void alpha(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void bravo(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void charlie(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void delta(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void echo(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void foxtrot(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void golf(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void hotel(TestInfo i, TestReporter r) {
            ran(i, r);
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.Random.class)
    static class RandomOrder extends Eight {
    }

    @RunsOn("s390x")
    static class NaturalOrder extends Eight {
    }

    @RunsOn("s390x")
    static class Annotated {
        @BeforeAll
        static void clear() {
            RAN.clear();
        }

        @Test
        @Order(3)
        void three(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        @Order(1)
        void one(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        @Order(4)
        void four(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        @Order(2)
        void two(TestInfo i, TestReporter r) {
            ran(i, r);
        }
    }

    @RunsOn("s390x")
    static class Outer {
        @BeforeAll
        static void clear() {
            RAN.clear();
        }

        @Test
        void bravo(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void alpha(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Nested
        class Inner {
            @Test
            void foxtrot(TestInfo i, TestReporter r) {
                ran(i, r);
            }

            @Test
            void charlie(TestInfo i, TestReporter r) {
                ran(i, r);
            }

            @Test
            void echo(TestInfo i, TestReporter r) {
                ran(i, r);
            }

            @Test
            void delta(TestInfo i, TestReporter r) {
                ran(i, r);
            }
        }
    }

    @Suite
    @SelectClasses(NaturalOrder.class)
    @ConfigurationParameter(key = METHOD_ORDER, value = "org.junit.jupiter.api.MethodOrderer$MethodName")
    static class ThroughASuite {
    }

    /** An orderer that orders otherwise on s390x: what no host can make the container follow. */
    static class ReversedOnS390xOrderer implements MethodOrderer {
        @Override
        public void orderMethods(MethodOrdererContext context) {
            context.getMethodDescriptors().sort(java.util.Comparator.comparing(d -> d.getMethod().getName()));
            if (System.getProperty("os.arch").equals("s390x")) {
                Collections.reverse(context.getMethodDescriptors());
            }
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(ReversedOnS390xOrderer.class)
    static class ReversedOnS390x {
        @BeforeAll
        static void clear() {
            RAN.clear();
        }

        @Test
        void alpha(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void bravo(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void charlie(TestInfo i, TestReporter r) {
            ran(i, r);
        }

        @Test
        void delta(TestInfo i, TestReporter r) {
            ran(i, r);
        }
    }
}
