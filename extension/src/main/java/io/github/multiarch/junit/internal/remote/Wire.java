package io.github.multiarch.junit.internal.remote;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The wire format of {@link Message}s, the only place that encodes or decodes them. A frame is
 * one message: its tag (a byte), its session (an int), then its fields in the order of its record:
 *
 * <pre>
 * tag  message    fields
 *  1   Hello      osArch:string javaVersion:string archive:byte (0 started without one, 1 mapped, 2 not mapped)
 *  2   Start      selector:string params:map
 *  3   Ready
 *  4   Run        key:string
 *  5   Result     key:string outcome:byte failure:bytes out:bytes err:bytes
 *  6   End
 *  7   Finished   outcome:byte failure:bytes out:bytes err:bytes unrecoverable:byte during:string
 *  8   Report     key:string entries:map
 *  9   Dynamic    key:string outcome:byte failure:bytes out:bytes err:bytes displayName:string container:byte parent:string
 * 10   Beat       sequence:long
 * 11   Prepare    selector:string params:map
 *
 * string = bytes of UTF-8;  bytes = length:int, then that many bytes;  map = count:int, then (string, string) pairs;
 * outcome = the ordinal of {@link Outcome}
 * </pre>
 *
 * <p>The length-prefixed fields of one frame hold at most {@link #MAX_BYTES} bytes together:
 * {@link #read} refuses a frame that claims more before it allocates anything
 * ({@link CorruptFrameException}), and the agent keeps what it sends below that
 * ({@link #withinLimit}). Any change here is a new {@link Handshake#PROTOCOL_VERSION}.
 *
 * @since 0.2.0
 */
public final class Wire {

    /** The most bytes the fields of one frame hold together: 64 MiB. */
    public static final int MAX_BYTES = 64 * 1024 * 1024;

    /** The most entries a map field holds. */
    static final int MAX_ENTRIES = 100_000;

    /** The entry that stands for a {@link Message.Report}'s entries when {@link #withinLimit} dropped them. */
    public static final String DROPPED_ENTRY = "multiarch.dropped";

    /** The tag of a {@link Message.Result} frame (for tests that write frames by hand). */
    public static final int RESULT_TAG = 5;

    private static final String[] NAMES = {null, "HELLO", "START", "READY", "RUN", "RESULT", "END", "FINISHED",
            "REPORT", "DYNAMIC", "BEAT", "PREPARE"};

    private Wire() {
    }

    /** Writes {@code message} as one frame and flushes; callers serialize access to {@code out}. */
    public static void write(Message message, DataOutputStream out) throws IOException {
        out.writeByte(tag(message));
        out.writeInt(message.session());
        if (message instanceof Message.Hello m) {
            string(out, m.osArch());
            string(out, m.javaVersion());
            out.writeByte(m.archiveMapped() == null ? 0 : m.archiveMapped() ? 1 : 2);
        } else if (message instanceof Message.Start m) {
            string(out, m.selector());
            map(out, m.params());
        } else if (message instanceof Message.Run m) {
            string(out, m.key());
        } else if (message instanceof Message.Result m) {
            string(out, m.key());
            ending(out, m.outcome(), m.failure(), m.out(), m.err());
        } else if (message instanceof Message.Finished m) {
            ending(out, m.outcome(), m.failure(), m.out(), m.err());
            out.writeBoolean(m.unrecoverable());
            string(out, m.during());
        } else if (message instanceof Message.Report m) {
            string(out, m.key());
            map(out, m.entries());
        } else if (message instanceof Message.Dynamic m) {
            string(out, m.key());
            ending(out, m.outcome(), m.failure(), m.out(), m.err());
            string(out, m.displayName());
            out.writeBoolean(m.container());
            string(out, m.parent());
        } else if (message instanceof Message.Beat m) {
            out.writeLong(m.sequence());
        } else if (message instanceof Message.Prepare m) {
            string(out, m.selector());
            map(out, m.params());
        } // Ready, End: no fields
        out.flush();
    }

    /**
     * Reads one frame: {@link java.io.EOFException} at the end of the stream, and a
     * {@link CorruptFrameException}, before anything is allocated for it, when its fields claim
     * more than {@link #MAX_BYTES} bytes together, or the bytes are no frame at all.
     */
    public static Message read(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        if (tag == 0 || tag >= NAMES.length) {
            throw new CorruptFrameException("Corrupt stream: unknown frame tag " + tag);
        }
        int session = in.readInt();
        Reader r = new Reader(in, NAMES[tag]);
        switch (tag) {
            case 1: {
                String osArch = r.string("osArch");
                String java = r.string("javaVersion");
                int archive = in.readUnsignedByte();
                return new Message.Hello(osArch, java, archive == 0 ? null : archive == 1);
            }
            case 2:
                return new Message.Start(session, r.string("selector"), r.map("params"));
            case 3:
                return new Message.Ready(session);
            case 4:
                return new Message.Run(session, r.string("key"));
            case 5:
                return new Message.Result(session, r.string("key"), r.outcome(), r.bytes("failure"), r.bytes("out"),
                        r.bytes("err"));
            case 6:
                return new Message.End(session);
            case 7:
                return new Message.Finished(session, r.outcome(), r.bytes("failure"), r.bytes("out"), r.bytes("err"),
                        in.readBoolean(), r.string("during"));
            case 8:
                return new Message.Report(session, r.string("key"), r.map("entries"));
            case 10:
                return new Message.Beat(in.readLong());
            case 11:
                return new Message.Prepare(r.string("selector"), r.map("params"));
            default:
                return new Message.Dynamic(session, r.string("key"), r.outcome(), r.bytes("failure"), r.bytes("out"),
                        r.bytes("err"), r.string("displayName"), in.readBoolean(), r.string("parent"));
        }
    }

    /** The name of {@code message}'s kind, as messages and logs print it: {@code RESULT}. */
    public static String name(Message message) {
        return NAMES[tag(message)];
    }

    /** The bytes {@code message} takes on the wire. */
    public static long encodedSize(Message message) {
        Counter counter = new Counter();
        try {
            write(message, new DataOutputStream(counter));
        } catch (IOException e) {
            throw new IllegalStateException(e); // counting never fails
        }
        return counter.count;
    }

    /**
     * {@code message}, or, if it is a {@link Message.Report} that would hold more than
     * {@link #MAX_BYTES} bytes (an enormous TestReporter entry), the same report with its entries
     * replaced by {@link #DROPPED_ENTRY}, which says how many bytes were dropped. The other
     * messages are bounded where they are made: a test's output by the agent's capture, a failure
     * by {@link ThrowableCodec#encode}.
     */
    public static Message withinLimit(Message message) {
        if (!(message instanceof Message.Report report) || report.entries().isEmpty()) {
            return message;
        }
        long size = encodedSize(report);
        if (size <= MAX_BYTES) {
            return message;
        }
        Message.Report without = new Message.Report(report.session(), report.key(), Map.of());
        String note = "[... " + (size - encodedSize(without)) + " bytes of " + report.entries().size()
                + " entries of this REPORT frame dropped by multiarch: the frame would exceed its limit of "
                + MAX_BYTES + " bytes ...]";
        return new Message.Report(report.session(), report.key(), Map.of(DROPPED_ENTRY, note));
    }

    private static int tag(Message message) {
        if (message instanceof Message.Hello) {
            return 1;
        } else if (message instanceof Message.Start) {
            return 2;
        } else if (message instanceof Message.Ready) {
            return 3;
        } else if (message instanceof Message.Run) {
            return 4;
        } else if (message instanceof Message.Result) {
            return RESULT_TAG;
        } else if (message instanceof Message.End) {
            return 6;
        } else if (message instanceof Message.Finished) {
            return 7;
        } else if (message instanceof Message.Report) {
            return 8;
        } else if (message instanceof Message.Beat) {
            return 10;
        } else if (message instanceof Message.Prepare) {
            return 11;
        }
        return 9; // Dynamic: the interface is sealed
    }

    private static void ending(DataOutputStream out, Outcome outcome, byte[] failure, byte[] stdout, byte[] stderr)
            throws IOException {
        out.writeByte(outcome.ordinal());
        bytes(out, failure);
        bytes(out, stdout);
        bytes(out, stderr);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static void map(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            string(out, e.getKey());
            string(out, e.getValue());
        }
    }

    /** Reads the fields of one frame, keeping count of what is left of {@link #MAX_BYTES}. */
    private static final class Reader {
        private final DataInputStream in;
        private final String kind;
        private long used;

        Reader(DataInputStream in, String kind) {
            this.in = in;
            this.kind = kind;
        }

        /** A length-prefixed field, after checking that its length fits what is left. */
        byte[] bytes(String field) throws IOException {
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

        String string(String field) throws IOException {
            return new String(bytes(field), StandardCharsets.UTF_8);
        }

        Outcome outcome() throws IOException {
            int ordinal = in.readUnsignedByte();
            if (ordinal >= Outcome.values().length) {
                throw new CorruptFrameException("Corrupt stream: a " + kind + " frame names outcome " + ordinal
                        + ", which does not exist");
            }
            return Outcome.values()[ordinal];
        }

        Map<String, String> map(String field) throws IOException {
            int n = in.readInt();
            if (n < 0 || n > MAX_ENTRIES) {
                throw new CorruptFrameException("Corrupt stream: a " + kind + " frame claims "
                        + Integer.toUnsignedString(n) + " " + field + ", more than the limit of " + MAX_ENTRIES);
            }
            Map<String, String> map = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                map.put(string(field + " name"), string(field + " value"));
            }
            return map;
        }
    }

    /** An output stream that only counts. */
    private static final class Counter extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
