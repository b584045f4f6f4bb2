package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.MultiarchException;
import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.binfmt.Emulators;
import io.github.multiarch.junit.internal.remote.Agent;
import io.github.multiarch.junit.internal.remote.AgentSessionHandle;
import io.github.multiarch.junit.internal.remote.Frame;
import io.github.multiarch.junit.internal.remote.TestKey;
import io.github.multiarch.junit.internal.runtime.ClassDataArchive;
import io.github.multiarch.junit.internal.runtime.Classpath;
import io.github.multiarch.junit.internal.docker.Docker;
import io.github.multiarch.junit.internal.runtime.RemoteRuntime;
import io.github.multiarch.junit.internal.runtime.RuntimePool;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.opentest4j.TestAbortedException;

/**
 * The extension behind {@link RunsOn}. It has two faces:
 *
 * <ul>
 *   <li>On the host, it skips the local invocation of lifecycle and test methods and runs them
 *       in the warm runtime of the target architecture instead, reporting the remote outcome as
 *       the test's own (see {@link RemoteSession}).</li>
 *   <li>Inside the runtime (the agent's JVM), where the same annotation brings it along, it is
 *       the gate that lets each test run only when the host asks for it.</li>
 * </ul>
 *
 * @since 0.1.0
 */
class RunsOnExtension implements ClassTemplateInvocationContextProvider, ExecutionCondition, BeforeAllCallback,
        AfterAllCallback, InvocationInterceptor {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RunsOnExtension.class);

    // ---- the architecture matrix: an annotated class runs once per architecture ----------

    @Override
    public boolean supportsClassTemplate(ExtensionContext context) {
        return AnnotationSupport.isAnnotated(context.getRequiredTestClass(), RunsOn.class);
    }

    @Override
    public Stream<ClassTemplateInvocationContext> provideClassTemplateInvocationContexts(ExtensionContext context) {
        Class<?> annotated = context.getRequiredTestClass();
        Optional<String> agentArchitecture = context.getConfigurationParameter(Agent.ARCHITECTURE_PARAMETER);
        List<Architecture> archs = agentArchitecture.isPresent()
                ? List.of(Architecture.of(agentArchitecture.get())) // in a runtime: its own architecture's run only
                : Target.architectures(annotated);
        if (agentArchitecture.isEmpty() && archs.size() > 1) {
            prestart(context.getRoot(), archs.subList(1, archs.size()));
        }
        return archs.stream().map(arch -> new ArchitectureRun(annotated, arch));
    }

    /**
     * Starts the runtimes of the later runs of a matrix in the background while the first run
     * goes on, so their JVMs boot (and their emulators are checked) concurrently. A failure here
     * is not lost: the run that needs the runtime starts it again and reports what goes wrong.
     */
    private static void prestart(ExtensionContext root, List<Architecture> archs) {
        for (Architecture arch : archs) {
            Thread t = new Thread(() -> {
                try {
                    runtime(root, arch);
                } catch (RuntimeException e) {
                    // reported by the run that needs it
                }
            }, "multiarch-prestart-" + arch.platform());
            t.setDaemon(true);
            t.start();
        }
    }

    /** One run of an annotated class, on one architecture: {@code [s390x]} in the report. */
    private static final class ArchitectureRun implements ClassTemplateInvocationContext {
        private final Class<?> annotated;
        private final Architecture architecture;

        ArchitectureRun(Class<?> annotated, Architecture architecture) {
            this.annotated = annotated;
            this.architecture = architecture;
        }

        @Override
        public String getDisplayName(int invocationIndex) {
            return "[" + architecture.platform() + "]";
        }

        @Override
        public void prepareInvocation(ExtensionContext context) {
            context.getStore(NAMESPACE).put(Target.invocationKey(annotated), architecture);
        }
    }

    // ---- the remote face ----------------------------------------------------------------

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Optional<AgentSessionHandle> agent = Agent.session(context);
        if (agent.isPresent() && TestKey.isTest(context)) {
            return agent.get().gate(context);
        }
        return ConditionEvaluationResult.enabled("@RunsOn");
    }

    private static boolean inAgent(ExtensionContext context) {
        return Agent.session(context).isPresent() || Boolean.getBoolean("multiarch.agent");
    }

    // ---- the host face -----------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (inAgent(context)) {
            return;
        }
        Optional<Target> target = Target.of(context);
        if (target.isPresent() && target.get().isScope(context)) {
            long t0 = System.nanoTime();
            try {
                session(context, target.get()).open();
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            } finally {
                Trace.took("opening the remote class " + target.get().key(), t0);
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (inAgent(context)) {
            return;
        }
        Optional<Target> target = Target.of(context);
        if (target.isPresent() && target.get().isScope(context)) {
            RemoteSession session = context.getStore(NAMESPACE).get(target.get().key(), RemoteSession.class);
            if (session != null) {
                session.close();
            }
        }
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext context) throws Throwable {
        runRemotely(invocation, context);
    }

    /**
     * Runs the test of {@code context} in the remote JVM instead of here, and reports what the
     * remote JVM said: passed, failed (the remote exception), aborted, or never run (an error).
     */
    private static void runRemotely(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        if (inAgent(context)) {
            invocation.proceed();
            return;
        }
        invocation.skip();
        Target target = Target.of(context).orElseThrow();
        report(remote(context, target, frame -> { }), context, target.architecture);
    }

    /** Asks the remote JVM to run {@code context}'s node; REPORT frames are published here, others go to {@code sink}. */
    private static RemoteSession.Result remote(ExtensionContext context, Target target,
                                               java.util.function.Consumer<Frame> sink) throws Throwable {
        requireOneAtATime(context, target);
        RemoteSession session = session(context, target);
        RemoteSession.Result result = session.run(TestKey.of(context), frame -> {
            if (frame.kind() == Frame.Kind.REPORT) {
                context.publishReportEntry(frame.params());
            } else {
                sink.accept(frame);
            }
        });
        RemoteSession.replay(result.out(), result.err());
        return result;
    }

    /**
     * The tests of one remote session run one at a time, in order ({@link RemoteMethodOrder} sees
     * to that by default); an explicit {@code @Execution(CONCURRENT)} under JUnit's parallel mode
     * would have the host ask for them in any order, so it is refused with the fix.
     */
    private static void requireOneAtATime(ExtensionContext context, Target target) {
        boolean parallel = Configuration.get(context).parallelExecution();
        boolean ownSession = target.isMethodScope() && context.getTestMethod().isPresent()
                && TestKey.isPlainMethod(context);
        if (parallel && !ownSession && context.getExecutionMode() == ExecutionMode.CONCURRENT) {
            throw new ExtensionConfigurationException("@RunsOn on " + target.key() + ": its tests run in the "
                    + target.architecture + " JVM one at a time, in order, but JUnit is set to run "
                    + context.getDisplayName() + " concurrently with them (@Execution(CONCURRENT) on the class or"
                    + " method, under junit.jupiter.execution.parallel.enabled=true). Remove that @Execution: @RunsOn"
                    + " classes run in parallel with junit.jupiter.execution.parallel.mode.default=concurrent while"
                    + " their tests stay one at a time; or put @Execution(SAME_THREAD) on the test methods.");
        }
    }

    private static void report(RemoteSession.Result result, ExtensionContext context, Architecture arch)
            throws Throwable {
        switch (result.outcome()) {
            case SUCCESSFUL:
                return;
            case ABORTED:
                throw result.failure() != null ? result.failure() : new TestAbortedException("aborted on " + arch);
            case FAILED:
                throw result.failure() != null ? result.failure()
                        : new AssertionError("failed on " + arch + " without an exception");
            default:
                throw notRun(result.failure(), context, arch);
        }
    }

    /**
     * The failure of a test the remote JUnit run did not run: filtered or disabled there, or the
     * run ended before reaching it ({@code failure}, when the run ended with one, is then the evidence).
     */
    private static MultiarchException notRun(Throwable failure, ExtensionContext context, Architecture arch) {
        String what = context.getDisplayName() + " was not run by the remote JUnit run on " + arch;
        if (failure != null) {
            return new MultiarchException(what + ": that run ended before reaching it, with " + failure
                    + ". Nothing ran, so it is not reported as passed.", failure);
        }
        return new MultiarchException(what + ": JUnit there disabled or filtered it (a condition evaluated"
                + " differently, or a different test order). Nothing ran, so it is not reported as passed.");
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                         ExtensionContext context) throws Throwable {
        remoteOnly(invocation, context);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                          ExtensionContext context) throws Throwable {
        remoteOnly(invocation, context);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                         ExtensionContext context) throws Throwable {
        remoteOnly(invocation, context);
    }

    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                        ExtensionContext context) throws Throwable {
        remoteOnly(invocation, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext context) throws Throwable {
        runRemotely(invocation, context); // each invocation of a @ParameterizedTest, @RepeatedTest, ...
    }

    /**
     * A {@code @TestFactory} runs remotely, with its dynamic tests; here it returns dynamic tests
     * of the same names and tree that replay what each remote one did.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext context) throws Throwable {
        if (inAgent(context)) {
            return invocation.proceed();
        }
        invocation.skip();
        Target target = Target.of(context).orElseThrow();
        List<Frame> dynamics = new java.util.ArrayList<>();
        report(remote(context, target, dynamics::add), context, target.architecture);
        return (T) DynamicReplay.of(TestKey.of(context), dynamics);
    }

    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext invocationContext,
                                     ExtensionContext context) throws Throwable {
        invocation.proceed(); // remotely: the test itself; here: the replay of its remote outcome
    }

    private static void remoteOnly(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        if (inAgent(context)) {
            invocation.proceed();
        } else {
            invocation.skip(); // it runs in the remote JVM, as part of the remote class
        }
    }

    /**
     * The session of {@code target}, kept in the store of the context that owns it: the annotated
     * class's, or the annotated method's (for a test template, the template's, not an invocation's).
     */
    private static RemoteSession session(ExtensionContext context, Target target) {
        ExtensionContext scope = context;
        while (!target.isScope(scope) || (target.isMethodScope()
                && scope.getParent().flatMap(ExtensionContext::getTestMethod).isPresent())) {
            scope = scope.getParent().orElseThrow(() -> new IllegalStateException("No context for " + target.key()));
        }
        ExtensionContext root = context.getRoot();
        return scope.getStore(NAMESPACE).computeIfAbsent(target.key(),
                k -> new RemoteSession(target, () -> runtime(root, target.architecture)), RemoteSession.class);
    }

    /**
     * The warm runtime of {@code arch}: image resolved once per run, JVM kept per JVM. The
     * runtime's own start is the proof by running that the emulator works: only when it fails is
     * the emulator checked (and registered), and the runtime started again.
     */
    private static RemoteRuntime runtime(ExtensionContext root, Architecture arch) {
        Configuration config = Configuration.get(root);
        Docker docker = Trace.step("connecting to Docker", Docker::get);
        String image = config.imageFor(arch);
        ExtensionContext.Store store = root.getStore(NAMESPACE);
        String imageId = store.computeIfAbsent("image:" + arch.platform() + ":" + image,
                k -> Trace.step("resolving " + image, () -> docker.resolveImage(image, arch)), String.class);
        return RuntimePool.get(arch.platform() + "|" + imageId, () -> {
            java.util.function.Supplier<RemoteRuntime> start = () -> Trace.step("starting the " + arch + " JVM",
                    () -> RemoteRuntime.start(docker, arch, imageId, image,
                            ClassDataArchive.plan(config.cdsDir(), docker, arch, imageId, Classpath.current())));
            String emulatorKey = "emulator:" + arch.platform();
            if (store.get(emulatorKey) != null) {
                return start.get();
            }
            try {
                RemoteRuntime runtime = start.get();
                store.put(emulatorKey, "usable: the runtime runs");
                return runtime;
            } catch (MultiarchException failedStart) {
                String emulator;
                try {
                    emulator = Trace.step("checking the " + arch + " emulator",
                            () -> Emulators.ensure(docker, arch, imageId, config.bundleImage(), config.install()));
                } catch (RuntimeException e) {
                    e.addSuppressed(failedStart);
                    throw e;
                }
                store.put(emulatorKey, emulator);
                if (emulator.equals("native")) {
                    throw failedStart; // nothing to emulate: the JVM itself failed
                }
                try {
                    return start.get(); // usable now: registered by this JVM, or by another meanwhile
                } catch (MultiarchException again) {
                    again.addSuppressed(failedStart);
                    throw again;
                }
            }
        });
    }
}
