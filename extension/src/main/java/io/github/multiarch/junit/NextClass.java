package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Log;
import java.util.Iterator;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * {@link Settings#DISCOVER_AHEAD}: the remote class the host's run reaches right after the
 * current one, so that the remote JVM discovers it while the current one runs
 * ({@link RemoteSession#prepare}). That is the next top-level class of the host's test plan (its
 * classes run in the plan's order, one at a time), when it runs on the same architecture as a
 * class of its own (not a matrix). A run with parallel classes, a nested class, or a run without
 * a plan (the engine test kit's) prepares nothing; a guess the run does not take costs only the
 * discovery.
 *
 * @since 0.3.0
 */
final class NextClass {

    private NextClass() {
    }

    /** The target of the class after {@code current}, whose session {@code scope} owns, if it is one to prepare. */
    static Optional<Target> after(ExtensionContext scope, Target current) {
        Configuration config = Configuration.get(scope);
        TestPlan plan = RunAhead.plan(scope);
        if (!config.discoverAhead() || config.parallelExecution() || plan == null || current.isMethodScope()
                || Target.enclosingOfInner(current.scopeClass) != null) {
            return Optional.empty();
        }
        ExtensionContext top = scope; // (the class itself, above the run of its class template)
        while (top.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
            top = top.getParent().get();
        }
        Optional<TestIdentifier> topClass = RunAhead.identifier(plan, top.getUniqueId());
        Optional<TestIdentifier> parent = topClass.flatMap(plan::getParent);
        if (parent.isEmpty()) {
            return Optional.empty();
        }
        Iterator<TestIdentifier> siblings = plan.getChildren(parent.get()).iterator();
        while (siblings.hasNext() && !siblings.next().equals(topClass.get())) {
            // up to the current class
        }
        if (!siblings.hasNext() || !(siblings.next().getSource().orElse(null) instanceof ClassSource next)) {
            return Optional.empty();
        }
        Class<?> nextClass;
        try {
            nextClass = next.getJavaClass();
        } catch (RuntimeException notLoadable) {
            return Optional.empty();
        }
        try {
            return Target.ofClass(nextClass, scope).filter(t -> t.architecture.equals(current.architecture));
        } catch (RuntimeException misconfigured) { // (its own run reports it, e.g. an @RunsOn naming no architecture)
            Log.debug("Not discovering " + nextClass.getName() + " ahead: " + misconfigured);
            return Optional.empty();
        }
    }
}
