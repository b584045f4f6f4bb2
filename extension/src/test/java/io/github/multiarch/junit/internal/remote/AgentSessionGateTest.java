package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiarch.junit.RunsOn;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;

/**
 * The agent's gate, in this JVM, without Docker: a gated {@link AgentSession} runs a class with
 * JUnit's Launcher while the test plays the host, sending Run and End and reading what the session
 * sends back. The class's methods record what ran, so each case also shows what did not.
 */
class AgentSessionGateTest {

    /** What the fixture's methods did, in order (the session runs them in this JVM). */
    static final List<String> RAN = new CopyOnWriteArrayList<>();

    private final BlockingQueue<Message> sent = new LinkedBlockingQueue<>();
    private AgentSession session;
    private Thread thread;

    @BeforeEach
    void start() {
        RAN.clear();
        session = new AgentSession(1, RemoteSelector.forClass(List.of(), Fixture.class),
                Map.of(Agent.ARCHITECTURE_PARAMETER, "s390x"), sent::add, true);
        thread = new Thread(session, "agent-session-under-test");
        thread.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        thread.interrupt(); // a case that failed halfway leaves no session waiting for commands
        thread.join(10_000);
    }

    @Test
    void onlyTheTestsTheHostAsksForRunInItsOrderAndTheRestAreSkippedUntilEnd() throws Exception {
        assertThat(next()).isInstanceOf(Message.Ready.class);

        session.command(new Message.Run(1, key("first()")));
        Message.Result first = (Message.Result) next();
        session.command(new Message.Run(1, key("third(org.junit.jupiter.api.TestReporter)")));
        Message.Report report = (Message.Report) next();
        Message.Result third = (Message.Result) next();
        session.command(new Message.End(1));
        Message.Finished finished = (Message.Finished) next();

        assertThat(first.key()).isEqualTo(key("first()"));
        assertThat(first.outcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(report.key()).isEqualTo(key("third(org.junit.jupiter.api.TestReporter)"));
        assertThat(report.entries()).containsEntry("ran", "third");
        assertThat(third.outcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(finished.outcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(finished.unrecoverable()).isFalse();
        assertThat(RAN).containsExactly("beforeEach", "first", "beforeEach", "third"); // second: not asked for
        assertThat(sent).isEmpty();
    }

    @Test
    void aFailingTestSendsItsFailureAndTheRunGoesOn() throws Exception {
        next(); // Ready
        session.command(new Message.Run(1, key("second()")));
        Message.Result second = (Message.Result) next();
        session.command(new Message.Run(1, key("first()")));
        Message.Result out = (Message.Result) next();
        session.command(new Message.End(1));
        next(); // Finished

        assertThat(second.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(ThrowableCodec.decode(second.failure(), getClass().getClassLoader()))
                .isInstanceOf(AssertionError.class).hasMessage("second fails");
        // asked for after a later one: the remote run is past it, so it is answered, not awaited,
        // as a failure that says the orders differed (it was skipped while the host asked for second)
        assertThat(out.key()).isEqualTo(key("first()"));
        assertThat(out.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(ThrowableCodec.decode(out.failure(), getClass().getClassLoader()))
                .hasMessageContaining("another order than the host's").hasMessageContaining(key("second()"));
        assertThat(RAN).containsExactly("beforeEach", "second");
    }

    @Test
    void aTestAskedForAfterTheRunPassedItByFailsSayingTheOrdersDifferedAndTheRunGoesOn() throws Exception {
        next(); // Ready
        session.command(new Message.Run(1, key("second()")));
        next(); // second's Result
        session.command(new Message.Run(1, key("first()")));
        Message.Result first = (Message.Result) next();
        session.command(new Message.Run(1, key("third(org.junit.jupiter.api.TestReporter)")));
        next(); // third's Report
        Message.Result third = (Message.Result) next();
        session.command(new Message.End(1));
        next(); // Finished

        assertThat(first.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(ThrowableCodec.decode(first.failure(), getClass().getClassLoader()).getMessage())
                .startsWith(key("first()") + " was not run in the remote JVM (os.arch " + System.getProperty("os.arch")
                        + "): its JUnit run reached the tests in another order than the host's")
                .contains("junit.jupiter.execution.order.random.seed", "deterministic", "not reported as passed");
        assertThat(third.outcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(RAN).containsExactly("beforeEach", "second", "beforeEach", "third");
    }

    @Test
    void afterItsRunIsOverTheSessionAnswersEachRunUntilTheHostsEnd() throws Exception {
        next(); // Ready
        session.command(new Message.Run(1, key("third(org.junit.jupiter.api.TestReporter)")));
        next(); // third's Report
        next(); // third's Result
        session.command(new Message.Run(1, key("first()"))); // passed by: the run is over meanwhile
        Message.Result first = (Message.Result) next();
        session.command(new Message.Run(1, key("unknown()"))); // a test this run never had
        Message.Result unknown = (Message.Result) next();
        assertThat(sent.poll(1, TimeUnit.SECONDS)).as("no Finished before the host's End").isNull();
        session.command(new Message.End(1));
        Message.Finished finished = (Message.Finished) next();

        assertThat(first.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(ThrowableCodec.decode(first.failure(), getClass().getClassLoader()))
                .hasMessageContaining("another order than the host's");
        assertThat(unknown.outcome()).isEqualTo(Outcome.NOT_RUN);
        assertThat(finished.outcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(RAN).containsExactly("beforeEach", "third");
    }

    @Test
    void aTestDisabledInTheRemoteJvmIsAnsweredAsAbortedWithTheRemoteReason() throws Exception {
        next(); // Ready
        session.command(new Message.Run(1, key("disabledHere()")));
        Message.Result disabled = (Message.Result) next();
        session.command(new Message.End(1));
        next(); // Finished

        assertThat(disabled.outcome()).isEqualTo(Outcome.ABORTED);
        assertThat(ThrowableCodec.decode(disabled.failure(), getClass().getClassLoader()))
                .hasMessageContaining("Disabled in the remote JVM").hasMessageContaining("not in this JVM");
        assertThat(RAN).isEmpty();
    }

    @Test
    void endBeforeAnyRunSkipsEveryTestAndARunAfterTheEndIsAnsweredNotRun() throws Exception {
        next(); // Ready
        session.command(new Message.End(1));
        Message.Finished finished = (Message.Finished) next();
        thread.join(10_000);
        session.command(new Message.Run(1, key("first()")));
        Message.Result late = (Message.Result) next();

        assertThat(finished.outcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(late.outcome()).isEqualTo(Outcome.NOT_RUN);
        assertThat(RAN).isEmpty();
    }

    /** The next message the session sends, within a bound (a hang fails the case instead of the build). */
    private Message next() throws InterruptedException {
        Message m = sent.poll(30, TimeUnit.SECONDS);
        assertThat(m).as("a message from the session within 30 s").isNotNull();
        return m;
    }

    /** The key of a test method of the fixture, as host and agent both name it. */
    private static String key(String method) {
        return "[class:" + Fixture.class.getName() + "]/[method:" + method + "]";
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class Fixture {
        @BeforeEach
        void beforeEach() {
            RAN.add("beforeEach");
        }

        @Test
        @Order(1)
        void first() {
            RAN.add("first");
        }

        @Test
        @Order(2)
        void second() {
            RAN.add("second");
            throw new AssertionError("second fails");
        }

        @Test
        @Order(3)
        void third(TestReporter reporter) {
            RAN.add("third");
            reporter.publishEntry("ran", "third");
        }

        @Test
        @Order(4)
        @Disabled("not in this JVM")
        void disabledHere() {
            RAN.add("disabledHere");
        }
    }
}
