package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiarch.junit.RunsOn;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The agent's side of an error JUnit does not recover from, in this JVM (no container): the
 * session's frames, as the host would read them, when a test throws an {@link OutOfMemoryError}.
 */
class AgentSessionUnrecoverableTest {

    @Test
    void theFinishedMessageNamesTheErrorAndTheTestItStoppedTheRunIn() {
        List<Message> messages = messagesOf(ThrowsInTheMiddle.class);

        assertThat(messages).extracting(Wire::name).containsExactly("READY", "RESULT", "FINISHED");
        Message.Result first = (Message.Result) messages.get(1);
        assertThat(first.key()).endsWith("[method:first()]");
        assertThat(first.outcome()).isEqualTo(Outcome.SUCCESSFUL);
        Message.Finished finished = (Message.Finished) messages.get(2);
        assertThat(finished.unrecoverable()).isTrue();
        assertThat(finished.during())
                .isEqualTo("[class:" + ThrowsInTheMiddle.class.getName() + "]/[method:second()]");
        assertThat(ThrowableCodec.decode(finished.failure(), getClass().getClassLoader()))
                .isInstanceOf(OutOfMemoryError.class).hasMessage("provoked");
    }

    @Test
    void aRunThatEndsNormallyCarriesNoSuchMark() {
        List<Message> messages = messagesOf(Passes.class);

        assertThat(messages).extracting(Wire::name).containsExactly("READY", "RESULT", "FINISHED");
        Message.Finished finished = (Message.Finished) messages.get(2);
        assertThat(finished.unrecoverable()).isFalse();
        assertThat(finished.during()).isEmpty();
        assertThat(finished.failure()).isEmpty();
    }

    /** Runs {@code testClass} as an ungated session (as a training run does), in a thread of its own; what it sent. */
    private static List<Message> messagesOf(Class<?> testClass) {
        List<Message> messages = new CopyOnWriteArrayList<>();
        Thread session = new Thread(new AgentSession(1, RemoteSelector.forClass(List.of(), testClass),
                Map.of(Agent.ARCHITECTURE_PARAMETER, "s390x"), messages::add, false), "agent-session-under-test");
        session.start();
        try {
            session.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return messages;
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ThrowsInTheMiddle {
        @Test
        @Order(1)
        void first() {
        }

        @Test
        @Order(2)
        void second() {
            throw new OutOfMemoryError("provoked");
        }

        @Test
        @Order(3)
        void third() {
        }
    }

    @RunsOn("s390x")
    static class Passes {
        @Test
        void passes() {
        }
    }
}
