package io.github.multiarch.junit.internal.remote;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What the extension sees of a running agent session: the gate in front of each test method.
 *
 * @since 0.1.0
 */
public final class AgentSessionHandle {

    private final AgentSession session;

    AgentSessionHandle(AgentSession session) {
        this.session = session;
    }

    /** Waits for the host's decision on the test method of {@code context}. */
    public ConditionEvaluationResult gate(ExtensionContext context) {
        return session.gate(context);
    }
}
