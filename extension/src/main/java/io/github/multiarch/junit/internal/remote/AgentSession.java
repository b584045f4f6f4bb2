package io.github.multiarch.junit.internal.remote;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Agent side of one session: runs the selected class (or method) with JUnit's Launcher in this
 * JVM, and lets each test method run only when the host asks for it ({@link #gate}), so the
 * remote lifecycle ({@code @BeforeAll} once, {@code @BeforeEach} per test, ...) follows the
 * host's own run test by test.
 *
 * <p>The host sends {@code RUN key} for the tests it runs, in its order, then {@code END}. At
 * each test the remote run reaches, the gate waits for the host's next command: the same key
 * runs the test; another key means the host does not run this one (filtered or disabled there),
 * so it is skipped and the command kept for the next test; {@code END} skips the rest.
 *
 * @since 0.1.0
 */
final class AgentSession implements TestExecutionListener, Runnable {

    private final int id;
    private final String selector;
    private final Map<String, String> params;
    private final Agent agent;
    private final BlockingQueue<Frame> commands = new LinkedBlockingQueue<>();
    private final OutputCapture.Buffers buffers = new OutputCapture.Buffers();

    private Frame pending;
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

    AgentSession(int id, String selector, Map<String, String> params, Agent agent, boolean gated) {
        this.gated = gated;
        this.id = id;
        this.selector = selector;
        this.params = params;
        this.agent = agent;
    }

    /** Queues a RUN or END from the host; once the remote run is over, a RUN is answered NOT_RUN at once. */
    synchronized void command(Frame frame) {
        if (!finished) {
            commands.add(frame);
        } else if (frame.kind() == Frame.Kind.RUN) {
            notRun(frame.text());
        }
    }

    @Override
    public void run() {
        OutputCapture.attach(buffers);
        try {
            Map<String, String> config = new HashMap<>(params);
            config.put(Agent.SESSION_PARAMETER, Integer.toString(id));
            // One test at a time, in the host's order: the gate follows the host's run test by test.
            // (A junit-platform.properties that enables parallel execution is read here too.)
            config.put("junit.jupiter.execution.parallel.enabled", "false");
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(RemoteSelector.decode(selector))
                    .configurationParameters(config)
                    .build();
            LauncherFactory.create().execute(request, this);
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

    /** Called by the extension, in this session's launcher thread, before each test (see {@link TestKey#isTest}). */
    ConditionEvaluationResult gate(ExtensionContext context) {
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
        if (!awaitCommand()) {
            return ConditionEvaluationResult.disabled("interrupted");
        }
        if (pending.kind() == Frame.Kind.END) {
            ended = true;
            return ConditionEvaluationResult.disabled("the host runs no more tests of this class");
        }
        if (pending.text().equals(key)) {
            pending = null;
            currentId = context.getUniqueId();
            buffers.drain(); // what came before belongs to no test
            return ConditionEvaluationResult.enabled("requested by the host");
        }
        return ConditionEvaluationResult.disabled("not run on the host");
    }

    @Override
    public void reportingEntryPublished(TestIdentifier identifier, org.junit.platform.engine.reporting.ReportEntry entry) {
        if (isCurrentOrBelow(identifier)) {
            send(new Frame(Frame.Kind.REPORT, id, TestKey.normalize(currentId), null, null, null, null,
                    entry.getKeyValuePairs()));
        }
    }

    /**
     * A test (or a container of tests) the remote JUnit run skips: a condition disabled it here,
     * in this JVM, while the host ran its own conditions and may have asked for it. Each RUN for
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
        while (!ended && awaitCommand()) {
            if (pending.kind() != Frame.Kind.RUN || !(pending.text().equals(key) || pending.text().startsWith(key + "/"))) {
                return; // the host asks for a later test (or ends): kept for the gate
            }
            send(skipped(pending.text(), reason));
            pending = null;
        }
    }

    /**
     * Makes {@code pending} the host's next command, waiting for it if none is held; {@code false}
     * (and the session ended) if this thread is interrupted meanwhile.
     */
    private boolean awaitCommand() {
        if (pending == null) {
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

    /** Tells the host, once, that the remote class is set up and waits for its commands. */
    private void readyOnce() {
        if (!readySent) {
            send(Frame.of(Frame.Kind.READY, id, ""));
            readySent = true;
        }
    }

    private Frame skipped(String key, String reason) {
        return outcomeFrame(Frame.Kind.RESULT, key, Outcome.ABORTED, new org.opentest4j.TestAbortedException(
                "Disabled in the remote JVM (os.arch " + System.getProperty("os.arch") + "): " + reason), null);
    }

    @Override
    public void executionFinished(TestIdentifier identifier, TestExecutionResult result) {
        if (identifier.getUniqueId().equals(currentId)) {
            send(outcomeFrame(Frame.Kind.RESULT, identifier, result, null));
            currentId = null;
        } else if (isCurrentOrBelow(identifier)) {
            // a dynamic test (or container) of the @TestFactory the host asked for
            Map<String, String> node = new HashMap<>();
            node.put("displayName", identifier.getDisplayName());
            node.put("container", Boolean.toString(identifier.isContainer()));
            node.put("parent", identifier.getParentId().map(TestKey::normalize).orElse(""));
            send(outcomeFrame(Frame.Kind.DYNAMIC, identifier, result, node));
        } else if (identifier.isContainer() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL
                && containerFailure == null) {
            containerFailure = result.getThrowable().orElse(null);
            if (containerFailure == null) {
                containerFailure = new IllegalStateException(identifier.getDisplayName() + " " + result.getStatus());
            }
        }
    }

    /** The RESULT or DYNAMIC frame of a node JUnit finished here. */
    private Frame outcomeFrame(Frame.Kind kind, TestIdentifier identifier, TestExecutionResult result,
                               Map<String, String> params) {
        return outcomeFrame(kind, TestKey.normalize(identifier.getUniqueId()), outcome(result),
                result.getThrowable().orElse(null), params);
    }

    /** A RESULT or DYNAMIC frame: the node's key, outcome, failure and the output since the last one. */
    private Frame outcomeFrame(Frame.Kind kind, String key, Outcome outcome, Throwable failure,
                               Map<String, String> params) {
        byte[][] output = buffers.drain();
        return new Frame(kind, id, key, outcome.name(), ThrowableCodec.encode(failure), output[0], output[1], params);
    }

    private boolean isCurrentOrBelow(TestIdentifier identifier) {
        return currentId != null && identifier.getUniqueId().startsWith(currentId);
    }

    private void finish() {
        // (no READY if no test was reached: FINISHED tells the host's open() what happened, e.g. a failed @BeforeAll)
        if (pending != null && pending.kind() == Frame.Kind.RUN) {
            notRun(pending.text());
        }
        synchronized (this) {
            finished = true;
            Frame f;
            while ((f = commands.poll()) != null) {
                if (f.kind() == Frame.Kind.RUN) {
                    notRun(f.text());
                }
            }
        }
        agent.sessionFinished(id, this);
        byte[][] output = buffers.drain();
        Outcome outcome = containerFailure == null ? Outcome.SUCCESSFUL : Outcome.FAILED;
        Throwable failure = unrecoverable != null ? unrecoverable : containerFailure;
        send(new Frame(Frame.Kind.FINISHED, id, "", outcome.name(), ThrowableCodec.encode(failure),
                output[0], output[1], finishedParams()));
    }

    /** The FINISHED frame's parameters: whether, and during which test, an unrecoverable error stopped the run. */
    private Map<String, String> finishedParams() {
        if (unrecoverable == null) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        params.put(Agent.FINISHED_UNRECOVERABLE, "true");
        if (unrecoverableDuring != null) {
            params.put(Agent.FINISHED_DURING, TestKey.normalize(unrecoverableDuring));
        }
        return params;
    }

    private void notRun(String key) {
        send(new Frame(Frame.Kind.RESULT, id, key, Outcome.NOT_RUN.name(), null, null, null, null));
    }

    private void send(Frame frame) {
        agent.send(frame);
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
