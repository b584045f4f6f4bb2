package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.remote.AgentSession;
import java.lang.reflect.Method;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContextProvider;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * The extension behind {@link RunsOn}. The same annotation is read in two JVMs, and this class
 * only decides, once per run, which of two extensions it is there:
 *
 * <ul>
 *   <li>{@link HostSide}, in the build's test JVM: runs the annotated tests in the warm runtime
 *       of their architecture instead of here, and reports the remote outcomes as their own;</li>
 *   <li>{@link AgentSide}, in a runtime (the agent's JVM, which runs the class as one of its
 *       sessions): the gate that lets each test run when the host asks for it.</li>
 * </ul>
 *
 * <p>Public only because JUnit's auto-detection (for {@code multiarch.runsOn}, see
 * {@link RunsOnSetting}) loads it through {@code META-INF/services}; not API. Registered for a
 * class without a target (no annotation, no setting), it does nothing.
 *
 * @since 0.1.0
 */
public final class RunsOnExtension implements ClassTemplateInvocationContextProvider, ExecutionCondition, BeforeAllCallback,
        AfterAllCallback, InvocationInterceptor {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RunsOnExtension.class);

    /** What each side does; the interceptors' defaults run the invocation here. */
    interface Side extends ExecutionCondition, BeforeAllCallback, AfterAllCallback, InvocationInterceptor {

        /** The runs of an annotated class: one per architecture. */
        Stream<ClassTemplateInvocationContext> runs(ExtensionContext context);

        @Override
        default ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return ConditionEvaluationResult.enabled("@RunsOn");
        }

        @Override
        default void beforeAll(ExtensionContext context) throws Exception {
        }

        @Override
        default void afterAll(ExtensionContext context) throws Exception {
        }
    }

    /**
     * The side of this JVM's run, decided once per run: the agent's when a session of it runs the
     * tests, or when this JVM is a runtime at all ({@code -Dmultiarch.agent=true}); else the host's.
     */
    @SuppressWarnings("deprecation") // getOrComputeIfAbsent: JUnit 5.13 and 5.14 have no computeIfAbsent
    private static Side side(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(Side.class, k -> {
            AgentSession session = AgentSession.of(context).orElse(null);
            return session != null || Boolean.getBoolean("multiarch.agent") ? new AgentSide(session) : new HostSide();
        }, Side.class);
    }

    /** For JUnit's auto-detection (through {@code META-INF/services}) and {@code @ExtendWith}. */
    public RunsOnExtension() {
    }

    @Override
    public boolean supportsClassTemplate(ExtensionContext context) {
        return Target.isMatrix(context.getRequiredTestClass());
    }

    @Override
    public Stream<ClassTemplateInvocationContext> provideClassTemplateInvocationContexts(ExtensionContext context) {
        return side(context).runs(context);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return side(context).evaluateExecutionCondition(context);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        side(context).beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        side(context).afterAll(context);
    }

    @Override
    public void interceptBeforeAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                         ExtensionContext context) throws Throwable {
        side(context).interceptBeforeAllMethod(invocation, invocationContext, context);
    }

    @Override
    public void interceptBeforeEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                          ExtensionContext context) throws Throwable {
        side(context).interceptBeforeEachMethod(invocation, invocationContext, context);
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext context) throws Throwable {
        side(context).interceptTestMethod(invocation, invocationContext, context);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext context) throws Throwable {
        side(context).interceptTestTemplateMethod(invocation, invocationContext, context);
    }

    @Override
    public <T> T interceptTestFactoryMethod(Invocation<T> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext context) throws Throwable {
        return side(context).interceptTestFactoryMethod(invocation, invocationContext, context);
    }

    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext invocationContext,
                                     ExtensionContext context) throws Throwable {
        side(context).interceptDynamicTest(invocation, invocationContext, context);
    }

    @Override
    public void interceptAfterEachMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                         ExtensionContext context) throws Throwable {
        side(context).interceptAfterEachMethod(invocation, invocationContext, context);
    }

    @Override
    public void interceptAfterAllMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                        ExtensionContext context) throws Throwable {
        side(context).interceptAfterAllMethod(invocation, invocationContext, context);
    }
}
