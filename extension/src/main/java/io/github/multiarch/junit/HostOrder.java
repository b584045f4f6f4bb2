package io.github.multiarch.junit;

import java.lang.reflect.AnnotatedElement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.engine.ConfigurationParameters;

/**
 * The host says which tests run and in which order; the remote run follows. Host and container
 * each discover and order a remote class with JUnit, and the agent's gate runs a test only when
 * the host asks for it, so the two orders must be one. What decides them is handed over:
 *
 * <ul>
 *   <li>the host's values of JUnit's parameters that order tests or name them for ordering,
 *       {@link #FORWARDED}, read where the host's run reads them (its launcher request, a
 *       {@code @Suite}'s {@code @ConfigurationParameter}, system properties,
 *       {@code junit-platform.properties}) and passed as the remote run's own parameters;</li>
 *   <li>a known random seed: JUnit's random orderers take theirs from
 *       {@code junit.jupiter.execution.order.random.seed}, else from a value each JVM picks
 *       itself, once. When a run sets none, {@link #pinSeed} sets one instead, as a system
 *       property, at the start of discovery ({@link RunsOnSetting}), and keeps it for the JVM's
 *       life as JUnit keeps its own (so a launcher run inside a run, or a second discovery of the
 *       same run, finds the same one); the first remote class with a chosen order says which, so
 *       that the run can be repeated.</li>
 * </ul>
 *
 * <p>An orderer that orders the same methods otherwise in another JVM cannot be followed: the
 * agent fails each test it can no longer run, saying the orders differed and how to fix it.
 *
 * @since 0.2.0
 */
final class HostOrder {

    /** JUnit's seed of {@code MethodOrderer.Random} and {@code ClassOrderer.Random}. */
    static final String RANDOM_SEED = MethodOrderer.Random.RANDOM_SEED_PROPERTY_NAME;
    /** JUnit's default method orderer. */
    static final String DEFAULT_METHOD_ORDER = MethodOrderer.DEFAULT_ORDER_PROPERTY_NAME;
    /** JUnit's default class orderer (for {@code @Nested} classes, here). */
    static final String DEFAULT_CLASS_ORDER = ClassOrderer.DEFAULT_ORDER_PROPERTY_NAME;
    /** JUnit's default display name generator: {@code MethodOrderer.DisplayName} orders by what it makes. */
    static final String DISPLAY_NAME_GENERATOR = DisplayNameGenerator.DEFAULT_GENERATOR_PROPERTY_NAME;

    /** The parameters the remote run takes from the host's run (README, "JUnit features under @RunsOn"). */
    static final List<String> FORWARDED = List.of(DEFAULT_METHOD_ORDER, DEFAULT_CLASS_ORDER, RANDOM_SEED,
            DISPLAY_NAME_GENERATOR);

    /** The system property that says the seed is the one {@link #pinSeed} chose. */
    static final String SEED_SET_BY_MULTIARCH = "multiarch.randomSeedSetByMultiarch";

    private HostOrder() {
    }

    /**
     * The host's values of {@link #FORWARDED}, as the remote run's parameters. Says once per run,
     * for the first remote class whose order is chosen ({@link #chosenOrder}), which random seed
     * this run pinned.
     */
    @SuppressWarnings("deprecation") // getOrComputeIfAbsent: JUnit 5.13 and 5.14 have no computeIfAbsent
    static Map<String, String> parameters(ExtensionContext context, Class<?> remoteClass) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String key : FORWARDED) {
            context.getConfigurationParameter(key).ifPresent(value -> params.put(key, value));
        }
        String seed = params.get(RANDOM_SEED);
        if (seed != null && seed.equals(System.getProperty(SEED_SET_BY_MULTIARCH)) && chosenOrder(remoteClass, params)) {
            context.getRoot().getStore(RunsOnExtension.NAMESPACE).getOrComputeIfAbsent(SEED_SET_BY_MULTIARCH, k -> {
                System.err.println("[multiarch] This run orders its tests with " + RANDOM_SEED + "=" + seed + " (chosen"
                        + " by multiarch-junit, as the run sets none, so that the remote JVMs order them as this one"
                        + " does); set it to repeat this order.");
                return Boolean.TRUE;
            }, Boolean.class);
        }
        return params;
    }

    /**
     * Sets {@link #RANDOM_SEED} as a system property, for this JVM, when the run sets none. (A
     * value that is not a number is the run's own too: JUnit then picks a seed of its own in each
     * JVM, and the tests it orders differently fail saying so.)
     */
    static void pinSeed(ConfigurationParameters config) {
        if (config.get(RANDOM_SEED).isPresent() || System.getProperty(RANDOM_SEED) != null) {
            return;
        }
        String seed = Long.toString(ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE));
        System.setProperty(RANDOM_SEED, seed);
        System.setProperty(SEED_SET_BY_MULTIARCH, seed);
    }

    /**
     * Whether the order of {@code remoteClass}'s tests is chosen, not JUnit's own: a default order
     * set for the run, or an orderer on the class or a {@code @Nested} class in it. (A random order
     * needs its seed to be repeated; a plain class does not.)
     */
    private static boolean chosenOrder(Class<?> remoteClass, Map<String, String> params) {
        if (params.containsKey(DEFAULT_METHOD_ORDER) || params.containsKey(DEFAULT_CLASS_ORDER)) {
            return true;
        }
        return ordered(remoteClass);
    }

    private static boolean ordered(Class<?> c) {
        if (hasOrderer(c)) {
            return true;
        }
        for (Class<?> inner : c.getDeclaredClasses()) {
            if (ordered(inner)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasOrderer(AnnotatedElement c) {
        return AnnotationSupport.findAnnotation(c, TestMethodOrder.class).filter(o -> o.value() != RemoteMethodOrder.class)
                .isPresent() || AnnotationSupport.isAnnotated(c, TestClassOrder.class);
    }
}
