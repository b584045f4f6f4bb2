package io.github.multiarch.junit;

import io.github.multiarch.junit.remote.Frame;
import io.github.multiarch.junit.remote.Outcome;
import io.github.multiarch.junit.remote.ThrowableCodec;
import io.github.multiarch.junit.runtime.RemoteRuntime;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Host side of one remote session: the annotated class (or method) running in the warm
 * runtime of its architecture. Tests ask {@link #run} one by one; {@link #close} ends the
 * remote class (its {@code @AfterAll}). If the runtime dies, the test running at that moment
 * fails with the evidence and the next test opens the session again on a fresh runtime.
 *
 * @since 0.1.0
 */
final class RemoteSession implements AutoCloseable {

    /** A remote test's outcome, with its output and failure. */
    record Result(Outcome outcome, Throwable failure, byte[] out, byte[] err) {
    }

    private final Target target;
    private final Supplier<RemoteRuntime> runtimes;
    private RemoteRuntime.Session session;
    private boolean finished;

    RemoteSession(Target target, Supplier<RemoteRuntime> runtimes) {
        this.target = target;
        this.runtimes = runtimes;
    }

    /** Starts the remote class and waits until its {@code @BeforeAll} is done; throws what it threw. */
    synchronized void open() throws Throwable {
        if (session != null && session.runtime().isAlive()) {
            return;
        }
        session = runtimes.get().openSession(target.selector(),
                Map.of(io.github.multiarch.junit.remote.Agent.ARCHITECTURE_PARAMETER, target.architecture.platform()));
        finished = false;
        while (true) {
            RemoteRuntime.Event event = session.next();
            if (event.lost() != null) {
                throw event.lost();
            }
            Frame frame = event.frame();
            if (frame.kind() == Frame.Kind.READY) {
                return;
            }
            if (frame.kind() == Frame.Kind.FINISHED) {
                finished = true;
                Throwable failure = classOutcome(frame);
                if (failure != null) {
                    throw failure;
                }
                return;
            }
        }
    }

    /**
     * Runs one test remotely and returns what the remote JVM said of it; what comes while it runs
     * (REPORT frames: TestReporter entries; DYNAMIC frames: the dynamic tests of a factory) goes to
     * {@code sideFrames}. If this thread is interrupted meanwhile (the host's
     * {@code @Timeout}), the runtime is stopped, since the remote test may never end, and the next
     * test gets a fresh one.
     */
    synchronized Result run(String key, java.util.function.Consumer<Frame> sideFrames) throws Throwable {
        if (session == null || !session.runtime().isAlive()) {
            open();
        }
        if (finished) {
            return new Result(Outcome.NOT_RUN, null, new byte[0], new byte[0]);
        }
        session.send(Frame.of(Frame.Kind.RUN, session.id(), key));
        while (true) {
            RemoteRuntime.Event event;
            try {
                event = session.next();
            } catch (InterruptedException e) {
                session.runtime().close();
                throw e;
            }
            if (event.lost() != null) {
                throw new io.github.multiarch.junit.MultiarchException("The " + target.architecture
                        + " JVM went away while running " + key + ". " + event.lost().getMessage(), event.lost());
            }
            Frame frame = event.frame();
            if (frame.kind() == Frame.Kind.REPORT || frame.kind() == Frame.Kind.DYNAMIC) {
                sideFrames.accept(frame);
            }
            if (frame.kind() == Frame.Kind.RESULT && frame.text().equals(key)) {
                return new Result(Outcome.valueOf(frame.detail()), decode(frame.failure()), frame.out(), frame.err());
            }
            if (frame.kind() == Frame.Kind.FINISHED) {
                finished = true;
            }
        }
    }

    /** Ends the remote class; throws a failure of its {@code @AfterAll} (or of the class). */
    @Override
    public synchronized void close() throws Exception {
        if (session == null) {
            return;
        }
        RemoteRuntime.Session s = session;
        session = null;
        try {
            if (finished || !s.runtime().isAlive()) {
                return;
            }
            s.send(Frame.of(Frame.Kind.END, s.id(), ""));
            while (true) {
                RemoteRuntime.Event event = s.next();
                if (event.lost() != null) {
                    throw event.lost();
                }
                if (event.frame().kind() == Frame.Kind.FINISHED) {
                    Throwable failure = classOutcome(event.frame());
                    if (failure instanceof Exception e) {
                        throw e;
                    }
                    if (failure instanceof Error e) {
                        throw e;
                    }
                    return;
                }
            }
        } finally {
            s.forget();
        }
    }

    /** The remote class is over: its output goes to this JVM's, and its failure (if any) is returned. */
    private static Throwable classOutcome(Frame finished) {
        replay(finished.out(), finished.err());
        return decode(finished.failure());
    }

    static void replay(byte[] out, byte[] err) {
        write(System.out, out);
        write(System.err, err);
    }

    private static void write(PrintStream stream, byte[] bytes) {
        if (bytes.length > 0) {
            try {
                stream.write(bytes);
            } catch (IOException e) {
                // PrintStream does not throw
            }
            stream.flush();
        }
    }

    static Throwable decode(byte[] failure) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return ThrowableCodec.decode(failure, loader != null ? loader : RemoteSession.class.getClassLoader());
    }
}
