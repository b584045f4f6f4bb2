package io.github.multiarch.junit.internal.remote;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Agent side: routes {@code System.out}/{@code System.err} of each session's threads (and the
 * threads they start) into that session's buffers, so a test's output travels back with its
 * result. Output of threads outside any session goes to the container's own output. What one
 * test prints is kept up to a limit per stream ({@link BoundedBuffer}).
 *
 * @since 0.1.0
 */
final class OutputCapture {

    private static final InheritableThreadLocal<Buffers> CURRENT = new InheritableThreadLocal<>();
    private static volatile boolean installed;

    private OutputCapture() {
    }

    /** The two buffers of one session. */
    static final class Buffers {
        private final BoundedBuffer out = new BoundedBuffer();
        private final BoundedBuffer err = new BoundedBuffer();

        synchronized void write(boolean stdout, byte[] b, int off, int len) {
            (stdout ? out : err).write(b, off, len);
        }

        /** Returns and clears what was written: {@code [out, err]}. */
        synchronized byte[][] drain() {
            return new byte[][] {out.drain(), err.drain()};
        }
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        System.setOut(new PrintStream(new Router(System.out, true), true));
        System.setErr(new PrintStream(new Router(System.err, false), true));
        installed = true;
    }

    /** Makes the current thread (and threads it starts from now on) write into {@code buffers}. */
    static void attach(Buffers buffers) {
        CURRENT.set(buffers);
    }

    private static final class Router extends OutputStream {
        private final PrintStream real;
        private final boolean stdout;

        Router(PrintStream real, boolean stdout) {
            this.real = real;
            this.stdout = stdout;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            Buffers buffers = CURRENT.get();
            if (buffers != null) {
                buffers.write(stdout, b, off, len);
            } else {
                real.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            real.flush();
        }
    }
}
