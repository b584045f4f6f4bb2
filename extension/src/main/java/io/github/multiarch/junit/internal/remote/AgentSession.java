package io.github.multiarch.junit.internal.remote;

import io.github.multiarch.junit.internal.arch.MultiarchException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.store.Namespace;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Agent side of one session: runs the selected class (or method) with JUnit's Launcher in this
 * JVM, and lets each test run only when the host asks for it ({@link #gate}), so the remote
 * lifecycle ({@code @BeforeAll} once, {@code @BeforeEach} per test, ...) follows the host's own
 * run test by test.
 *
 * <p>The host sends {@link Message.Run} for the tests it runs, in its order, then
 * {@link Message.End}. At each test the remote run reaches, the gate waits for the host's next
 * command: the same key runs the test; another key means the host does not run this one
 * (filtered or disabled there), so it is skipped and the command kept for the next test;
 * {@code End} skips the rest.
 *
 * <p>The host hands over what decides its order, so both runs reach the tests in one order. If
 * the host still asks for a test this run skipped because the host asked for another one first,
 * the orders differed (an orderer that orders otherwise in another JVM): that test is answered
 * as failed, saying so and how to fix it. Once this run is over, the session answers the host's
 * further Runs itself until its End: a test it passed by as such, any other as not run.
 *
 * <p>The session runs in a launcher session of its own, whose store holds it: that is how the
 * extension, in this JVM, finds the session its tests belong to ({@link #of}).
 *
 * @since 0.1.0
 */
public final class AgentSession implements TestExecutionListener, Runnable {

    /** Where a session's launcher session store holds it (the extension reads it with the same parts). */
    static final String STORE_NAMESPACE = "multiarch agent session";

    /** Where a session's messages go: the host's connection (or, in tests and training runs, a list or nothing). */
    interface Outbox {
        void send(Message message);

        /** The session will take no more commands. */
        default void finished(AgentSession session) {
        }
    }

    private final int id;
    private final String selector;
    private final Map<String, String> params;
    private final Outbox outbox;
    private final BlockingQueue<Message> commands = new LinkedBlockingQueue<>();
    private final OutputCapture.Buffers buffers = new OutputCapture.Buffers();

    /** JUnit's seed of its random orderers, which the host hands over. */
    private static final String RANDOM_SEED = "junit.jupiter.execution.order.random.seed";

    /** The host's command the gate holds (a {@link Message.Run} or {@link Message.End}), not yet acted on. */
    private Message pending;
    private boolean finished;
    private boolean ended;
    private boolean readySent;
    /** The unique id (as JUnit has it) of the test or factory the host asked for, while it runs. */
    private String currentId;
    private Throwable containerFailure;
    /**
     * What JUnit's Launcher let out of the remote run: an error JUnit does not recover from (an
     * {@link OutOfMemoryError}), after which it stopped the run where it was, without finishing
     * the running test or the classes around it.
     */
    private Throwable unrecoverable;
    /** The test that was running when {@link #unrecoverable} stopped the run (its unique id), if any. */
    private String unrecoverableDuring;
    /** Whether each test waits for the host's command; a training run runs them all. */
    private final boolean gated;
    /**
     * The tests the gate skipped because the host asked for another one first (their keys, each
     * with the key the host asked for then): a later Run for one of them means the orders differed.
     */
    private final Map<String, String> passedBy = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The tests this session runs without waiting for the host's Run ({@link Agent#AHEAD_PARAMETER}).
     * For one whose result it has not read when it reaches it, the host still sends a Run, as a
     * marker of where it is ({@link #isMarker}); the session answers each of them once, whatever Runs come.
     */
    private final Set<String> ahead;
    /**
     * The key of the class whose plain tests {@link #ahead} names, all of them the host's plan
     * holds: another plain test of that class is one the host's selection or filters left out.
     */
    private final String aheadParent;
    /** The tests of {@link #ahead} whose result is not sent yet: answered by the session itself when its run ends. */
    private final Set<String> aheadLeft = ConcurrentHashMap.newKeySet();

    /** The run the host prepared for this session ({@link Prepared}): its discovery, or {@code null} to discover it here. */
    private final CompletableFuture<Prepared.Discovery> prepared;

    AgentSession(int id, String selector, Map<String, String> params, Outbox outbox, boolean gated) {
        this(id, selector, params, outbox, gated, CompletableFuture.completedFuture(null));
    }

    AgentSession(int id, String selector, Map<String, String> params, Outbox outbox, boolean gated,
                 CompletableFuture<Prepared.Discovery> prepared) {
        this.prepared = prepared;
        String aheadKeys = params.getOrDefault(Agent.AHEAD_PARAMETER, "");
        this.ahead = aheadKeys.isEmpty() ? Set.of() : Set.of(aheadKeys.split("\n"));
        this.aheadLeft.addAll(ahead);
        this.aheadParent = ahead.stream().findAny().map(AgentSession::parent).orElse(null);
        this.gated = gated;
        this.id = id;
        this.selector = selector;
        this.params = params;
        this.outbox = outbox;
    }

    /** The session the tests of {@code context} run in, if this JVM runs them as an agent's session. */
    public static Optional<AgentSession> of(ExtensionContext context) {
        return Optional.ofNullable(context.getStore(ExtensionContext.StoreScope.LAUNCHER_SESSION,
                ExtensionContext.Namespace.create(STORE_NAMESPACE)).get(AgentSession.class, AgentSession.class));
    }

    /** Queues a Run or End from the host; once the session is over, a Run is answered at once ({@link #unreached}). */
    synchronized void command(Message command) {
        if (!finished) {
            commands.add(command);
        } else if (command instanceof Message.Run run && !isMarker(run)) {
            unreached(run.key());
        }
    }

    @Override
    public void run() {
        OutputCapture.attach(buffers);
        Prepared.Discovery discovery = prepared.join(); // (null when none was prepared, or its discovery failed)
        try (LauncherSession launcher = discovery != null ? discovery.session() : LauncherFactory.openSession()) {
            launcher.getStore().put(Namespace.create(STORE_NAMESPACE), AgentSession.class, this);
            if (discovery != null) {
                launcher.getLauncher().execute(discovery.plan(), this);
            } else {
                launcher.getLauncher().execute(Prepared.request(selector, params), this);
            }
        } catch (Throwable t) {
            stoppedBy(t);
        } finally {
            finishOrHalt();
        }
    }

    /**
     * Notes that the Launcher threw {@code t}. JUnit reports what a test or class throws, except
     * the errors it treats as unrecoverable (today {@link OutOfMemoryError}): those it rethrows,
     * stopping the run where it is, so no result of the running test comes from JUnit. Such an
     * error is kept with that test; anything else the Launcher throws (its own configuration
     * errors) stays the failure of the class, as before any test ran.
     */
    private void stoppedBy(Throwable t) {
        if (t instanceof Error) {
            unrecoverable = t;
            unrecoverableDuring = currentId;
            currentId = null;
        }
        if (containerFailure == null) {
            containerFailure = t;
        }
    }

    /**
     * {@link #finish}es the session; if that fails (e.g. the heap is still exhausted after an
     * unrecoverable error), a runtime halts: the host then sees its connection drop and fails the
     * running test with the container's evidence, instead of waiting for a FINISHED that never comes.
     */
    private void finishOrHalt() {
        try {
            finish();
        } catch (Throwable t) {
            if (!gated) {
                throw t;
            }
            Agent.halt("multiarch-agent: session " + id + " could not report its end (" + t + ") after "
                    + (unrecoverable == null ? "its run" : "JUnit stopped its run with " + unrecoverable));
        }
    }

    /**
     * The gate in front of each test (see {@link TestKey#isTest}), called by the extension in this
     * session's launcher thread: waits for the host's decision on the test of {@code context}.
     */
    public ConditionEvaluationResult gate(ExtensionContext context) {
        String key = TestKey.of(context);
        readyOnce();
        if (ended) {
            return ConditionEvaluationResult.disabled("the host ended this session");
        }
        if (!gated) {
            currentId = context.getUniqueId();
            buffers.drain();
            return ConditionEvaluationResult.enabled("training run");
        }
        if (ahead.contains(key)) {
            if (pending instanceof Message.End || commands.contains(new Message.End(id))) {
                ended = true;
                return ConditionEvaluationResult.disabled("the host runs no more tests of this class");
            }
            currentId = context.getUniqueId();
            buffers.drain();
            return ConditionEvaluationResult.enabled("run ahead of the host (multiarch.runAhead)");
        }
        if (aheadParent != null && TestKey.isPlainMethodId(context.getUniqueId()) && aheadParent.equals(parent(key))) {
            // (the host asks for none: the remote run has the whole class, the host only what it selected)
            return ConditionEvaluationResult.disabled("not in the host's test plan");
        }
        if (!awaitCommand()) {
            return ConditionEvaluationResult.disabled("interrupted");
        }
        while (pending instanceof Message.Run run && passedBy.containsKey(run.key())) {
            send(outOfOrder(run.key())); // the orders differed: this run cannot go back to it
            pending = null;
            if (!awaitCommand()) {
                return ConditionEvaluationResult.disabled("interrupted");
            }
        }
        if (pending instanceof Message.End) {
            ended = true;
            return ConditionEvaluationResult.disabled("the host runs no more tests of this class");
        }
        String asked = ((Message.Run) pending).key();
        if (asked.equals(key)) {
            pending = null;
            currentId = context.getUniqueId();
            buffers.drain(); // what came before belongs to no test
            return ConditionEvaluationResult.enabled("requested by the host");
        }
        passedBy.put(key, asked);
        return ConditionEvaluationResult.disabled("not run on the host");
    }

    /** The key of the node above the one of {@code key} ({@code [class:A]} of {@code [class:A]/[method:b()]}). */
    private static String parent(String key) {
        return key.substring(0, Math.max(0, key.lastIndexOf("/[")));
    }

    @Override
    public void reportingEntryPublished(TestIdentifier identifier, ReportEntry entry) {
        if (isCurrentOrBelow(identifier)) {
            send(new Message.Report(id, TestKey.normalize(currentId), entry.getKeyValuePairs()));
        }
    }

    /**
     * A test (or a container of tests) the remote JUnit run skips: a condition disabled it here,
     * in this JVM, while the host ran its own conditions and may have asked for it. Each Run for
     * it, or for a test inside it, is answered at once, as aborted with the remote reason, so the
     * host neither waits for a result that never comes nor reports a test that did not run.
     */
    @Override
    public void executionSkipped(TestIdentifier identifier, String reason) {
        if (!gated) {
            return;
        }
        String key = TestKey.normalize(identifier.getUniqueId());
        if (identifier.getUniqueId().equals(currentId)) { // the gate let it through, a later condition did not
            send(skipped(key, reason));
            currentId = null;
            return;
        }
        readyOnce(); // the host waits for it before it asks for any test
        for (String test : ahead) { // (answered here: a Run for them is only a marker)
            if (aheadLeft.contains(test) && (test.equals(key) || test.startsWith(key + "/"))) {
                send(skipped(test, reason));
            }
        }
        if (ahead.contains(key)) {
            return;
        }
        while (!ended && awaitCommand()) {
            if (!(pending instanceof Message.Run run) || !(run.key().equals(key) || run.key().startsWith(key + "/"))) {
                return; // the host asks for a later test (or ends): kept for the gate
            }
            send(skipped(run.key(), reason));
            pending = null;
        }
    }

    /**
     * Makes {@code pending} the host's next command, waiting for it if none is held; {@code false}
     * (and the session ended) if this thread is interrupted meanwhile.
     */
    private boolean awaitCommand() {
        while (pending == null || isStale(pending)) {
            try {
                pending = commands.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                ended = true;
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code command} is a Run for a test this session ran ahead and answered already. The
     * host sends a Run for a test run ahead whose result it has not read when it reaches it: it
     * marks where the host is (a test waiting for its Run before one the host reached is one the
     * host does not run), and is dropped once that test is answered.
     */
    private boolean isStale(Message command) {
        return command instanceof Message.Run run && isMarker(run) && !aheadLeft.contains(run.key());
    }

    /** Whether {@code run} is for a test of {@link #ahead}: a marker of where the host is, never answered as such. */
    private boolean isMarker(Message.Run run) {
        return ahead.contains(run.key());
    }

    /** Tells the host, once, that the remote class is set up and waits for its commands. */
    private void readyOnce() {
        if (!readySent) {
            send(new Message.Ready(id));
            readySent = true;
        }
    }

    private Message.Result skipped(String key, String reason) {
        byte[][] output = buffers.drain();
        return new Message.Result(id, key, Outcome.ABORTED, ThrowableCodec.encode(new org.opentest4j.TestAbortedException(
                "Disabled in the remote JVM (os.arch " + System.getProperty("os.arch") + "): " + reason)),
                output[0], output[1]);
    }

    @Override
    public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
        String key = TestKey.normalize(identifier.getUniqueId());
        if (identifier.getUniqueId().equals(currentId)) {
            byte[][] output = buffers.drain();
            send(new Message.Result(id, key, outcome(result), failure(result), output[0], output[1]));
            currentId = null;
        } else if (isCurrentOrBelow(identifier)) { // a dynamic test (or container) of the @TestFactory the host asked for
            byte[][] output = buffers.drain();
            send(new Message.Dynamic(id, key, outcome(result), failure(result), output[0], output[1],
                    identifier.getDisplayName(), identifier.isContainer(),
                    identifier.getParentId().map(TestKey::normalize).orElse("")));
        } else if (identifier.isContainer() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL
                && containerFailure == null) {
            containerFailure = result.getThrowable().orElse(null);
            if (containerFailure == null) {
                containerFailure = new IllegalStateException(identifier.getDisplayName() + " " + result.getStatus());
            }
        }
    }

    private boolean isCurrentOrBelow(TestIdentifier identifier) {
        return currentId != null && identifier.getUniqueId().startsWith(currentId);
    }

    private void finish() {
        // (no Ready if no test was reached: Finished tells the host's open() what happened, e.g. a failed @BeforeAll;
        // after an unrecoverable error, Finished says so at once, for the test the host is waiting for)
        if (gated && unrecoverable == null) {
            for (String test : List.copyOf(aheadLeft)) { // (the host may wait for any of them; their Runs are markers)
                unreached(test);
            }
        }
        if (gated && readySent && unrecoverable == null) {
            answerUntilEnd();
        }
        if (pending instanceof Message.Run run && !isMarker(run)) {
            unreached(run.key());
        }
        synchronized (this) {
            finished = true;
            Message m;
            while ((m = commands.poll()) != null) {
                if (m instanceof Message.Run run && !isMarker(run)) { // (markers: answered by now, or by FINISHED)
                    unreached(run.key());
                }
            }
        }
        outbox.finished(this);
        byte[][] output = buffers.drain();
        Outcome outcome = containerFailure == null ? Outcome.SUCCESSFUL : Outcome.FAILED;
        Throwable failure = unrecoverable != null ? unrecoverable : containerFailure;
        send(new Message.Finished(id, outcome, ThrowableCodec.encode(failure), output[0], output[1],
                unrecoverable != null, unrecoverableDuring == null ? "" : TestKey.normalize(unrecoverableDuring)));
    }

    /**
     * The remote run is over, and the host may still ask for tests: each gets its own answer
     * ({@link #unreached}) until the host's End, so that a test the run passed by is told apart
     * from one it never had, whatever the host asks for afterwards.
     */
    private void answerUntilEnd() {
        while (!ended && awaitCommand()) {
            if (pending instanceof Message.Run run) {
                if (!isMarker(run)) {
                    unreached(run.key());
                }
            } else {
                ended = true;
            }
            pending = null;
        }
    }

    /**
     * Answers a Run for a test this run will not reach: one it passed by, as out of order
     * ({@link #outOfOrder}); any other as not run (filtered or disabled here, or the run ended
     * first, with its failure, if any, as the evidence).
     */
    private void unreached(String key) {
        if (passedBy.containsKey(key)) {
            send(outOfOrder(key));
        } else {
            send(new Message.Result(id, key, Outcome.NOT_RUN, ThrowableCodec.encode(containerFailure), null, null));
        }
    }

    /**
     * The failure of a test the host asked for after this run had passed it by: the two runs
     * reached the tests in different orders, which nothing but the orderer can mend.
     */
    private Message.Result outOfOrder(String key) {
        MultiarchException failure = new MultiarchException(key + " was not run in the remote JVM (os.arch "
                + System.getProperty("os.arch") + "): its JUnit run reached the tests in another order than the host's."
                + " It had passed this test by while the host asked for " + passedBy.get(key) + " first, and a JUnit"
                + " run does not go back. The host hands the remote run its order settings (junit.jupiter.testmethod"
                + ".order.default and the like) and a random seed (" + RANDOM_SEED + ", which it sets when the run sets"
                + " none), so JUnit's own orderers agree; an orderer that orders the same tests otherwise in another JVM"
                + " cannot be followed. Fix: if the order is random, set " + RANDOM_SEED + " to a number; otherwise make"
                + " the orderer deterministic (the same order for the same tests in every JVM). (A random order also"
                + " differs when the host's run selected only some methods of the class, as an IDE does for several"
                + " methods: the remote run orders them all; run the class, or one method.) Nothing ran, so it is not"
                + " reported as passed.");
        failure.setStackTrace(new StackTraceElement[0]); // (where in the agent it was noticed says nothing)
        return new Message.Result(id, key, Outcome.FAILED, ThrowableCodec.encode(failure), null, null);
    }

    int id() {
        return id;
    }

    private void send(Message message) {
        if (message instanceof Message.Result result) {
            aheadLeft.remove(result.key());
        }
        outbox.send(message);
    }

    private static byte[] failure(TestExecutionResult result) {
        return ThrowableCodec.encode(result.getThrowable().orElse(null));
    }

    private static Outcome outcome(TestExecutionResult result) {
        switch (result.getStatus()) {
            case SUCCESSFUL:
                return Outcome.SUCCESSFUL;
            case ABORTED:
                return Outcome.ABORTED;
            default:
                return Outcome.FAILED;
        }
    }
}
