package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class WireTest {

    @Test
    void framesSurviveTheWireInOrder() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        Frame start = new Frame(Frame.Kind.START, 7, "class\tcom.example.FooTest", null, null, null, null,
                Map.of("a", "b"));
        Frame result = new Frame(Frame.Kind.RESULT, 7, "com.example.FooTest#bar()", "FAILED",
                new byte[] {1, 2, 3}, "out ünïcödé".getBytes("UTF-8"), new byte[0], null);
        start.writeTo(out);
        result.writeTo(out);

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        Frame a = Frame.readFrom(in);
        Frame b = Frame.readFrom(in);
        assertThat(a.kind()).isEqualTo(Frame.Kind.START);
        assertThat(a.session()).isEqualTo(7);
        assertThat(a.text()).isEqualTo("class\tcom.example.FooTest");
        assertThat(a.params()).containsExactly(Map.entry("a", "b"));
        assertThat(b.detail()).isEqualTo("FAILED");
        assertThat(b.failure()).containsExactly(1, 2, 3);
        assertThat(new String(b.out(), "UTF-8")).isEqualTo("out ünïcödé");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Frame.readFrom(in)).isInstanceOf(EOFException.class);
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
