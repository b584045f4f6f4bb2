package io.github.multiarch.junit.internal.remote;

import io.github.multiarch.junit.internal.arch.Log;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Ships a {@link Throwable} across the wire and rebuilds it on the other side.
 *
 * <p>Two forms travel together: Java serialization of the original (so the host gets the very
 * type, message, stack trace, causes, suppressed exceptions and fields such as opentest4j's
 * expected/actual, whenever the host can load the classes), and a plain description (class name,
 * message, stack trace, causes, suppressed) from which a {@link RemoteThrowable} placeholder is
 * built when it cannot.
 *
 * <p>The host trusts neither form: the serialized one is read through a {@link FailureFilter}
 * (allowed classes, bounded size and depth), the description with every length checked against
 * the bytes there are. A serialized form the filter rejects, or that is broken, is not used: the
 * failure is rebuilt from the description, with a note saying so. What the agent sends is
 * bounded too: a serialized form larger than the filter takes is left out, and a description
 * larger than {@link #DESCRIPTION_LIMIT} is replaced by a brief one.
 *
 * @since 0.1.0
 */
public final class ThrowableCodec {

    private static final int MAX_DEPTH = 32;

    /** The most bytes of a failure's description; a larger one is replaced by {@link #describeBriefly}. */
    static final int DESCRIPTION_LIMIT = 8 * 1024 * 1024;

    /** The most characters of the message a brief description keeps. */
    private static final int BRIEF_MESSAGE_CHARS = 64 * 1024;

    /** The most stack trace elements a brief description keeps. */
    private static final int BRIEF_TRACE = 1024;

    private ThrowableCodec() {
    }

    public static byte[] encode(Throwable t) {
        if (t == null) {
            return new byte[0];
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            byte[] serialized = serialize(t);
            if (serialized.length > FailureFilter.MAX_BYTES) {
                serialized = new byte[0]; // the host's filter would reject it: the description travels alone
            }
            out.writeInt(serialized.length);
            out.write(serialized);
            out.write(description(t));
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Rebuilds the throwable; {@code null} for an empty encoding. Never throws: bytes that cannot
     * be decoded at all give a placeholder that says so.
     */
    public static Throwable decode(byte[] encoded, ClassLoader loader) {
        if (encoded == null || encoded.length == 0) {
            return null;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
            byte[] serialized = readBlock(in);
            String note = null;
            if (serialized.length > 0) {
                Deserialized original = deserialize(serialized, loader);
                if (original.throwable() != null) {
                    return original.throwable();
                }
                note = original.note();
            }
            return rebuild(in, 0, note);
        } catch (IOException | RuntimeException e) {
            return new RemoteThrowable.Error("unknown", "Could not decode the remote failure: " + e);
        }
    }

    private static byte[] serialize(Throwable t) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(t);
            }
            return bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            Log.debug(t.getClass().getName() + " is not serializable (a field somewhere): its description travels"
                    + " alone", e);
            return new byte[0];
        }
    }

    /**
     * The throwable of a serialized form, read through a {@link FailureFilter}; or, when it is not
     * to be used, why: {@code null} when the host lacks one of its classes (the placeholder names
     * the class, as before), a note when the filter rejected it or it is broken.
     */
    private static Deserialized deserialize(byte[] serialized, ClassLoader loader) {
        FailureFilter filter = new FailureFilter();
        try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(serialized), loader)) {
            in.setObjectInputFilter(filter.withJvmWide());
            Object read = in.readObject();
            if (read instanceof Throwable t) {
                return new Deserialized(t, null);
            }
            return new Deserialized(null, broken("it holds a " + (read == null ? "null" : read.getClass().getName())
                    + ", not a Throwable"));
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            Log.debug("A class of the remote failure is not on this JVM's class path: a placeholder stands for it", e);
            return new Deserialized(null, filter.rejection() == null ? null : rejected(filter.rejection()));
        } catch (IOException | RuntimeException | LinkageError e) {
            return new Deserialized(null, filter.rejection() != null ? rejected(filter.rejection()) : broken(e.toString()));
        }
    }

    /** A deserialized throwable, or the note for its placeholder. */
    private record Deserialized(Throwable throwable, String note) {
    }

    private static String rejected(String why) {
        return "the host's deserialization filter rejected the serialized form of this remote failure: " + why
                + "; reported from its description: type, message and stack trace";
    }

    private static String broken(String why) {
        return "the serialized form of this remote failure is broken (" + why
                + "); reported from its description: type, message and stack trace";
    }

    /** The description of {@code t}; a brief one if the whole would exceed {@link #DESCRIPTION_LIMIT} bytes. */
    private static byte[] description(Throwable t) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        describe(t, new DataOutputStream(bytes), 0);
        if (bytes.size() <= DESCRIPTION_LIMIT) {
            return bytes.toByteArray();
        }
        int whole = bytes.size();
        bytes.reset();
        describeBriefly(t, whole, new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    /**
     * {@code t} alone, its message cut to {@link #BRIEF_MESSAGE_CHARS} characters and its stack trace
     * to {@link #BRIEF_TRACE} elements, without causes or suppressed exceptions, and a marker that
     * says how large the whole description was.
     */
    private static void describeBriefly(Throwable t, int whole, DataOutputStream out) throws IOException {
        String message = t.getMessage() == null ? "" : t.getMessage();
        if (message.length() > BRIEF_MESSAGE_CHARS) {
            message = message.substring(0, BRIEF_MESSAGE_CHARS);
        }
        out.writeUTF(t.getClass().getName());
        writeNullable(out, message + " [... the rest of this failure's description (" + whole + " bytes with its"
                + " message, stack trace, causes and suppressed exceptions) dropped by multiarch: more than "
                + DESCRIPTION_LIMIT + " bytes ...]");
        out.writeBoolean(isAssertion(t));
        StackTraceElement[] trace = t.getStackTrace();
        writeTrace(out, trace.length > BRIEF_TRACE ? java.util.Arrays.copyOf(trace, BRIEF_TRACE) : trace);
        out.writeBoolean(false);
        out.writeInt(0);
    }

    private static boolean isAssertion(Throwable t) {
        return t instanceof AssertionError || (t instanceof RemoteThrowable r && r.wasAssertionError());
    }

    private static void describe(Throwable t, DataOutputStream out, int depth) throws IOException {
        out.writeUTF(t.getClass().getName());
        writeNullable(out, t.getMessage());
        out.writeBoolean(isAssertion(t));
        writeTrace(out, t.getStackTrace());
        boolean deeper = depth < MAX_DEPTH;
        Throwable cause = t.getCause();
        out.writeBoolean(deeper && cause != null && cause != t);
        if (deeper && cause != null && cause != t) {
            describe(cause, out, depth + 1);
        }
        Throwable[] suppressed = deeper ? t.getSuppressed() : new Throwable[0];
        out.writeInt(suppressed.length);
        for (Throwable s : suppressed) {
            describe(s, out, depth + 1);
        }
    }

    private static void writeTrace(DataOutputStream out, StackTraceElement[] trace) throws IOException {
        out.writeInt(trace.length);
        for (StackTraceElement e : trace) {
            writeNullable(out, e.getClassLoaderName());
            writeNullable(out, e.getModuleName());
            writeNullable(out, e.getModuleVersion());
            out.writeUTF(e.getClassName());
            out.writeUTF(e.getMethodName());
            writeNullable(out, e.getFileName());
            out.writeInt(e.getLineNumber());
        }
    }

    /**
     * The placeholder of a description, with {@code note} (if any) after its message. Every count
     * and length is checked against the bytes left, so broken bytes end in an {@link IOException},
     * never in a huge allocation or a deep recursion.
     */
    private static Throwable rebuild(DataInputStream in, int depth, String note) throws IOException {
        if (depth > MAX_DEPTH + 1) {
            throw new IOException("the description nests deeper than " + (MAX_DEPTH + 1) + " exceptions");
        }
        String className = in.readUTF();
        String message = readNullable(in);
        if (note != null) {
            message = message == null ? note : message + " (" + note + ")";
        }
        boolean assertion = in.readBoolean();
        Throwable t = assertion
                ? new RemoteThrowable.AssertionFailure(className, message)
                : new RemoteThrowable.Error(className, message);
        int elements = count(in, 1 + 1 + 1 + 2 + 2 + 1 + 4);
        java.util.List<StackTraceElement> trace = new java.util.ArrayList<>();
        for (int i = 0; i < elements; i++) {
            trace.add(new StackTraceElement(readNullable(in), readNullable(in), readNullable(in),
                    in.readUTF(), in.readUTF(), readNullable(in), in.readInt()));
        }
        t.setStackTrace(trace.toArray(new StackTraceElement[0]));
        if (in.readBoolean()) {
            t.initCause(rebuild(in, depth + 1, null));
        }
        int suppressed = count(in, 2 + 1 + 1 + 4 + 1 + 4);
        for (int i = 0; i < suppressed; i++) {
            t.addSuppressed(rebuild(in, depth + 1, null));
        }
        return t;
    }

    /** A count read from {@code in}, of items that take at least {@code minBytes} each of what is left. */
    private static int count(DataInputStream in, int minBytes) throws IOException {
        int n = in.readInt();
        if (n < 0 || (long) n * minBytes > in.available()) {
            throw new IOException("a count of " + n + " with " + in.available() + " bytes left");
        }
        return n;
    }

    /** A length-prefixed block of bytes, its length checked against what is left. */
    private static byte[] readBlock(DataInputStream in) throws IOException {
        byte[] b = new byte[count(in, 1)];
        in.readFully(b);
        return b;
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            // writeUTF is limited to 64 KiB; long messages are kept whole as bytes
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        return new String(readBlock(in), StandardCharsets.UTF_8);
    }

    /** Resolves classes through the test's class loader rather than the JDK's default. */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            return Class.forName(desc.getName(), false, loader);
        }
    }
}
