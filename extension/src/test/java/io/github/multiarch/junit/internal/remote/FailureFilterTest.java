package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.security.auth.UserPrincipal;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.LinkedList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The host's side of a remote failure's bytes ({@link ThrowableCodec#decode}, {@link FailureFilter}),
 * in this JVM: what it refuses to deserialize, and that a refused or broken payload still comes
 * back as the remote failure (type, message, stack trace) with a note, never as an exception of
 * the decoder, and never as an allocation the bytes merely claim.
 */
class FailureFilterTest {

    private final ClassLoader loader = getClass().getClassLoader();

    /** A remote exception that carries an object of the test's choosing in its serialized form. */
    static class Carrying extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final Object payload;

        Carrying(String message, Object payload) {
            super(message);
            this.payload = payload;
        }
    }

    @Test
    void aJdkInternalClassIsRejectedAndTheFailureComesBackFromItsDescriptionWithANote() {
        Carrying original = new Carrying("boom", new UserPrincipal("gadget"));

        Throwable back = ThrowableCodec.decode(ThrowableCodec.encode(original), loader);

        assertThat(back).isInstanceOf(RemoteThrowable.class).isNotInstanceOf(Carrying.class);
        assertThat(((RemoteThrowable) back).originalClassName()).isEqualTo(Carrying.class.getName());
        assertThat(back).hasMessage("boom (the host's deserialization filter rejected the serialized form of this"
                + " remote failure: it holds an instance of com.sun.security.auth.UserPrincipal, a JDK class outside"
                + " java.* that is not an exception; reported from its description: type, message and stack trace)");
        assertThat(back.getStackTrace()).isEqualTo(original.getStackTrace());
    }

    /** Serializable, so that a proxy with it is too. */
    static final class Handler implements InvocationHandler, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            return null;
        }
    }

    @Test
    void aDynamicProxyIsRejected() {
        Object proxy = Proxy.newProxyInstance(loader, new Class<?>[] {Runnable.class}, new Handler());

        Throwable back = ThrowableCodec.decode(ThrowableCodec.encode(new Carrying("proxied", proxy)), loader);

        assertThat(back).isInstanceOf(RemoteThrowable.class)
                .hasMessageStartingWith("proxied (the host's deserialization filter rejected the serialized form")
                .hasMessageContaining("it holds a dynamic proxy");
    }

    @Test
    void aTooDeepObjectGraphIsRejected() {
        Object nested = "leaf";
        for (int i = 0; i < 150; i++) {
            nested = new Object[] {nested};
        }

        Throwable back = ThrowableCodec.decode(ThrowableCodec.encode(new Carrying("deep", nested)), loader);

        assertThat(back).isInstanceOf(RemoteThrowable.class)
                .hasMessageContaining("rejected the serialized form of this remote failure: its object graph is nested"
                        + " deeper than 100 levels");
    }

    @Test
    void tooManyReferencesAreRejected() {
        List<Integer> many = new LinkedList<>(); // (an ArrayList would be refused for the length of its array)
        Integer one = 1;
        for (int i = 0; i < 1_100_000; i++) {
            many.add(one); // each a reference to the same object
        }

        Throwable back = ThrowableCodec.decode(ThrowableCodec.encode(new Carrying("wide", many)), loader);

        assertThat(back).isInstanceOf(RemoteThrowable.class)
                .hasMessageContaining("rejected the serialized form of this remote failure: it holds more than"
                        + " 1000000 objects and references");
    }

    @Test
    void anArrayThatClaimsTwoBillionElementsIsRejectedBeforeAnythingIsAllocated() {
        long marker = 0x1122334455667788L;
        byte[] encoded = ThrowableCodec.encode(new Carrying("claims", new long[] {marker, marker, marker, marker}));
        int at = indexOf(encoded, ByteBuffer.allocate(8).putLong(marker).array());
        ByteBuffer.wrap(encoded).putInt(at - 4, Integer.MAX_VALUE); // the array's length: 16 GiB of longs

        Throwable back = ThrowableCodec.decode(encoded, loader);

        assertThat(back).isInstanceOf(RemoteThrowable.class)
                .hasMessageContaining("it holds an array of 2147483647 elements, more than 1000000");
    }

    @Test
    void aBrokenSerializedFormComesBackFromTheDescriptionWithANote() {
        IllegalStateException original = new IllegalStateException("broken on s390x");
        byte[] encoded = ThrowableCodec.encode(original);
        int length = ByteBuffer.wrap(encoded).getInt(0);
        Arrays.fill(encoded, 4, 4 + length, (byte) 0x5A); // garbage where the serialized form was

        Throwable back = ThrowableCodec.decode(encoded, loader);

        assertThat(((RemoteThrowable) back).originalClassName()).isEqualTo(IllegalStateException.class.getName());
        assertThat(back).hasMessageStartingWith("broken on s390x (the serialized form of this remote failure is broken"
                + " (java.io.StreamCorruptedException: invalid stream header: 5A5A5A5A); reported from its description");
        assertThat(back.getStackTrace()).isEqualTo(original.getStackTrace());
    }

    @Test
    void anEncodingThatClaimsTwoGibibytesIsReportedNotAllocated() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(Integer.MAX_VALUE); // "a serialized form of 2 GiB follows"
        out.writeInt(0);

        Throwable back = ThrowableCodec.decode(bytes.toByteArray(), loader);

        assertThat(back).isInstanceOf(RemoteThrowable.class).hasMessage("Could not decode the remote failure:"
                + " java.io.IOException: a count of 2147483647 with 4 bytes left");
    }

    @Test
    void garbageBytesAlwaysComeBackAsAPlaceholderNeverAsAnExceptionOfTheDecoder() {
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            byte[] garbage = new byte[1 + random.nextInt(4096)];
            random.nextBytes(garbage);

            Throwable back = ThrowableCodec.decode(garbage, loader);

            assertThat(back).as("garbage #%d", i).isInstanceOf(RemoteThrowable.class);
        }
    }

    /** A value of the test's own, from the class path: allowed. */
    record Reading(String unit, long value) implements Serializable {
    }

    @Test
    void typesOfTheClassPathAndJdkExceptionsStillComeBackAsThemselves() {
        AssertionFailedError original = new AssertionFailedError("reading", new Reading("mV", 1), new Reading("mV", 2),
                new javax.naming.NamingException("javax"));

        Throwable back = ThrowableCodec.decode(ThrowableCodec.encode(original), loader);

        assertThat(back).isInstanceOf(AssertionFailedError.class).hasMessage("reading");
        assertThat(((AssertionFailedError) back).getExpected().getValue()).isEqualTo(new Reading("mV", 1));
        assertThat(back.getCause()).isInstanceOf(javax.naming.NamingException.class);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
