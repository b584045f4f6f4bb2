package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.MultiarchException;
import io.github.multiarch.junit.internal.arch.Architecture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiarch.junit.internal.remote.Agent;
import io.github.multiarch.junit.internal.remote.Message;
import io.github.multiarch.junit.internal.remote.Outcome;
import io.github.multiarch.junit.internal.remote.RemoteThrowable;
import io.github.multiarch.junit.internal.remote.ThrowableCodec;
import io.github.multiarch.junit.internal.runtime.RemoteRuntime;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The host side of a session ({@link RemoteSession}) against scripted sessions, without Docker:
 * how it ends a test whose result never comes. A scripted session that is asked for a frame it
 * does not have fails the test at once, so waiting for ever shows up as a failure here.
 */
class RemoteSessionTest {

    private static final String FIRST = "[class:Example]/[method:first()]";
    private static final String SECOND = "[class:Example]/[method:second()]";
    private static final String THIRD = "[class:Example]/[method:third()]";

    private final List<Scripted> opened = new ArrayList<>();
    private final Deque<Scripted> toOpen = new ArrayDeque<>();
    private final RemoteSession session = new RemoteSession(Architecture.of("s390x"), "class:Example",
            (selector, params) -> {
                Scripted next = toOpen.removeFirst();
                opened.add(next);
                return next;
            });

    @Test
    void anUnrecoverableErrorStopsTheRunTheRunningTestFailsWithItAndTheNextTestGetsAFreshRuntime() throws Throwable {
        Scripted first = script(ready(), result(FIRST, Outcome.SUCCESSFUL), unrecoverable(SECOND, "provoked"));
        Scripted fresh = script(ready(), result(THIRD, Outcome.SUCCESSFUL), finished());

        assertThat(session.run(FIRST, report -> { }, dynamic -> { }).outcome()).isEqualTo(Outcome.SUCCESSFUL);
        RemoteSession.Result second = session.run(SECOND, report -> { }, dynamic -> { });
        assertThat(first.stopped).as("the JVM that threw it is given up").isTrue();
        RemoteSession.Result third = session.run(THIRD, report -> { }, dynamic -> { });
        session.close();

        assertThat(second.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(second.failure())
                .isNotInstanceOf(OutOfMemoryError.class) // thrown here, it would stop the host's JUnit run too
                .hasMessage("provoked (in the s390x JVM, where JUnit treats it as unrecoverable and stopped the remote"
                        + " run; that JVM is not used again, the next test gets a fresh one)");
        assertThat(((RemoteThrowable) second.failure()).originalClassName()).isEqualTo(OutOfMemoryError.class.getName());
        assertThat(second.failure().toString()).startsWith("java.lang.OutOfMemoryError: provoked (in the s390x JVM");
        assertThat(new String(second.out(), StandardCharsets.UTF_8)).isEqualTo("stdout of " + SECOND);
        assertThat(third.outcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(opened).containsExactly(first, fresh);
        assertThat(first.sentRuns()).containsExactly(FIRST, SECOND);
        assertThat(fresh.sentRuns()).containsExactly(THIRD);
        assertThat(first.forgotten).isTrue();
        assertThat(fresh.stopped).isFalse();
    }

    @Test
    void aRunThatFinishesWithoutTheTestsResultEndsTheWaitAndTheTestIsNotRun() throws Throwable {
        Scripted only = script(ready(), finished());

        RemoteSession.Result first = session.run(FIRST, report -> { }, dynamic -> { });
        RemoteSession.Result second = session.run(SECOND, report -> { }, dynamic -> { });

        assertThat(first.outcome()).isEqualTo(Outcome.NOT_RUN);
        assertThat(first.failure()).isNull();
        assertThat(second.outcome()).isEqualTo(Outcome.NOT_RUN);
        assertThat(only.sentRuns()).as("nothing is asked of a finished run").containsExactly(FIRST);
        assertThat(only.stopped).as("a run that ended normally keeps its JVM").isFalse();
    }

    @Test
    void anUnrecoverableErrorBeforeAnyTestFailsTheClassAndStopsItsRuntime() {
        Scripted only = script(unrecoverable(null, "in @BeforeAll"));

        assertThatThrownBy(session::open)
                .isInstanceOf(RemoteThrowable.class)
                .hasMessageStartingWith("in @BeforeAll (in the s390x JVM, where JUnit treats it as unrecoverable");
        assertThat(only.stopped).isTrue();
    }

    @Test
    void aLostConnectionWhileATestRunsFailsThatTestSayingSo() throws Throwable {
        script(ready(), new RemoteRuntime.Event(null, new MultiarchException("The s390x JVM went away (exit code 137)")));

        assertThatThrownBy(() -> session.run(FIRST, report -> { }, dynamic -> { }))
                .isInstanceOf(MultiarchException.class)
                .hasMessage("The s390x JVM went away while running " + FIRST + ". The s390x JVM went away (exit code 137)");
    }

    @Test
    void testsRunAheadWhoseResultsHaveComeAreTakenWithoutARunAndTheirReportEntriesKept() throws Throwable {
        RemoteSession ahead = aheadSession(FIRST, SECOND, THIRD);
        Scripted only = script(ready(), report(FIRST, "one"), result(FIRST, Outcome.SUCCESSFUL),
                report(SECOND, "two"), result(SECOND, Outcome.FAILED), WAIT, report(THIRD, "three"),
                result(THIRD, Outcome.SUCCESSFUL), finished());
        List<String> entries = new ArrayList<>();

        RemoteSession.Result first = ahead.run(FIRST, report -> entries.add(report.entries().get("k")), dynamic -> { });
        RemoteSession.Result second = ahead.run(SECOND, report -> entries.add(report.entries().get("k")), dynamic -> { });
        RemoteSession.Result third = ahead.run(THIRD, report -> entries.add(report.entries().get("k")), dynamic -> { });
        ahead.close();

        assertThat(List.of(first.outcome(), second.outcome(), third.outcome()))
                .containsExactly(Outcome.SUCCESSFUL, Outcome.FAILED, Outcome.SUCCESSFUL);
        assertThat(entries).containsExactly("one", "two", "three");
        assertThat(only.sentRuns()).as("a Run only for the test whose result had not come: where the host is")
                .containsExactly(THIRD);
    }

    @Test
    void aReportEntryOfATestRunAheadThatCameBeforeItsResultIsNotLost() throws Throwable {
        RemoteSession ahead = aheadSession(FIRST, SECOND);
        Scripted only = script(ready(), result(FIRST, Outcome.SUCCESSFUL), report(SECOND, "early"), WAIT,
                report(SECOND, "late"), result(SECOND, Outcome.SUCCESSFUL), finished());
        List<String> entries = new ArrayList<>();

        ahead.run(FIRST, report -> entries.add("first: " + report.entries().get("k")), dynamic -> { });
        RemoteSession.Result second = ahead.run(SECOND, report -> entries.add(report.entries().get("k")), dynamic -> { });
        ahead.close();

        assertThat(second.outcome()).isEqualTo(Outcome.SUCCESSFUL);
        assertThat(entries).containsExactly("early", "late");
        assertThat(only.sentRuns()).containsExactly(SECOND);
    }

    @Test
    void aFinishedThatCameWithTheResultsOfTestsRunAheadIsReadOnceWhenTheSessionCloses() throws Throwable {
        RemoteSession ahead = aheadSession(FIRST);
        Scripted only = script(ready(), result(FIRST, Outcome.SUCCESSFUL), finished());

        assertThat(ahead.run(FIRST, report -> { }, dynamic -> { }).outcome()).isEqualTo(Outcome.SUCCESSFUL);
        ahead.close(); // (the scripted session fails the test if the host waits for a second FINISHED)

        assertThat(only.sentRuns()).isEmpty();
        assertThat(only.forgotten).isTrue();
    }

    @Test
    void aStandInKeepsTheRemoteTraceCauseAndSuppressed() {
        OutOfMemoryError error = new OutOfMemoryError();
        error.initCause(new IllegalStateException("cause"));
        error.addSuppressed(new UnsupportedOperationException("suppressed"));

        RemoteThrowable.Error standIn = RemoteSession.standIn(error, "in the s390x JVM");

        assertThat(standIn).hasMessage("in the s390x JVM").hasCauseInstanceOf(IllegalStateException.class);
        assertThat(standIn.getStackTrace()).isEqualTo(error.getStackTrace());
        assertThat(standIn.getSuppressed()).singleElement().isInstanceOf(UnsupportedOperationException.class);
        assertThat(standIn.toString()).isEqualTo("java.lang.OutOfMemoryError: in the s390x JVM");
    }

    // ---- scripted sessions ------------------------------------------------------------------

    /** In a script: the events after it have not come yet ({@link Scripted#poll} stops there; {@code next} passes it). */
    private static final RemoteRuntime.Event WAIT = new RemoteRuntime.Event(null, null);

    /** A session of the same class whose remote run runs {@code keys} without waiting for a Run. */
    private RemoteSession aheadSession(String... keys) {
        return new RemoteSession(Architecture.of("s390x"), "class:Example", (selector, params) -> {
            assertThat(params.get(Agent.AHEAD_PARAMETER).split("\n")).containsExactlyInAnyOrder(keys);
            Scripted next = toOpen.removeFirst();
            opened.add(next);
            return next;
        }, java.util.Set.of(keys));
    }

    private static RemoteRuntime.Event report(String key, String value) {
        return new RemoteRuntime.Event(new Message.Report(1, key, Map.of("k", value)), null);
    }

    /** A session that answers with {@code events} in order, and is the one the next open gets. */
    private Scripted script(RemoteRuntime.Event... events) {
        Scripted scripted = new Scripted(opened.size() + toOpen.size() + 1, List.of(events));
        toOpen.addLast(scripted);
        return scripted;
    }

    private static RemoteRuntime.Event ready() {
        return new RemoteRuntime.Event(new Message.Ready(1), null);
    }

    private static RemoteRuntime.Event result(String key, Outcome outcome) {
        return new RemoteRuntime.Event(new Message.Result(1, key, outcome, null, null, null), null);
    }

    private static RemoteRuntime.Event finished() {
        return new RemoteRuntime.Event(new Message.Finished(1, Outcome.SUCCESSFUL, null, null, null, false, ""), null);
    }

    /** The FINISHED an agent sends when JUnit stopped its run with an OutOfMemoryError, during {@code key} if not null. */
    private static RemoteRuntime.Event unrecoverable(String key, String message) {
        return new RemoteRuntime.Event(new Message.Finished(1, Outcome.FAILED,
                ThrowableCodec.encode(new OutOfMemoryError(message)),
                key == null ? null : ("stdout of " + key).getBytes(StandardCharsets.UTF_8), null, true,
                key == null ? "" : key), null);
    }

    /** A session whose frames are written in advance; it records what the host sends and does. */
    private static final class Scripted implements RemoteSession.Channel {
        private final int id;
        private final Deque<RemoteRuntime.Event> events;
        private final List<Message> sent = new ArrayList<>();
        boolean stopped;
        boolean forgotten;

        Scripted(int id, List<RemoteRuntime.Event> events) {
            this.id = id;
            this.events = new ArrayDeque<>(events);
        }

        List<String> sentRuns() {
            return sent.stream().filter(m -> m instanceof Message.Run).map(m -> ((Message.Run) m).key()).toList();
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public void send(Message message) {
            sent.add(message);
        }

        @Override
        public RemoteRuntime.Event next() {
            if (events.peekFirst() == WAIT) {
                events.removeFirst();
            }
            if (events.isEmpty()) {
                throw new AssertionError("The host waits for a frame session " + id + " never sends (it sent "
                        + sent + ")");
            }
            return events.removeFirst();
        }

        @Override
        public RemoteRuntime.Event poll() {
            return events.isEmpty() || events.peekFirst() == WAIT ? null : events.removeFirst();
        }

        @Override
        public boolean isAlive() {
            return !stopped;
        }

        @Override
        public void abandon() {
            stopped = true; // (its runtime takes no new session)
            forgotten = true; // (and the session is given up, as the real channel's forget)
        }

        @Override
        public void forget() {
            forgotten = true;
        }
    }
}
