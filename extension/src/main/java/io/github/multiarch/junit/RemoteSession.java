package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.MultiarchException;
import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.remote.Agent;
import io.github.multiarch.junit.internal.remote.Message;
import io.github.multiarch.junit.internal.remote.Outcome;
import io.github.multiarch.junit.internal.remote.RemoteThrowable;
import io.github.multiarch.junit.internal.remote.ThrowableCodec;
import io.github.multiarch.junit.internal.runtime.RemoteRuntime;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;

/**
 * Host side of one remote session: the annotated class (or method) running in the warm
 * runtime of its architecture. Tests ask {@link #run} one by one; {@link #close} ends the
 * remote class (its {@code @AfterAll}). If the runtime dies, or an error JUnit does not recover
 * from (an {@link OutOfMemoryError}) stops the remote run, the test running at that moment fails
 * with the evidence and the next test opens the session again on a fresh runtime.
 *
 * @since 0.1.0
 */
final class RemoteSession implements AutoCloseable {

    /** A remote test's outcome, with its output and failure. */
    record Result(Outcome outcome, Throwable failure, byte[] out, byte[] err) {

        /**
         * Reports this outcome as the host's own, the one mapping of outcomes to what a test
         * throws: nothing for a pass; the remote failure (or a stand-in) for a failed or aborted
         * test; for a test the remote run never ran, a failure that says so, never a pass.
         *
         * @param what the test, as the report names it
         */
        void rethrow(String what, Architecture arch) throws Throwable {
            switch (outcome) {
                case SUCCESSFUL:
                    return;
                case ABORTED:
                    throw failure != null ? failure : new TestAbortedException("aborted on " + arch);
                case FAILED:
                    throw failure != null ? failure : new AssertionError("failed on " + arch + " without an exception");
                default:
                    throw notRun(what, arch);
            }
        }

        /**
         * The failure of a test the remote JUnit run did not run: filtered or disabled there, or
         * the run ended before reaching it ({@code failure}, when the run ended with one, is then the evidence).
         */
        private MultiarchException notRun(String what, Architecture arch) {
            String notRun = what + " was not run by the remote JUnit run on " + arch;
            if (failure != null) {
                return new MultiarchException(notRun + ": that run ended before reaching it, with " + failure
                        + ". Nothing ran, so it is not reported as passed.", failure);
            }
            return new MultiarchException(notRun + ": JUnit there disabled or filtered it (a condition evaluated"
                    + " differently, or a different test order). Nothing ran, so it is not reported as passed.");
        }
    }

    /**
     * One session in a remote runtime: what this class needs of a {@link RemoteRuntime.Session}
     * (unit tests give it a scripted one).
     */
    interface Channel {
        int id();

        void send(Message message);

        /** The next message of this session, or the news that its runtime is gone. */
        RemoteRuntime.Event next() throws InterruptedException;

        /** What {@link #next} would return if it has come already, else {@code null} (without waiting). */
        RemoteRuntime.Event poll();

        /** Whether the runtime of this session still runs. */
        boolean isAlive();

        /** Tells the runtime of this session which class comes next ({@link Message.Prepare}); nothing is answered. */
        default void prepare(Message.Prepare next) {
        }

        /**
         * Gives this session up (a host timeout, an error JUnit does not recover from): its
         * runtime takes no new session, and stops once its other sessions (other classes running
         * in parallel) are done; its frames are no longer wanted ({@link #forget}); the next session of
         * this class opens in a fresh runtime.
         */
        void abandon();

        /** This session's frames are no longer wanted. */
        void forget();
    }

    /** Opens a session running {@code selector} in a live runtime of the session's architecture. */
    interface Opener {
        Channel open(String selector, Map<String, String> params);
    }

    private static final byte[] NO_OUTPUT = new byte[0];

    private final Architecture architecture;
    private final String selector;
    private final Map<String, String> params;
    private final Opener opener;
    /**
     * The tests the remote JVM may run without waiting for this session's Run ({@link RunAhead}):
     * their results may come before the host asks for them, and a Run is sent only for one whose
     * result has not come when the host reaches it, as a marker of where the host is.
     */
    private final Set<String> ahead;
    /** The tests of {@link #ahead} the current session runs ahead: those the host had not asked for when it opened. */
    private Set<String> aheadNow = Set.of();
    /** The tests the host asked for: a session opened again runs none of them ahead. */
    private final Set<String> asked = new HashSet<>();
    /** Results (and report entries) of tests run ahead that came before the host asked for them. */
    private final Map<String, Message.Result> early = new HashMap<>();
    private final Map<String, List<Message.Report>> earlyReports = new HashMap<>();
    private Channel session;
    /** An event of {@link #session} taken by {@link #takeArrived} that is not a test run ahead's: the next one read. */
    private RemoteRuntime.Event held;
    /** Whether {@link #session} was given up ({@link Channel#abandon}): the next test opens a new one. */
    private boolean abandoned;
    private boolean finished;

    /** A session of {@code target}, whose remote JVM runs the tests of {@code ahead} without waiting for a Run. */
    RemoteSession(Target target, Supplier<RemoteRuntime> runtimes, Set<String> ahead) {
        this(target.architecture, target.selector(), params(target),
                (selector, params) -> new RuntimeChannel(runtimes.get().openSession(selector, params)), ahead);
    }

    /** A session of {@code selector} on {@code architecture}, opened (and opened again) with {@code opener}. */
    RemoteSession(Architecture architecture, String selector, Opener opener) {
        this(architecture, selector, opener, Set.of());
    }

    /** As {@link #RemoteSession(Architecture, String, Opener)}, running the tests of {@code ahead} without waiting for a Run. */
    RemoteSession(Architecture architecture, String selector, Opener opener, Set<String> ahead) {
        this(architecture, selector, Map.of(Agent.ARCHITECTURE_PARAMETER, architecture.platform()), opener, ahead);
    }

    private RemoteSession(Architecture architecture, String selector, Map<String, String> params, Opener opener,
                          Set<String> ahead) {
        this.architecture = architecture;
        this.selector = selector;
        this.params = params;
        this.opener = opener;
        this.ahead = Set.copyOf(ahead);
    }

    /**
     * The configuration parameters of the remote run: the host's that decide which tests it has
     * and in which order ({@link HostOrder}: the host says, the remote run follows); its
     * architecture; and, when the {@code multiarch.runsOn} setting chose it (the class has no
     * annotation that brings the extension along), auto-detection of this extension alone, so the
     * remote run has its gate.
     */
    static Map<String, String> params(Target target) {
        Map<String, String> params = new java.util.LinkedHashMap<>(target.hostOrder());
        params.put(Agent.ARCHITECTURE_PARAMETER, target.architecture.platform());
        if (target.bySetting) {
            params.put(RunsOnSetting.AUTODETECTION, "true");
            params.put(RunsOnSetting.AUTODETECTION_INCLUDE, RunsOnExtension.class.getName());
        }
        return Map.copyOf(params);
    }

    /** Starts the remote class and waits until its {@code @BeforeAll} is done; throws what it threw. */
    synchronized void open() throws Throwable {
        if (live()) {
            return;
        }
        if (session != null && !abandoned) {
            session.forget(); // its runtime is gone: the class starts again in a fresh one
        }
        early.clear();
        earlyReports.clear();
        held = null;
        aheadNow = ahead.stream().filter(k -> !asked.contains(k)).collect(java.util.stream.Collectors.toSet());
        Map<String, String> sessionParams = params;
        if (!aheadNow.isEmpty()) {
            sessionParams = new java.util.LinkedHashMap<>(params);
            sessionParams.put(Agent.AHEAD_PARAMETER, String.join("\n", aheadNow));
        }
        session = opener.open(selector, sessionParams);
        abandoned = false;
        finished = false;
        while (true) {
            RemoteRuntime.Event event = session.next();
            if (event.lost() != null) {
                throw event.lost();
            }
            Message message = event.message();
            if (message instanceof Message.Ready) {
                return;
            }
            if (message instanceof Message.Finished end) {
                finished = true;
                Throwable failure = classOutcome(session, end);
                if (failure != null) {
                    throw failure;
                }
                return;
            }
        }
    }

    /**
     * Has the runtime of this (open) session discover {@code next}, the class the host's run
     * reaches after this one ({@link NextClass}), while this one runs: its session then starts
     * with its test plan made. Nothing happens if this session is not live.
     */
    synchronized void prepare(Target next) {
        if (live()) {
            session.prepare(new Message.Prepare(next.selector(), params(next)));
        }
    }

    /**
     * Runs one test remotely and returns what the remote JVM said of it; what comes while it runs
     * goes to {@code reports} (its TestReporter entries) and {@code dynamics} (the dynamic tests of
     * a factory). If this thread is interrupted meanwhile (the host's {@code @Timeout}), the session
     * is given up ({@link Channel#abandon}): the remote test may never end, so its runtime stops once
     * other classes' sessions in it are done, and the next test gets a fresh one. If the remote run finishes before the test's result (see
     * {@link #endedWithoutResult}), or its JVM goes away, the wait ends there.
     */
    synchronized Result run(String key, Consumer<Message.Report> reports, Consumer<Message.Dynamic> dynamics)
            throws Throwable {
        if (!live()) {
            open();
        }
        asked.add(key);
        boolean runAhead = aheadNow.contains(key);
        if (runAhead) {
            takeArrived();
            List<Message.Report> before = earlyReports.remove(key);
            if (before != null) {
                before.forEach(reports);
            }
            if (early.containsKey(key)) {
                return result(early.remove(key));
            }
        }
        if (finished) {
            return new Result(Outcome.NOT_RUN, null, NO_OUTPUT, NO_OUTPUT);
        }
        session.send(new Message.Run(session.id(), key)); // (for a test run ahead, not answered yet: where the host is)
        while (true) {
            RemoteRuntime.Event event;
            try {
                event = next(session);
            } catch (InterruptedException e) {
                abandon(session);
                throw e;
            }
            if (event.lost() != null) {
                throw new io.github.multiarch.junit.internal.arch.MultiarchException("The " + architecture
                        + " JVM went away while running " + key + ". " + event.lost().getMessage(), event.lost());
            }
            Message message = event.message();
            if (message instanceof Message.Report report && report.key().equals(key)) {
                reports.accept(report);
            } else if (message instanceof Message.Result result && result.key().equals(key)) {
                return result(result);
            } else if (keepEarly(message)) {
                continue; // (a test run ahead, for when the host asks for it)
            } else if (message instanceof Message.Report report) {
                reports.accept(report);
            } else if (message instanceof Message.Dynamic dynamic) {
                dynamics.accept(dynamic);
            } else if (message instanceof Message.Finished end) {
                finished = true;
                return endedWithoutResult(key, end);
            }
        }
    }

    /**
     * Keeps the results and report entries of tests run ahead that have come already, without
     * waiting: a test whose result is there needs no Run, so the host sends none (the remote run
     * is past it). The first other event is {@link #held} for the next read.
     */
    private void takeArrived() {
        while (held == null) {
            RemoteRuntime.Event event = session.poll();
            if (event == null) {
                return;
            }
            if (event.lost() != null || !keepEarly(event.message())) {
                held = event;
            }
        }
    }

    /** Keeps {@code message} if it is a result or report entry of a test run ahead the host has not asked for yet. */
    private boolean keepEarly(Message message) {
        if (message instanceof Message.Result result && aheadNow.contains(result.key())) {
            early.put(result.key(), result);
            return true;
        }
        if (message instanceof Message.Report report && aheadNow.contains(report.key())) {
            earlyReports.computeIfAbsent(report.key(), k -> new ArrayList<>()).add(report);
            return true;
        }
        return false;
    }

    /** The next event of {@code channel}, the current session's: the one {@link #held}, if any. */
    private RemoteRuntime.Event next(Channel channel) throws InterruptedException {
        RemoteRuntime.Event event = held;
        if (event != null) {
            held = null;
            return event;
        }
        return channel.next();
    }

    private static Result result(Message.Result result) {
        return new Result(result.outcome(), decode(result.failure()), result.out(), result.err());
    }

    /**
     * The result of test {@code key} when the remote run sent FINISHED before any result of it.
     * If an error JUnit does not recover from (an {@link OutOfMemoryError}) stopped the run during
     * that test, the test fails with that error, and its runtime is stopped: the JVM is not
     * trusted again, and the next test opens the class in a fresh one. Otherwise the remote run
     * ended without reaching the test (the agent says NOT_RUN after FINISHED when the RUN came
     * late): it was not run, with the run's failure, if any, as the evidence.
     */
    private Result endedWithoutResult(String key, Message.Finished finished) {
        Throwable failure = classFailure(session, finished);
        if (finished.unrecoverable() && key.equals(finished.during())) {
            return new Result(Outcome.FAILED, failure, finished.out(), finished.err());
        }
        return new Result(Outcome.NOT_RUN, failure, NO_OUTPUT, NO_OUTPUT);
    }

    /** Ends the remote class; throws a failure of its {@code @AfterAll} (or of the class). */
    @Override
    public synchronized void close() throws Exception {
        if (session == null) {
            return;
        }
        Channel s = session;
        session = null;
        try {
            if (finished || abandoned || !s.isAlive()) {
                return;
            }
            s.send(new Message.End(s.id()));
            while (true) {
                RemoteRuntime.Event event = next(s);
                if (event.lost() != null) {
                    throw event.lost();
                }
                if (event.message() instanceof Message.Finished end) {
                    Throwable failure = classOutcome(s, end);
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

    /** Whether the current session can take the next test: opened, not given up, its runtime alive. */
    private boolean live() {
        return session != null && !abandoned && session.isAlive();
    }

    /** Gives {@code channel} up; the next test of this class opens a new session, in a fresh runtime. */
    private void abandon(Channel channel) {
        channel.abandon();
        if (channel == session) {
            abandoned = true;
        }
    }

    /** The remote class is over: its output goes to this JVM's, and its failure (if any) is returned. */
    private Throwable classOutcome(Channel channel, Message.Finished finished) {
        replay(finished.out(), finished.err());
        return classFailure(channel, finished);
    }

    /**
     * The failure a FINISHED frame carries, as a {@link #standIn} that says where it happened
     * ({@code java.lang.IllegalStateException: no setup (in the s390x JVM)}); an abort as it is.
     * When it is an error JUnit does not recover from, the
     * runtime of {@code channel} is stopped (its JVM is not used again), and the error comes back
     * as a {@link #standIn} that says where it happened.
     */
    private Throwable classFailure(Channel channel, Message.Finished finished) {
        Throwable failure = decode(finished.failure());
        if (!finished.unrecoverable()) {
            // (a class's failure, e.g. in a static initializer or @BeforeAll, says where it happened; an abort stays one)
            return failure == null || failure instanceof TestAbortedException ? failure
                    : standIn(failure, "in the " + architecture + " JVM");
        }
        abandon(channel);
        String note = "in the " + architecture + " JVM, where JUnit treats it as unrecoverable and stopped the remote"
                + " run; that JVM is not used again, the next test gets a fresh one";
        return failure == null ? new MultiarchException("An unrecoverable error occurred " + note) : standIn(failure, note);
    }

    /**
     * What the host reports for an unrecoverable remote {@code error}: a {@link RemoteThrowable}
     * that prints as the original does, with {@code note} after its message
     * ({@code java.lang.OutOfMemoryError: provoked (in the s390x JVM, ...)}), and keeps its stack
     * trace, cause and suppressed exceptions. Not the error itself: thrown in this JVM, JUnit
     * would treat it as unrecoverable here too and stop the host's whole run.
     */
    static RemoteThrowable.Error standIn(Throwable error, String note) {
        String type = error instanceof RemoteThrowable remote ? remote.originalClassName() : error.getClass().getName();
        String message = error.getMessage() == null ? note : error.getMessage() + " (" + note + ")";
        RemoteThrowable.Error standIn = new RemoteThrowable.Error(type, message);
        standIn.setStackTrace(error.getStackTrace());
        if (error.getCause() != null) {
            standIn.initCause(error.getCause());
        }
        for (Throwable suppressed : error.getSuppressed()) {
            standIn.addSuppressed(suppressed);
        }
        return standIn;
    }

    /** A session of a real {@link RemoteRuntime}. */
    private record RuntimeChannel(RemoteRuntime.Session session) implements Channel {
        @Override
        public int id() {
            return session.id();
        }

        @Override
        public void send(Message message) {
            session.send(message);
        }

        @Override
        public RemoteRuntime.Event next() throws InterruptedException {
            return session.next();
        }

        @Override
        public RemoteRuntime.Event poll() {
            return session.poll();
        }

        @Override
        public boolean isAlive() {
            return session.runtime().isAlive();
        }

        @Override
        public void prepare(Message.Prepare next) {
            session.runtime().prepare(next);
        }

        @Override
        public void abandon() {
            session.runtime().retire();
            session.forget();
        }

        @Override
        public void forget() {
            session.forget();
        }
    }

    /** Writes what the remote JVM printed to this JVM's {@code System.out} and {@code System.err}. */
    static void replay(byte[] out, byte[] err) {
        write(System.out, out);
        write(System.err, err);
    }

    private static void write(PrintStream stream, byte[] bytes) {
        if (bytes.length > 0) {
            stream.write(bytes, 0, bytes.length); // (PrintStream's: it does not throw)
            stream.flush();
        }
    }

    static Throwable decode(byte[] failure) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return ThrowableCodec.decode(failure, loader != null ? loader : RemoteSession.class.getClassLoader());
    }
}
