package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.arch.Log;
import io.github.multiarch.junit.internal.runtime.Runtimes;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Disabled;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.support.store.Namespace;
import org.junit.platform.engine.support.store.NamespacedHierarchicalStore;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Starts the work of the first {@link RunsOn} class before that class runs. As JUnit's launcher
 * session opens (in a JVM that has this extension on its class path), the Docker connection
 * opens in the background, overlapping test discovery; as the discovered test plan starts to
 * execute, the runtime of each architecture the plan needs (its classes' and methods'
 * {@link RunsOn}, and {@code multiarch.runsOn} for the others) starts in the background, so a
 * JVM boots under QEMU while the build runs its other tests, or while JUnit sets up the first
 * class. The class that needs a runtime takes the one started here, or waits for its start to
 * end; a start that fails here is not lost: the class starts it again and reports what goes
 * wrong. Nothing happens in a runtime's own JVM; {@code -Dmultiarch.docker.early=false} switches
 * both off. It also keeps the running test plan in the launcher session, for {@link RunAhead}.
 *
 * <p>Registered through {@code META-INF/services}; not API.
 *
 * @since 0.2.0
 */
public final class EarlyStart implements LauncherSessionListener {

    /** The system property that switches the early connection and the early runtime starts off. */
    static final String SWITCH = "multiarch.docker.early";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (Boolean.getBoolean("multiarch.agent")) {
            return;
        }
        NamespacedHierarchicalStore<Namespace> store;
        try {
            store = session.getStore();
        } catch (LinkageError tooOld) {
            Log.debug("No early start: JUnit older than 5.13 (no session store); the discovery that follows fails"
                    + " naming the version", tooOld);
            return;
        }
        boolean early = Boolean.parseBoolean(System.getProperty(SWITCH, "true"));
        if (early) {
            Runtimes.of(store).connectInBackground();
        }
        session.getLauncher().registerTestExecutionListeners(new TestExecutionListener() {
            @Override
            public void testPlanExecutionStarted(TestPlan plan) {
                RunAhead.plan(store, plan); // (whatever the switch: the plan is what multiarch.runAhead may run)
                if (early) {
                    startInBackground(plan, store);
                }
            }

            @Override
            public void testPlanExecutionFinished(TestPlan plan) {
                RunAhead.plan(store, null);
            }
        });
    }

    /** Reads the architectures of {@code plan} and starts their runtimes, all in the background. */
    private static void startInBackground(TestPlan plan, NamespacedHierarchicalStore<Namespace> store) {
        inBackground("multiarch-early-start", () -> {
            Configuration config = Configuration.of(plan.getConfigurationParameters());
            for (Architecture arch : architectures(plan, config.runsOnAll())) {
                inBackground("multiarch-early-start-" + arch.platform(), () -> Trace.step("starting the " + arch
                        + " JVM ahead of its first class", () -> Runtimes.of(store)
                        .get(config.spec(arch, ArchiveTraining.class.getName()), new Runtimes.RunChecks())));
            }
        });
    }

    /**
     * The architectures the tests of {@code plan} run on, in the plan's order: each {@link RunsOn}
     * of its classes (also matrix ones) and methods, and {@code runsOn} (the setting) for a class
     * of JUnit Jupiter that names none. A class or method that cannot be loaded, or an annotation
     * that names no known architecture, adds nothing: its test reports that problem when it runs.
     */
    static Set<Architecture> architectures(TestPlan plan, List<Architecture> runsOn) {
        Set<Architecture> archs = new LinkedHashSet<>();
        Set<Class<?>> seen = new HashSet<>();
        Deque<TestIdentifier> todo = new ArrayDeque<>(plan.getRoots());
        while (!todo.isEmpty()) {
            TestIdentifier id = todo.pop();
            todo.addAll(plan.getChildren(id));
            Class<?> type = classOf(id.getSource().orElse(null));
            if (type == null || !seen.add(type)
                    || org.junit.platform.commons.support.AnnotationSupport.isAnnotated(type, Disabled.class)) {
                continue; // (a class JUnit will not run needs no runtime)
            }
            try {
                if (Target.isAnnotated(type)) {
                    archs.addAll(Target.architectures(type));
                } else if (Target.enclosingOfInner(type) == null && isJupiter(id)) {
                    archs.addAll(runsOn); // (an inner class is its outer class's)
                }
                for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
                    for (Method method : c.getDeclaredMethods()) {
                        archs.addAll(Target.architectures(method));
                    }
                }
            } catch (RuntimeException | LinkageError e) {
                Log.debug("No early start for the architectures of " + type.getName() + "; its tests report the"
                        + " problem when they run", e);
            }
        }
        return archs;
    }

    private static Class<?> classOf(TestSource source) {
        try {
            if (source instanceof ClassSource c) {
                return c.getJavaClass();
            }
            if (source instanceof MethodSource m) {
                return m.getJavaClass();
            }
        } catch (RuntimeException | LinkageError e) {
            Log.debug("A test source's class is not loadable here: no early start for it", e);
        }
        return null;
    }

    /** Whether {@code id} is one of JUnit Jupiter's (or, through it, the matrix engine's), which the setting moves. */
    private static boolean isJupiter(TestIdentifier id) {
        String engine = id.getUniqueIdObject().getEngineId().orElse("");
        return engine.equals(MatrixEngine.JUPITER) || engine.equals(MatrixEngine.ID);
    }

    /**
     * Runs {@code work}, which starts runtimes ahead of the tests that need them, in a daemon
     * thread named {@code name} (also {@link HostSide}'s later runs of a matrix). A failure is
     * not lost: the test that needs the runtime starts it again and reports what goes wrong.
     */
    static void inBackground(String name, Runnable work) {
        Thread t = new Thread(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                Log.debug("Starting a runtime ahead of the tests that need it failed; the first of them starts it"
                        + " again and reports the failure", e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }
}
