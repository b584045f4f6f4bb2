package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.remote.TestKey;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.support.store.Namespace;
import org.junit.platform.engine.support.store.NamespacedHierarchicalStore;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * {@link Settings#RUN_AHEAD}: which tests of a remote class its remote JVM may run without
 * waiting for the host to ask for each. Those are the class's own plain {@code @Test} methods
 * that the host's discovered test plan holds: what the host's selection and filters left, in the
 * class the plan has them under. Templates, factories and nested classes still wait, as does
 * every test when the host has no plan (a run without JUnit's Launcher, such as the engine test
 * kit's) or the class is one run of a matrix (not in the plan before it runs).
 *
 * <p>The plan comes from the launcher session: {@link EarlyStart} keeps it there while it runs.
 *
 * @since 0.3.0
 */
final class RunAhead {

    private static final String NAMESPACE = "multiarch run ahead";

    private RunAhead() {
    }

    /** Keeps {@code plan} in the launcher session's {@code store} while it runs ({@code null}: it ended). */
    static void plan(NamespacedHierarchicalStore<Namespace> store, TestPlan plan) {
        if (plan == null) {
            store.remove(Namespace.create(NAMESPACE), TestPlan.class);
        } else {
            store.put(Namespace.create(NAMESPACE), TestPlan.class, plan);
        }
    }

    /** The host's test plan while it runs, as {@link #plan(NamespacedHierarchicalStore, TestPlan)} kept it; else {@code null}. */
    static TestPlan plan(ExtensionContext context) {
        return context.getStore(ExtensionContext.StoreScope.LAUNCHER_SESSION,
                ExtensionContext.Namespace.create(NAMESPACE)).get(TestPlan.class, TestPlan.class);
    }

    /** The node of {@code plan} with {@code uniqueId}; empty if the plan has none (one registered as the run goes). */
    static Optional<TestIdentifier> identifier(TestPlan plan, String uniqueId) {
        try {
            return Optional.of(plan.getTestIdentifier(uniqueId));
        } catch (RuntimeException notInPlan) { // (TestPlan throws for an id it does not hold)
            return Optional.empty();
        }
    }

    /**
     * The keys ({@link TestKey}) of the tests of {@code scope}, the context of a remote class,
     * that its remote JVM may run ahead; empty when {@code multiarch.runAhead} is off or there is
     * no plan that holds the class.
     */
    static Set<String> tests(ExtensionContext scope) {
        if (!Configuration.get(scope).runAhead()) {
            return Set.of();
        }
        TestPlan plan = plan(scope);
        if (plan == null) {
            return Set.of();
        }
        Optional<TestIdentifier> container = identifier(plan, scope.getUniqueId());
        if (container.isEmpty()) { // (a matrix run, registered as it runs)
            return Set.of();
        }
        Set<String> keys = new LinkedHashSet<>();
        for (TestIdentifier child : plan.getChildren(container.get())) {
            if (child.isTest() && !child.isContainer() && child.getSource().orElse(null) instanceof MethodSource
                    && TestKey.isPlainMethodId(child.getUniqueId())) {
                keys.add(TestKey.normalize(child.getUniqueId()));
            }
        }
        return keys;
    }
}
