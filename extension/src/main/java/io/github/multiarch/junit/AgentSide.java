package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.remote.Agent;
import io.github.multiarch.junit.internal.remote.AgentSession;
import io.github.multiarch.junit.internal.remote.TestKey;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@link RunsOn} in a runtime, where an agent's session runs the class: every lifecycle and test
 * method runs here, as usual (the interceptors' defaults), and each test waits at the gate of its
 * session until the host asks for it. A class runs only the run of the session's architecture.
 * A JUnit run that a remote test starts itself (no session of its own, in a runtime's JVM) runs
 * every annotated class here, ungated.
 *
 * @since 0.2.0
 */
final class AgentSide implements RunsOnExtension.Side {

    /** The session that runs the class; {@code null} for a JUnit run that is not a session. */
    private final AgentSession session;

    AgentSide(AgentSession session) {
        this.session = session;
    }

    @Override
    public Stream<ClassTemplateInvocationContext> runs(ExtensionContext context) {
        Class<?> annotated = context.getRequiredTestClass();
        return context.getConfigurationParameter(Agent.ARCHITECTURE_PARAMETER).map(Architecture::of).map(List::of)
                .orElseGet(() -> Target.architectures(annotated))
                .stream().map(arch -> new ArchitectureRun(annotated, arch));
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return session != null && TestKey.isTest(context) ? session.gate(context)
                : ConditionEvaluationResult.enabled("@RunsOn");
    }
}
