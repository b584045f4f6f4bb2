package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Handshake} on a real loopback connection in this JVM, the agent's side
 * ({@link Agent#awaitHost}) in a thread of its own and the host's ({@link Handshake#offer}) here:
 * who is refused, who is accepted, and what a version mismatch says.
 */
class HandshakeTest {

    private static final String TOKEN = Handshake.newToken();

    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    private final ByteArrayOutputStream agentLog = new ByteArrayOutputStream();

    HandshakeTest() throws IOException {
    }

    @AfterEach
    void close() throws IOException {
        server.close();
    }

    @Test
    void aTokenIsThirtyTwoRandomBytesInHex() {
        assertThat(TOKEN).hasSize(64).matches("[0-9a-f]+").isNotEqualTo(Handshake.newToken());
    }

    @Test
    void wrongMissingOrNoTokensAreRefusedAndLoggedAndTheAgentWaitsOnForTheRightOne() throws Exception {
        CompletableFuture<Agent.Connection> agent = agentAwaitingHost();

        Refused wrong = connectAndOffer(Handshake.newToken());
        Refused missing = connectAndOffer("");
        try (Socket silent = connect()) {
            silent.shutdownOutput(); // connects, sends nothing, goes
            assertThat(silent.getInputStream().read()).as("no answer").isEqualTo(-1);
        }
        try (Socket host = connect()) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(host.getInputStream()));
            Handshake.offer(new DataOutputStream(host.getOutputStream()), in, TOKEN, "the s390x JVM");
            Agent.Connection accepted = agent.get(30, TimeUnit.SECONDS);
            Wire.write(new Message.Hello("s390x", "17", null), accepted.out()); // frames follow on the same streams
            assertThat(((Message.Hello) Wire.read(in)).osArch()).isEqualTo("s390x");
            accepted.socket().close();
        }

        assertThat(wrong.message).startsWith("The agent in the s390x JVM closed the connection without answering the"
                + " multiarch handshake: it refused this host's token");
        assertThat(missing.message).isEqualTo(wrong.message);
        String log = agentLog.toString(StandardCharsets.UTF_8);
        assertThat(log.lines())
                .hasSize(3)
                .allSatisfy(line -> assertThat(line).startsWith("multiarch-agent: refused a connection from /127.0.0.1:")
                        .endsWith("; still waiting for the host that started this container"))
                .anySatisfy(line -> assertThat(line).contains(": it sent a wrong token;"))
                .anySatisfy(line -> assertThat(line).contains(": it sent no token;"))
                .anySatisfy(line -> assertThat(line).contains(": it closed the connection before the end of its handshake;"));
        assertThat(log).doesNotContain(TOKEN);
    }

    @Test
    void aHostOfAnotherProtocolVersionIsToldBothVersionsAndTheFix() throws Exception {
        CompletableFuture<Agent.Connection> agent = agentAwaitingHost();

        try (Socket oldHost = connect()) {
            DataInputStream in = new DataInputStream(oldHost.getInputStream());
            Handshake.writeOffer(new DataOutputStream(oldHost.getOutputStream()), 2, TOKEN); // 0.2.0-SNAPSHOT before the Message records
            assertThat(in.readInt()).isEqualTo(Handshake.MAGIC);
            assertThat(in.readInt()).as("the agent's version").isEqualTo(Handshake.PROTOCOL_VERSION);
            assertThat(in.readByte()).isEqualTo(Handshake.OTHER_VERSION);
        }
        try (Socket host = connect()) { // still waiting for the host with the right version
            Handshake.offer(new DataOutputStream(host.getOutputStream()), new DataInputStream(host.getInputStream()),
                    TOKEN, "the s390x JVM");
            agent.get(30, TimeUnit.SECONDS).socket().close();
        }

        assertThat(agentLog.toString(StandardCharsets.UTF_8)).contains(": The multiarch agent in this container speaks"
                + " protocol version 5, the host speaks version 2: they come from different builds of multiarch-junit."
                + " Use the same multiarch-junit on both sides.");
    }

    @Test
    void anAgentOfAnotherProtocolVersionFailsTheHostWithBothVersionsAndTheFix() throws Exception {
        CompletableFuture<Void> newerAgent = fakeAgent(out -> {
            out.writeInt(Handshake.MAGIC);
            out.writeInt(Handshake.PROTOCOL_VERSION + 1);
            out.writeByte(Handshake.OTHER_VERSION);
        });

        Refused refused = connectAndOffer(TOKEN);
        newerAgent.get(30, TimeUnit.SECONDS);

        assertThat(refused.message).isEqualTo("The multiarch agent in the s390x JVM speaks protocol version 6, the host"
                + " speaks version 5: they come from different builds of multiarch-junit. Use the same multiarch-junit on"
                + " both sides. The agent runs from the host's class path, so this happens only when the container puts"
                + " another multiarch-junit before it: a stale or custom class path in the image (a CLASSPATH,"
                + " JAVA_TOOL_OPTIONS or jar of its own); remove it from the image");
    }

    @Test
    void anAgentOfMultiarch010WhichSendsItsHelloAtOnceCountsAsVersionOne() throws Exception {
        CompletableFuture<Void> oldAgent = fakeAgent(HandshakeTest::writeHelloOf010);

        Refused refused = connectAndOffer(TOKEN);
        oldAgent.get(30, TimeUnit.SECONDS);

        assertThat(refused.message).startsWith("The multiarch agent in the s390x JVM speaks protocol version 1 (no"
                + " handshake), the host speaks version 5: they come from different builds of multiarch-junit.");
    }

    @Test
    void anAgentWhoseHostDoesNotComeInTimeGivesUp() throws Exception {
        assertThat(Agent.awaitHost(server, TOKEN.getBytes(StandardCharsets.US_ASCII), System.nanoTime(),
                new PrintStream(agentLog))).isNull();
    }

    // ---- helpers -----------------------------------------------------------------------

    private CompletableFuture<Agent.Connection> agentAwaitingHost() {
        PrintStream log = new PrintStream(agentLog, true, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2); // only so that a broken agent cannot hang the build
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Agent.awaitHost(server, TOKEN.getBytes(StandardCharsets.US_ASCII), deadline, log);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    interface Answer {
        void write(DataOutputStream out) throws IOException;
    }

    /** An agent that accepts one connection, reads its offer and sends {@code answer}. */
    private CompletableFuture<Void> fakeAgent(Answer answer) {
        return CompletableFuture.runAsync(() -> {
            try (Socket socket = server.accept()) {
                DataInputStream in = new DataInputStream(socket.getInputStream());
                assertThat(in.readInt()).isEqualTo(Handshake.MAGIC);
                assertThat(in.readInt()).isEqualTo(Handshake.PROTOCOL_VERSION);
                in.readFully(new byte[in.readInt()]);
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
                answer.write(out);
                out.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private Socket connect() throws IOException {
        return new Socket(server.getInetAddress(), server.getLocalPort());
    }

    /** What the host's side of the handshake says when it offers {@code token} and is refused. */
    private Refused connectAndOffer(String token) throws IOException {
        try (Socket socket = connect()) {
            socket.setSoTimeout(60_000); // only so that a broken agent cannot hang the build
            Throwable thrown = catchThrowable(() -> Handshake.offer(new DataOutputStream(socket.getOutputStream()),
                    new DataInputStream(socket.getInputStream()), token, "the s390x JVM"));
            assertThat(thrown).isInstanceOf(Handshake.Refused.class);
            return new Refused(thrown.getMessage());
        }
    }

    private record Refused(String message) {
    }

    /** The HELLO frame of multiarch 0.1.0, which had no handshake: kind 0, session 0, text, four empty fields, no parameters. */
    private static void writeHelloOf010(DataOutputStream out) throws java.io.IOException {
        byte[] text = "s390x".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeByte(0);
        out.writeInt(0);
        out.writeInt(text.length);
        out.write(text);
        for (int i = 0; i < 5; i++) {
            out.writeInt(0);
        }
        out.flush();
    }
}
