package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class WireTest {

    @Test
    void everyKindOfMessageSurvivesTheWireInOrder() throws Exception {
        List<Message> sent = List.of(
                new Message.Hello("s390x", "17.0.13", true),
                new Message.Hello("ppc64le", "21", null),
                new Message.Start(7, "class\tcom.example.FooTest", Map.of("a", "b")),
                new Message.Ready(7),
                new Message.Run(7, "[engine:junit-jupiter]/[class:com.example.FooTest]/[method:bar()]"),
                new Message.Result(7, "com.example.FooTest#bar()", Outcome.FAILED, new byte[] {1, 2, 3},
                        "out ünïcödé".getBytes(StandardCharsets.UTF_8), new byte[0]),
                new Message.Report(7, "key", Map.of("jvm", "s390x", "ключ", "值")),
                new Message.Dynamic(7, "dyn", Outcome.ABORTED, null, new byte[] {4}, new byte[] {5}, "a dynamic test",
                        false, "factory"),
                new Message.Dynamic(7, "box", Outcome.SUCCESSFUL, null, null, null, "a container", true, "factory"),
                new Message.End(7),
                new Message.Finished(7, Outcome.FAILED, new byte[] {9}, null, null, true, "during"),
                new Message.Finished(8, Outcome.SUCCESSFUL, null, null, null, false, ""),
                new Message.Beat(Long.MAX_VALUE),
                new Message.Beat(1),
                new Message.Prepare("class\tcom.example.BarTest", Map.of("junit.jupiter.execution.order.random.seed", "42")));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (Message m : sent) {
            Wire.write(m, out);
        }

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        for (Message m : sent) {
            Message back = Wire.read(in);
            assertThat(back).as(Wire.name(m)).usingRecursiveComparison().isEqualTo(m);
            assertThat(Wire.encodedSize(back)).isEqualTo(Wire.encodedSize(m));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Wire.read(in)).isInstanceOf(EOFException.class);
    }

    @Test
    void anUnknownTagOrOutcomeIsACorruptStream() {
        assertThatThrownBy(() -> Wire.read(new DataInputStream(new ByteArrayInputStream(new byte[] {42, 0, 0, 0, 1}))))
                .isInstanceOf(CorruptFrameException.class).hasMessage("Corrupt stream: unknown frame tag 42");
        byte[] result = {(byte) Wire.RESULT_TAG, 0, 0, 0, 1, 0, 0, 0, 0, 9};
        assertThatThrownBy(() -> Wire.read(new DataInputStream(new ByteArrayInputStream(result))))
                .isInstanceOf(CorruptFrameException.class)
                .hasMessage("Corrupt stream: a RESULT frame names outcome 9, which does not exist");
    }

    @Test
    void aThrowableComesBackWithItsTypeFieldsCausesAndSuppressed() {
        AssertionFailedError original = new AssertionFailedError("byte order", "BIG_ENDIAN", "LITTLE_ENDIAN",
                new IllegalStateException("cause"));
        original.addSuppressed(new UnsupportedOperationException("suppressed"));

        Throwable back = ThrowableCodec.decode(ThrowableCodec.encode(original), getClass().getClassLoader());

        assertThat(back).isInstanceOf(AssertionFailedError.class).hasMessage("byte order");
        AssertionFailedError afe = (AssertionFailedError) back;
        assertThat(afe.getExpected().getStringRepresentation()).isEqualTo("BIG_ENDIAN");
        assertThat(afe.getActual().getStringRepresentation()).isEqualTo("LITTLE_ENDIAN");
        assertThat(back.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("cause");
        assertThat(back.getSuppressed()).singleElement().isInstanceOf(UnsupportedOperationException.class);
        assertThat(back.getStackTrace()).isEqualTo(original.getStackTrace());
    }

    /** A type the host cannot load: the loader below refuses it, as a host without the class would. */
    static class OnlyRemote extends AssertionError {
        OnlyRemote(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Test
    void aTypeTheHostCannotLoadBecomesAPlaceholderThatKeepsNameMessageTraceAndKind() {
        OnlyRemote original = new OnlyRemote("remote only", new OnlyRemoteCause("inner"));
        ClassLoader refusing = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.contains("OnlyRemote")) {
                    throw new ClassNotFoundException(name);
                }
                return super.loadClass(name, resolve);
            }
        };

        Throwable back = ThrowableCodec.decode(ThrowableCodec.encode(original), refusing);

        assertThat(back).isInstanceOf(AssertionError.class).isInstanceOf(RemoteThrowable.class).hasMessage("remote only");
        assertThat(((RemoteThrowable) back).originalClassName()).isEqualTo(OnlyRemote.class.getName());
        assertThat(back.toString()).startsWith(OnlyRemote.class.getName() + ": remote only");
        assertThat(back.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(back.getCause()).isInstanceOf(RuntimeException.class).hasMessage("inner");
        assertThat(((RemoteThrowable) back.getCause()).originalClassName()).isEqualTo(OnlyRemoteCause.class.getName());
    }

    static class OnlyRemoteCause extends RuntimeException {
        OnlyRemoteCause(String message) {
            super(message);
        }
    }
}
