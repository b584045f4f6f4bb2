package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiarch.junit.RunsOn;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
    void theFinishedFrameNamesTheErrorAndTheTestItStoppedTheRunIn() throws Exception {
        List<Frame> frames = framesOf(ThrowsInTheMiddle.class);

        assertThat(frames).extracting(Frame::kind)
                .containsExactly(Frame.Kind.READY, Frame.Kind.RESULT, Frame.Kind.FINISHED);
        Frame first = frames.get(1);
        assertThat(first.text()).endsWith("[method:first()]");
        assertThat(first.detail()).isEqualTo(Outcome.SUCCESSFUL.name());
        Frame finished = frames.get(2);
        assertThat(finished.params())
                .containsEntry(Agent.FINISHED_UNRECOVERABLE, "true")
                .hasEntrySatisfying(Agent.FINISHED_DURING, key -> assertThat(key)
                        .startsWith("[engine:junit-jupiter]/[class-template:" + ThrowsInTheMiddle.class.getName() + "]")
                        .contains("[class-template-invocation]") // normalized, as the host's keys are
                        .endsWith("[method:second()]"));
        assertThat(ThrowableCodec.decode(finished.failure(), getClass().getClassLoader()))
                .isInstanceOf(OutOfMemoryError.class).hasMessage("provoked");
    }

    @Test
    void aRunThatEndsNormallyCarriesNoSuchMark() throws Exception {
        List<Frame> frames = framesOf(Passes.class);

        assertThat(frames).extracting(Frame::kind).containsExactly(Frame.Kind.READY, Frame.Kind.RESULT, Frame.Kind.FINISHED);
        assertThat(frames.get(2).params()).isEmpty();
        assertThat(frames.get(2).failure()).isEmpty();
    }

    /** Runs {@code testClass} as an ungated session in a thread of its own, and reads back the frames it sent. */
    private static List<Frame> framesOf(Class<?> testClass) throws InterruptedException, IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Thread session = new Thread(() -> Agent.runUngated(testClass, "s390x", bytes), "agent-session-under-test");
        session.start();
        session.join();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        List<Frame> frames = new ArrayList<>();
        while (true) {
            try {
                frames.add(Frame.readFrom(in));
            } catch (EOFException end) {
                return frames;
            }
        }
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
