package io.github.multiarch.junit.internal.remote;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One output stream of a session (its {@code System.out} or {@code System.err}) between two
 * drains, that is, of one test, kept up to a limit: the first {@link #HEAD} and the last
 * {@link #TAIL} bytes. What lies between is dropped as it comes, counted, and shown by
 * {@link #drain} as {@code [... N bytes of output dropped by multiarch ...]} in its place. So a
 * test that prints hundreds of MiB costs the agent's heap, the frame of its result and the host
 * at most {@code HEAD + TAIL} bytes per stream, and the frame stays within {@link Wire#MAX_BYTES}.
 *
 * <p>Not thread-safe; {@link OutputCapture} serializes access.
 *
 * @since 0.2.0
 */
final class BoundedBuffer {

    /** The first bytes kept: 8 MiB. */
    static final int HEAD = 8 * 1024 * 1024;

    /** The last bytes kept: 8 MiB. */
    static final int TAIL = 8 * 1024 * 1024;

    private final int headLimit;
    private final int tailLimit;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    /** The last bytes written after the head was full, a ring of {@code tailLimit} bytes (allocated when needed). */
    private byte[] tail;
    private int tailStart;
    private int tailSize;
    private long dropped;

    BoundedBuffer() {
        this(HEAD, TAIL);
    }

    BoundedBuffer(int headLimit, int tailLimit) {
        this.headLimit = headLimit;
        this.tailLimit = tailLimit;
    }

    void write(byte[] b, int off, int len) {
        int toHead = Math.min(len, headLimit - head.size());
        head.write(b, off, toHead);
        if (len > toHead) {
            toTail(b, off + toHead, len - toHead);
        }
    }

    /** Appends to the ring, dropping (and counting) its oldest bytes to make room. */
    private void toTail(byte[] b, int off, int len) {
        if (tail == null) {
            tail = new byte[tailLimit];
        }
        if (len >= tailLimit) { // the ring holds only the last bytes of this write
            dropped += tailSize + (len - tailLimit);
            System.arraycopy(b, off + len - tailLimit, tail, 0, tailLimit);
            tailStart = 0;
            tailSize = tailLimit;
            return;
        }
        int overflow = tailSize + len - tailLimit;
        if (overflow > 0) {
            dropped += overflow;
            tailStart = (tailStart + overflow) % tailLimit;
            tailSize -= overflow;
        }
        int end = (tailStart + tailSize) % tailLimit;
        int first = Math.min(len, tailLimit - end);
        System.arraycopy(b, off, tail, end, first);
        System.arraycopy(b, off + first, tail, 0, len - first);
        tailSize += len;
    }

    /** Returns what was kept, with the marker where bytes were dropped, and starts over. */
    byte[] drain() {
        ByteArrayOutputStream all = new ByteArrayOutputStream(head.size() + tailSize + (dropped > 0 ? 64 : 0));
        all.writeBytes(head.toByteArray());
        if (dropped > 0) {
            all.writeBytes(("\n[... " + dropped + " bytes of output dropped by multiarch ...]\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        if (tailSize > 0) {
            int first = Math.min(tailSize, tailLimit - tailStart);
            all.write(tail, tailStart, first);
            all.write(tail, 0, tailSize - first);
        }
        head.reset();
        tail = null;
        tailStart = 0;
        tailSize = 0;
        dropped = 0;
        return all.toByteArray();
    }
}
