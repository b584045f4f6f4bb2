package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.arch.Log;
import io.github.multiarch.junit.internal.arch.MultiarchException;
import io.github.multiarch.junit.internal.remote.Message;
import io.github.multiarch.junit.internal.remote.TestKey;
import io.github.multiarch.junit.internal.runtime.RemoteRuntime;
import io.github.multiarch.junit.internal.runtime.Runtimes;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.opentest4j.TestAbortedException;

/**
 * {@link RunsOn} in the build's test JVM: skips the local invocation of lifecycle and test
 * methods and runs them in the warm runtime of the target architecture instead
 * ({@link RemoteSession}), reporting the remote outcome as the test's own.
 *
 * @since 0.2.0
 */
final class HostSide implements RunsOnExtension.Side {

    // ---- the architecture matrix: an annotated class runs once per architecture ----------

    @Override
    public Stream<ClassTemplateInvocationContext> runs(ExtensionContext context) {
        Class<?> annotated = context.getRequiredTestClass();
        List<Architecture> archs = Target.architectures(annotated);
        if (archs.size() > 1) {
            prestart(context, archs.subList(1, archs.size()));
        }
        return archs.stream().map(arch -> new ArchitectureRun(annotated, arch));
    }

    /**
     * Starts the runtimes of the later runs of a matrix in the background while the first run
     * goes on, so their JVMs boot (and their emulators are checked) concurrently. A failure here
     * is not lost: the run that needs the runtime starts it again and reports what goes wrong.
     */
    private static void prestart(ExtensionContext context, List<Architecture> archs) {
        ExtensionContext root = context.getRoot();
        for (Architecture arch : archs) {
            EarlyStart.inBackground("multiarch-prestart-" + arch.platform(), () -> runtime(root, arch));
        }
    }

    // ---- a remote class: its session opens before its first test and ends after its last ----

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Optional<Target> target = Target.of(context);
        if (target.isPresent() && target.get().isScope(context)) {
            explainSetting(context, target.get());
            long t0 = System.nanoTime();
            try {
                RemoteSession session = session(context, target.get());
                session.open();
                NextClass.after(context, target.get()).ifPresent(session::prepare);
            } catch (MultiarchException.Unavailable e) {
                throw unavailable(context, target.get(), e);
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
        Optional<Target> target = Target.of(context);
        if (target.isPresent() && target.get().isScope(context)) {
            RemoteSession session = context.getStore(RunsOnExtension.NAMESPACE).get(target.get().key(), RemoteSession.class);
            if (session != null) {
                session.close();
            }
        }
    }

    /**
     * One line when {@code multiarch.runsOn} names another architecture than a class's own
     * annotation, which wins; or several, of which the annotated class runs on its own alone.
     */
    private static void explainSetting(ExtensionContext context, Target target) {
        List<Architecture> setting = Configuration.get(context).runsOnAll();
        if (!target.bySetting && !target.isMethodScope() && !setting.isEmpty()
                && !setting.equals(List.of(target.architecture))) {
            Log.progress(target.scopeClass.getName() + " runs on " + target.architecture
                    + (setting.size() > 1 ? " alone" : "") + ": its @RunsOn wins over " + Settings.RUNS_ON + "="
                    + Configuration.names(setting));
        }
    }

    // ---- each test runs remotely; lifecycle methods run there as part of the remote class ----
    // (a context without a target, in a class neither annotated nor chosen by the setting: here)

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext context) throws Throwable {
        runRemotely(invocation, context);
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
        Optional<Target> remote = Target.of(context);
        if (remote.isEmpty()) {
            return invocation.proceed();
        }
        invocation.skip();
        Target target = remote.get();
        List<Message.Dynamic> dynamics = new ArrayList<>();
        remote(context, target, dynamics::add).rethrow(context.getDisplayName(), target.architecture);
        return (T) DynamicReplay.of(TestKey.of(context), dynamics, target.architecture);
    }

    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext invocationContext,
                                     ExtensionContext context) throws Throwable {
        invocation.proceed(); // the replay of its remote outcome
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

    /**
     * Runs the test of {@code context} in the remote JVM instead of here, and reports what the
     * remote JVM said: passed, failed (the remote exception), aborted, or never run (an error).
     */
    private static void runRemotely(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        Optional<Target> target = Target.of(context);
        if (target.isEmpty()) {
            invocation.proceed();
            return;
        }
        invocation.skip();
        RemoteSession.Result result;
        try {
            result = remote(context, target.get(), dynamic -> { });
        } catch (MultiarchException.Unavailable e) {
            throw unavailable(context, target.get(), e);
        }
        result.rethrow(context.getDisplayName(), target.get().architecture);
    }

    /**
     * What a test gets when this machine cannot run its architecture: the failure, or, with
     * {@code multiarch.unavailable=skip}, an abort that carries it.
     */
    private static RuntimeException unavailable(ExtensionContext context, Target target,
                                                MultiarchException.Unavailable e) {
        if (!Configuration.get(context).skipUnavailable()) {
            return e;
        }
        TestAbortedException skipped = new TestAbortedException("Skipped (" + Settings.UNAVAILABLE + "=skip): this"
                + " machine cannot run " + target.architecture + " tests: " + e.getMessage(), e);
        return skipped;
    }

    /** A lifecycle method of a remote class runs in the remote JVM, as part of the remote class; else here. */
    private static void remoteOnly(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        if (Target.of(context).isPresent()) {
            invocation.skip();
        } else {
            invocation.proceed();
        }
    }

    /** Asks the remote JVM to run {@code context}'s node; its report entries are published here. */
    private static RemoteSession.Result remote(ExtensionContext context, Target target,
                                               Consumer<Message.Dynamic> dynamics) throws Throwable {
        requireOneAtATime(context, target);
        RemoteSession.Result result = session(context, target).run(TestKey.of(context),
                report -> context.publishReportEntry(report.entries()), dynamics);
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

    /**
     * The session of {@code target}, kept in the store of the context that owns it: the annotated
     * class's, or the annotated method's (for a test template, the template's, not an invocation's).
     */
    @SuppressWarnings("deprecation") // getOrComputeIfAbsent: JUnit 5.13 and 5.14 have no computeIfAbsent
    private static RemoteSession session(ExtensionContext context, Target target) {
        ExtensionContext scope = context;
        while (!target.isScope(scope) || (target.isMethodScope()
                && scope.getParent().flatMap(ExtensionContext::getTestMethod).isPresent())) {
            scope = scope.getParent().orElseThrow(() -> new IllegalStateException("No context for " + target.key()));
        }
        ExtensionContext root = context.getRoot();
        ExtensionContext owner = scope;
        return scope.getStore(RunsOnExtension.NAMESPACE).getOrComputeIfAbsent(target.key(),
                k -> new RemoteSession(target, () -> runtime(root, target.architecture),
                        target.isMethodScope() ? Set.of() : RunAhead.tests(owner)), RemoteSession.class);
    }

    /** The warm runtime of {@code arch}, from the launcher session's {@link Runtimes}. */
    @SuppressWarnings("deprecation") // getOrComputeIfAbsent: JUnit 5.13 and 5.14 have no computeIfAbsent
    private static RemoteRuntime runtime(ExtensionContext context, Architecture arch) {
        Runtimes.Spec spec = Configuration.get(context).spec(arch, ArchiveTraining.class.getName());
        Runtimes.RunChecks checks = context.getRoot().getStore(RunsOnExtension.NAMESPACE)
                .getOrComputeIfAbsent(Runtimes.RunChecks.class, k -> new Runtimes.RunChecks(), Runtimes.RunChecks.class);
        return Trace.step("getting the " + arch + " JVM", () -> Runtimes.of(context).get(spec, checks));
    }
}
