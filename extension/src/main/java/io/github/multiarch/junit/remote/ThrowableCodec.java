package io.github.multiarch.junit.remote;

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

/**
 * Ships a {@link Throwable} across the wire and rebuilds it on the other side.
 *
 * <p>Two forms travel together: Java serialization of the original (so the host gets the very
 * type, message, stack trace, causes, suppressed exceptions and fields such as opentest4j's
 * expected/actual, whenever the host can load the classes), and a plain description (class name,
 * message, stack trace, causes, suppressed) from which a {@link RemoteThrowable} placeholder is
 * built when it cannot.
 *
 * @since 0.1.0
 */
public final class ThrowableCodec {

    private static final int MAX_DEPTH = 32;

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
            out.writeInt(serialized.length);
            out.write(serialized);
            describe(t, out, 0);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rebuilds the throwable; {@code null} for an empty encoding. */
    public static Throwable decode(byte[] encoded, ClassLoader loader) {
        if (encoded == null || encoded.length == 0) {
            return null;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
            byte[] serialized = new byte[in.readInt()];
            in.readFully(serialized);
            if (serialized.length > 0) {
                Throwable original = deserialize(serialized, loader);
                if (original != null) {
                    return original;
                }
            }
            return rebuild(in, 0);
        } catch (IOException e) {
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
            return new byte[0]; // a non-serializable field somewhere: the description still travels
        }
    }

    private static Throwable deserialize(byte[] serialized, ClassLoader loader) {
        try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(serialized), loader)) {
            return (Throwable) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException | LinkageError e) {
            return null;
        }
    }

    private static void describe(Throwable t, DataOutputStream out, int depth) throws IOException {
        out.writeUTF(t.getClass().getName());
        writeNullable(out, t.getMessage());
        out.writeBoolean(t instanceof AssertionError
                || (t instanceof RemoteThrowable r && r.wasAssertionError()));
        StackTraceElement[] trace = t.getStackTrace();
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

    private static Throwable rebuild(DataInputStream in, int depth) throws IOException {
        String className = in.readUTF();
        String message = readNullable(in);
        boolean assertion = in.readBoolean();
        Throwable t = assertion
                ? new RemoteThrowable.AssertionFailure(className, message)
                : new RemoteThrowable.Error(className, message);
        StackTraceElement[] trace = new StackTraceElement[in.readInt()];
        for (int i = 0; i < trace.length; i++) {
            trace[i] = new StackTraceElement(readNullable(in), readNullable(in), readNullable(in),
                    in.readUTF(), in.readUTF(), readNullable(in), in.readInt());
        }
        t.setStackTrace(trace);
        if (in.readBoolean()) {
            t.initCause(rebuild(in, depth + 1));
        }
        int suppressed = in.readInt();
        for (int i = 0; i < suppressed; i++) {
            t.addSuppressed(rebuild(in, depth + 1));
        }
        return t;
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            // writeUTF is limited to 64 KiB; long messages are kept whole as bytes
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
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
