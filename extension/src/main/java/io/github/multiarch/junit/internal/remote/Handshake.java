package io.github.multiarch.junit.internal.remote;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The first bytes on a runtime's connection, before any frame ({@link Wire}): the host proves that it is
 * the one that started the container, and both sides check that they speak the same protocol.
 *
 * <p>The host makes a random token per runtime ({@link #newToken}) and gives it to the container
 * in the environment variable {@link #TOKEN_ENV}; on connecting it sends
 *
 * <pre>
 * host  → agent   MAGIC (int), protocol version (int), token length (int), token (ASCII)
 * agent → host    MAGIC (int), protocol version (int), verdict (byte: 0 accepted, 1 other version)
 * </pre>
 *
 * The agent compares the token in constant time. A connection with a wrong or missing token gets
 * no answer: the agent closes it, says so on the container's error output, and waits on for its
 * host. With the right token and another protocol version it answers {@code 1}, and the host
 * fails with both versions and the fix ({@link #versionMismatch}). This layout is the same in every
 * version, so any two builds can tell each other theirs; an agent of 0.1.0, which knows no
 * handshake, answers with its first frame instead, and counts as version 1.
 *
 * @since 0.2.0
 */
public final class Handshake {

    /** The environment variable that gives the agent its host's token. */
    public static final String TOKEN_ENV = "MULTIARCH_AGENT_TOKEN";

    /**
     * The version of the wire format ({@link Wire}, this handshake, the encodings they carry).
     * 1 was 0.1.0's, without a handshake; 2 added the handshake (one frame shape for every kind);
     * 3 has one record per kind of {@link Message}; 5 adds {@link Message.Prepare}. Change it with
     * any change of format.
     */
    public static final int PROTOCOL_VERSION = 5;

    /** "MARC": the first bytes both ways. */
    static final int MAGIC = 0x4D415243;

    static final byte ACCEPTED = 0;
    static final byte OTHER_VERSION = 1;

    /** The longest token the agent reads (the host's are 64 characters). */
    static final int MAX_TOKEN = 1024;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /** A new token: 32 random bytes, in hex. */
    public static String newToken() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    // ---- host side ---------------------------------------------------------------------

    /**
     * Host side: offers {@code token} and reads the agent's answer. Returns when the agent
     * accepted; otherwise throws a {@link Refused} that says what happened to the agent in
     * {@code where} (e.g. "the s390x JVM") and what to do.
     */
    public static void offer(DataOutputStream out, DataInputStream in, String token, String where) throws IOException {
        writeOffer(out, PROTOCOL_VERSION, token);
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new Refused("The agent in " + where + " closed the connection without answering the multiarch"
                    + " handshake: it refused this host's token (its output below says why), or it is not the agent"
                    + " this host started");
        }
        if (magic != MAGIC) { // 0.1.0's agent sends its HELLO frame at once: kind 0, session 0
            throw new Refused(versionMismatch(where, "1 (no handshake)", PROTOCOL_VERSION));
        }
        int version = in.readInt();
        byte verdict = in.readByte();
        if (version != PROTOCOL_VERSION || verdict != ACCEPTED) {
            throw new Refused(versionMismatch(where, Integer.toString(version), PROTOCOL_VERSION));
        }
    }

    static void writeOffer(DataOutputStream out, int version, String token) throws IOException {
        byte[] bytes = token.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(MAGIC);
        out.writeInt(version);
        out.writeInt(bytes.length);
        out.write(bytes);
        out.flush();
    }

    /** The message for host and agent of different protocol versions, naming both and the fix. */
    static String versionMismatch(String where, String agentVersion, int hostVersion) {
        // (the same words on both sides: the host's failure, and the agent's line in the container's log)
        return "The multiarch agent in " + where + " speaks protocol version " + agentVersion + ", the host speaks"
                + " version " + hostVersion + ": they come from different builds of multiarch-junit. Use the same"
                + " multiarch-junit on both sides. The agent runs from the host's class path, so this happens only"
                + " when the container puts another multiarch-junit before it: a stale or custom class path in the"
                + " image (a CLASSPATH, JAVA_TOOL_OPTIONS or jar of its own); remove it from the image";
    }

    /** The agent did not accept this host: the message says why and what to do. */
    public static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    // ---- agent side --------------------------------------------------------------------

    /**
     * Agent side: reads a connection's offer and checks it against {@code token}. Returns
     * {@code null} when it is the host's (then the agent calls {@link #accept}), else why not, for
     * the container's log; a right token with another version has been answered already.
     */
    static String check(DataInputStream in, DataOutputStream out, byte[] token) throws IOException {
        if (in.readInt() != MAGIC) {
            return "it did not start with the multiarch handshake (a host of multiarch-junit 0.1.0, which sends"
                    + " none, or not a multiarch host at all)";
        }
        int version = in.readInt();
        int length = in.readInt();
        if (length < 0 || length > MAX_TOKEN) {
            return "its token is " + Integer.toUnsignedString(length) + " bytes long";
        }
        byte[] offered = new byte[length];
        in.readFully(offered);
        if (!MessageDigest.isEqual(token, offered)) {
            return length == 0 ? "it sent no token" : "it sent a wrong token";
        }
        if (version != PROTOCOL_VERSION) {
            answer(out, OTHER_VERSION);
            return versionMismatch("this container", Integer.toString(PROTOCOL_VERSION), version);
        }
        return null;
    }

    /** Agent side: tells the host its offer is accepted; frames follow. */
    static void accept(DataOutputStream out) throws IOException {
        answer(out, ACCEPTED);
    }

    private static void answer(DataOutputStream out, byte verdict) throws IOException {
        out.writeInt(MAGIC);
        out.writeInt(PROTOCOL_VERSION);
        out.writeByte(verdict);
        out.flush();
    }
}
