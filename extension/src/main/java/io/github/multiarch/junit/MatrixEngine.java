package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.platform.commons.JUnitException;
import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.EngineDescriptor;

/**
 * The test engine behind {@code multiarch.runsOn=s390x,arm64}: in one run, every test class
 * without {@link RunsOn} runs once per architecture named, in that order, each run reported
 * under its architecture's name ({@code com.example.ChecksumTest[s390x]}). With one name, or
 * none, it finds nothing and the run is JUnit Jupiter's alone, exactly as without it.
 *
 * <p>How: at discovery, JUnit Jupiter's own engine discovers the build's request once per
 * architecture, each time with {@code multiarch.runsOn} set to that one architecture. Of each
 * tree, this engine shows the build tool a copy of the classes without {@code @RunsOn}
 * ({@link MatrixDescriptor}) under a node of that architecture ({@link MatrixRun},
 * {@code [engine:multiarch]/[arch:s390x]}); {@link MatrixFilter} keeps Jupiter's own engine from
 * running those classes as well ({@link MatrixHandover} tells it which), so it runs the annotated
 * classes alone, as usual. At execution, Jupiter runs each architecture's tree in turn: an
 * ordinary run on one architecture ({@link HostSide}, the warm runtimes of the launcher session),
 * whose events are reported for the copies.
 *
 * <p>Registered through {@code META-INF/services}; not API.
 *
 * @since 0.2.0
 */
public final class MatrixEngine implements TestEngine {

    /** This engine's id. */
    static final String ID = "multiarch";
    /** JUnit Jupiter's engine id. */
    static final String JUPITER = "junit-jupiter";

    private TestEngine jupiter;

    /** For JUnit's {@code ServiceLoader}. */
    public MatrixEngine() {
    }

    @Override
    public String getId() {
        return ID;
    }

    @Override
    public TestDescriptor discover(EngineDiscoveryRequest request, UniqueId uniqueId) {
        EngineDescriptor engine = new EngineDescriptor(uniqueId, "multiarch-junit: once per architecture");
        ConfigurationParameters configuration = request.getConfigurationParameters();
        List<Architecture> architectures = configuration.get(Settings.RUNS_ON).map(Configuration::runsOn)
                .orElse(List.of());
        if (architectures.size() < 2 || Boolean.getBoolean("multiarch.agent")) {
            return engine; // (a runtime's own runs are on one architecture, whatever its properties file says)
        }
        Set<String> takenOver = new LinkedHashSet<>();
        for (Architecture architecture : architectures) {
            ConfigurationParameters one = MatrixRequests.with(configuration, Settings.RUNS_ON, architecture.platform());
            TestDescriptor tree = jupiter().discover(MatrixRequests.discovery(request, one), UniqueId.forEngine(JUPITER));
            MatrixRun run = new MatrixRun(uniqueId.append("arch", architecture.platform()), architecture, tree, one);
            for (TestDescriptor top : List.copyOf(tree.getChildren())) {
                Optional<Class<?>> testClass = testClass(top);
                if (testClass.isPresent() && !Target.isAnnotated(testClass.get())) {
                    run.copyClass(top);
                    takenOver.add(testClass.get().getName());
                } else {
                    top.removeFromHierarchy(); // an annotated class: Jupiter's own engine runs it, once
                }
            }
            if (!run.getChildren().isEmpty()) {
                engine.addChild(run);
            }
        }
        MatrixHandover.takeOver(takenOver);
        return engine;
    }

    private static Optional<Class<?>> testClass(TestDescriptor top) {
        if (top.getSource().orElse(null) instanceof ClassSource source) {
            try {
                return Optional.of(source.getJavaClass());
            } catch (RuntimeException | LinkageError e) {
                return Optional.empty(); // (Jupiter found it; if it cannot be loaded here, Jupiter reports that)
            }
        }
        return Optional.empty();
    }

    @Override
    public void execute(ExecutionRequest request) {
        EngineExecutionListener listener = request.getEngineExecutionListener();
        TestDescriptor engine = request.getRootTestDescriptor();
        listener.executionStarted(engine);
        for (TestDescriptor child : List.copyOf(engine.getChildren())) {
            MatrixRun run = (MatrixRun) child;
            run.alignWithCopies();
            try {
                jupiter().execute(MatrixRequests.execution(request, run.jupiterTree(), run.reportingTo(listener),
                        run.configuration()));
            } catch (RuntimeException | LinkageError e) { // (Jupiter reports its tests' failures; this is its own)
                run.failed(listener, e);
            }
        }
        listener.executionFinished(engine, TestExecutionResult.successful());
    }

    /** JUnit Jupiter's engine, as JUnit's launcher finds it. */
    private synchronized TestEngine jupiter() {
        if (jupiter == null) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            for (TestEngine engine : ServiceLoader.load(TestEngine.class, loader != null ? loader : getClass().getClassLoader())) {
                if (engine.getId().equals(JUPITER)) {
                    jupiter = engine;
                    break;
                }
            }
            if (jupiter == null) {
                throw new JUnitException(Settings.RUNS_ON + " names several architectures, which the engine '" + ID
                        + "' runs with JUnit Jupiter's engine, but junit-jupiter-engine is not on the test class path:"
                        + " add org.junit.jupiter:junit-jupiter (or junit-jupiter-engine) in test scope.");
            }
        }
        return jupiter;
    }
}
