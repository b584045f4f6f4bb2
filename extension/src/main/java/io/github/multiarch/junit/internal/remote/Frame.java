package io.github.multiarch.junit.internal.remote;

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
 * <p>A frame's fields hold at most {@link #MAX_BYTES} bytes together: {@link #readFrom} refuses
 * a frame that claims more before it allocates anything ({@link CorruptFrameException}), and the
 * agent keeps what it sends below that (see {@link #withinLimit}).
 *
 * <p>Before the first frame, the connection starts with the {@link Handshake}.
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

    /** The most bytes the fields of one frame hold together: 64 MiB. */
    public static final int MAX_BYTES = 64 * 1024 * 1024;

    /** The most parameters a frame holds. */
    static final int MAX_PARAMS = 100_000;

    /** The parameter that stands for a frame's parameters when {@link #withinLimit} dropped them. */
    public static final String DROPPED_PARAM = "multiarch.dropped";

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

    /**
     * Reads one frame; {@link java.io.EOFException} at the end of the stream, and a
     * {@link CorruptFrameException}, before anything is allocated for it, when its fields claim
     * more than {@link #MAX_BYTES} bytes together, or the bytes are no frame at all.
     */
    public static Frame readFrom(DataInputStream in) throws IOException {
        int ordinal = in.readUnsignedByte();
        if (ordinal >= Kind.values().length) {
            throw new CorruptFrameException("Corrupt stream: unknown frame kind " + ordinal);
        }
        Kind kind = Kind.values()[ordinal];
        int session = in.readInt();
        Budget budget = new Budget(kind);
        String text = new String(budget.read(in, "text"), StandardCharsets.UTF_8);
        String detail = new String(budget.read(in, "detail"), StandardCharsets.UTF_8);
        byte[] failure = budget.read(in, "failure");
        byte[] out = budget.read(in, "out");
        byte[] err = budget.read(in, "err");
        int n = in.readInt();
        if (n < 0 || n > MAX_PARAMS) {
            throw new CorruptFrameException("Corrupt stream: a " + kind + " frame claims " + Integer.toUnsignedString(n)
                    + " parameters, more than the limit of " + MAX_PARAMS);
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            params.put(new String(budget.read(in, "parameter name"), StandardCharsets.UTF_8),
                    new String(budget.read(in, "parameter value"), StandardCharsets.UTF_8));
        }
        return new Frame(kind, session, text, detail, failure, out, err, params);
    }

    /** The bytes this frame takes on the wire. */
    public long encodedSize() {
        long size = 1 + 4 + 4L * 5 + text.getBytes(StandardCharsets.UTF_8).length
                + detail.getBytes(StandardCharsets.UTF_8).length + failure.length + out.length + err.length + 4;
        for (Map.Entry<String, String> e : params.entrySet()) {
            size += 8 + e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return size;
    }

    /**
     * This frame, or, if it would hold more than {@link #MAX_BYTES} bytes, this frame with its
     * parameters (e.g. an enormous TestReporter entry) replaced by {@link #DROPPED_PARAM}, which
     * says how many bytes were dropped. Its other fields are bounded where they are made: a test's
     * output by the agent's capture, a failure by {@link ThrowableCodec#encode}.
     */
    public Frame withinLimit() {
        long size = encodedSize();
        if (size <= MAX_BYTES || params.isEmpty()) {
            return this;
        }
        Frame without = new Frame(kind, session, text, detail, failure, out, err, null);
        String note = "[... " + (size - without.encodedSize()) + " bytes of " + params.size() + " parameters of this "
                + kind + " frame dropped by multiarch: the frame would exceed its limit of " + MAX_BYTES + " bytes ...]";
        return new Frame(kind, session, text, detail, failure, out, err, Map.of(DROPPED_PARAM, note));
    }

    private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** What is left of {@link #MAX_BYTES} while one frame is read. */
    private static final class Budget {
        private final Kind kind;
        private long used;

        Budget(Kind kind) {
            this.kind = kind;
        }

        /** Reads a length-prefixed field, after checking that its length fits what is left. */
        byte[] read(DataInputStream in, String field) throws IOException {
            long n = Integer.toUnsignedLong(in.readInt());
            if (used + n > MAX_BYTES) {
                throw new CorruptFrameException("A " + kind + " frame claims " + n + " bytes for its " + field
                        + " field" + (used > 0 ? " after " + used + " bytes of other fields" : "") + ", more than the"
                        + " limit of " + MAX_BYTES + " bytes (64 MiB) per frame: the stream is corrupt, or its sender"
                        + " does not keep to that limit");
            }
            used += n;
            byte[] b = new byte[(int) n];
            in.readFully(b);
            return b;
        }
    }
}
