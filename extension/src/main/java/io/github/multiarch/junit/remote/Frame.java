package io.github.multiarch.junit.remote;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire format between the host (the JUnit extension) and the agent (the JVM in the
 * container). One TCP connection per runtime carries frames of every open session.
 *
 * <p>Every frame has the same fields; each kind uses the ones it needs and leaves the others
 * empty. Encoding: the kind's ordinal (byte), the session id (int), then {@code text},
 * {@code detail} as length-prefixed UTF-8, then {@code failure}, {@code out}, {@code err} as
 * length-prefixed bytes, then {@code params} as a count and key/value pairs.
 *
 * <pre>
 * agent → host   HELLO     text = os.arch, detail = java.version, params: archiveMapped (when started with an archive)
 * host  → agent  START     text = selector ("class:Name", "method:Name#m(params)" or "nested:Outer/Inner"), params
 * agent → host   READY     the remote class is set up (@BeforeAll done) and waits for RUN
 * host  → agent  RUN       text = method key
 * agent → host   RESULT    text = method key, detail = outcome, failure, out, err
 * host  → agent  END       no more RUN for this session
 * agent → host   FINISHED  detail = outcome of the class, failure (e.g. @AfterAll), out, err
 *                          params, when an error JUnit does not recover from (OutOfMemoryError) stopped
 *                          the run: unrecoverable = true, during = the key of the test it stopped in
 *                          (then failure = that error, and no RESULT of that test comes)
 * agent → host   REPORT    a TestReporter entry of the running test: params = its key/value pairs
 * agent → host   DYNAMIC   a dynamic test or container of the running @TestFactory has finished:
 *                          text = its key, detail = outcome, failure, out, err,
 *                          params = displayName, container (true/false), parent (key)
 * </pre>
 *
 * @since 0.1.0
 */
public record Frame(Kind kind, int session, String text, String detail,
                    byte[] failure, byte[] out, byte[] err, Map<String, String> params) {

    /** What a frame says. */
    public enum Kind { HELLO, START, READY, RUN, RESULT, END, FINISHED, REPORT, DYNAMIC }

    private static final byte[] NONE = new byte[0];

    public Frame {
        text = text == null ? "" : text;
        detail = detail == null ? "" : detail;
        failure = failure == null ? NONE : failure;
        out = out == null ? NONE : out;
        err = err == null ? NONE : err;
        params = params == null ? Map.of() : params;
    }

    public static Frame of(Kind kind, int session, String text) {
        return new Frame(kind, session, text, null, null, null, null, null);
    }

    /** Writes this frame and flushes; callers serialize access to {@code out}. */
    public void writeTo(DataOutputStream out) throws IOException {
        out.writeByte(kind.ordinal());
        out.writeInt(session);
        writeBytes(out, text.getBytes(StandardCharsets.UTF_8));
        writeBytes(out, detail.getBytes(StandardCharsets.UTF_8));
        writeBytes(out, failure);
        writeBytes(out, this.out);
        writeBytes(out, err);
        out.writeInt(params.size());
        for (Map.Entry<String, String> e : params.entrySet()) {
            writeBytes(out, e.getKey().getBytes(StandardCharsets.UTF_8));
            writeBytes(out, e.getValue().getBytes(StandardCharsets.UTF_8));
        }
        out.flush();
    }

    /** Reads one frame; {@link java.io.EOFException} at the end of the stream. */
    public static Frame readFrom(DataInputStream in) throws IOException {
        int ordinal = in.readUnsignedByte();
        if (ordinal >= Kind.values().length) {
            throw new IOException("Corrupt stream: unknown frame kind " + ordinal);
        }
        Kind kind = Kind.values()[ordinal];
        int session = in.readInt();
        String text = new String(readBytes(in), StandardCharsets.UTF_8);
        String detail = new String(readBytes(in), StandardCharsets.UTF_8);
        byte[] failure = readBytes(in);
        byte[] out = readBytes(in);
        byte[] err = readBytes(in);
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("Corrupt stream: " + n + " parameters");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            params.put(new String(readBytes(in), StandardCharsets.UTF_8), new String(readBytes(in), StandardCharsets.UTF_8));
        }
        return new Frame(kind, session, text, detail, failure, out, err, params);
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 256 * 1024 * 1024) {
            throw new IOException("Corrupt stream: field of " + n + " bytes");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
