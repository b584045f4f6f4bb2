package io.github.multiarch.junit.internal.remote;

import java.util.Map;

/**
 * What the host (the JUnit extension) and the agent (the JVM in the container) say to each other:
 * one record per kind of message, each with the session it belongs to ({@code 0} for the
 * connection itself). One TCP connection per runtime carries the messages of every open session;
 * {@link Wire} encodes and decodes them, in one place.
 *
 * <pre>
 * agent → host   Hello     the agent is up: its os.arch, java.version, whether it mapped its class-data archive
 * host  → agent  Start     run {@code selector} (see {@link RemoteSelector}) with these configuration parameters
 * agent → host   Ready     the remote class is set up (its @BeforeAll done) and waits for Run
 * host  → agent  Run       run the test {@code key} (see {@link TestKey}) next
 * agent → host   Result    how the test {@code key} ended, with its failure and output
 * host  → agent  End       no more Run for this session: finish the class (its @AfterAll)
 * agent → host   Finished  the remote run is over: the class's outcome, failure and output; when an error JUnit
 *                          does not recover from (OutOfMemoryError) stopped it: unrecoverable, and during which test
 * agent → host   Report    a TestReporter entry of the running test
 * agent → host   Dynamic   a dynamic test or container of the running @TestFactory has ended
 * host  → agent  Beat      are you there? (the connection's, session 0; every few seconds)
 * agent → host   Beat      yes: the same number back, at once, from the thread that reads the host's messages
 * host  → agent  Prepare   a Start of {@code selector} with these parameters is likely to come: discover it now
 *                          (the connection's, session 0; nothing is answered)
 * </pre>
 *
 * Byte arrays are never {@code null} (empty when there is nothing), and neither are strings and maps.
 *
 * @since 0.2.0
 */
public sealed interface Message {

    /** The session the message belongs to; {@code 0} for {@link Hello}. */
    int session();

    /** The agent is up and has accepted the host's handshake. {@code archiveMapped} is {@code null} without an archive. */
    record Hello(String osArch, String javaVersion, Boolean archiveMapped) implements Message {
        public Hello {
            osArch = text(osArch);
            javaVersion = text(javaVersion);
        }

        @Override
        public int session() {
            return 0;
        }
    }

    /** Host: run {@code selector} as session {@code session}, with {@code params} as configuration parameters. */
    record Start(int session, String selector, Map<String, String> params) implements Message {
        public Start {
            selector = text(selector);
            params = params == null ? Map.of() : Map.copyOf(params);
        }
    }

    /** Agent: the remote class is set up and waits for {@link Run}. */
    record Ready(int session) implements Message {
    }

    /** Host: run the test {@code key} next. */
    record Run(int session, String key) implements Message {
        public Run {
            key = text(key);
        }
    }

    /** Agent: the test {@code key} ended with {@code outcome}; its failure (see {@link ThrowableCodec}) and output. */
    record Result(int session, String key, Outcome outcome, byte[] failure, byte[] out, byte[] err) implements Message {
        public Result {
            key = text(key);
            failure = bytes(failure);
            out = bytes(out);
            err = bytes(err);
        }
    }

    /** Host: no more {@link Run} for this session. */
    record End(int session) implements Message {
    }

    /**
     * Agent: the remote run is over. When an error JUnit does not recover from stopped it
     * ({@code unrecoverable}), {@code failure} is that error and {@code during} the key of the test
     * it stopped in ({@code ""} if none), and no {@link Result} of that test comes.
     */
    record Finished(int session, Outcome outcome, byte[] failure, byte[] out, byte[] err, boolean unrecoverable,
                    String during) implements Message {
        public Finished {
            failure = bytes(failure);
            out = bytes(out);
            err = bytes(err);
            during = text(during);
        }
    }

    /** Agent: a {@code TestReporter} entry of the running test {@code key}. */
    record Report(int session, String key, Map<String, String> entries) implements Message {
        public Report {
            key = text(key);
            entries = entries == null ? Map.of() : entries;
        }
    }

    /**
     * Agent: a dynamic test (or container) {@code key} of the running {@code @TestFactory} ended; it
     * sits below {@code parent} (the factory's key, or a dynamic container's).
     */
    record Dynamic(int session, String key, Outcome outcome, byte[] failure, byte[] out, byte[] err,
                   String displayName, boolean container, String parent) implements Message {
        public Dynamic {
            key = text(key);
            failure = bytes(failure);
            out = bytes(out);
            err = bytes(err);
            displayName = text(displayName);
            parent = text(parent);
        }
    }

    /**
     * The connection's heartbeat ({@code session} 0): the host sends one every few seconds, the agent
     * answers each with the same {@code sequence}. A runtime that answers nothing for the host's
     * bound (a paused container, a JVM that no longer runs) is given up, with the evidence.
     */
    record Beat(long sequence) implements Message {
        @Override
        public int session() {
            return 0;
        }
    }

    /**
     * Host: the class the host's run reaches next on this runtime, to be discovered while the
     * current one runs: a later {@link Start} of the same {@code selector} and {@code params}
     * (those that decide discovery) takes what it found. The connection's ({@code session} 0):
     * nothing is answered, and a Prepare no Start takes is dropped.
     */
    record Prepare(String selector, Map<String, String> params) implements Message {
        public Prepare {
            selector = text(selector);
            params = params == null ? Map.of() : Map.copyOf(params);
        }

        @Override
        public int session() {
            return 0;
        }
    }

    private static String text(String s) {
        return s == null ? "" : s;
    }

    private static byte[] bytes(byte[] b) {
        return b == null ? new byte[0] : b;
    }
}
