package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The decoder's limit of {@link Frame#MAX_BYTES} per frame, in this JVM: a frame that claims more
 * is refused before anything is allocated for it, and the agent's frames stay below it.
 */
class FrameLimitTest {

    private static final int MIB = 1024 * 1024;

    @Test
    void aFrameWhoseHeaderClaimsTwoGibibytesIsRefusedNamingTheLimit() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(Frame.Kind.RESULT.ordinal());
        out.writeInt(1);
        out.writeInt(0x8000_0000); // text: 2 GiB

        assertThatThrownBy(() -> Frame.readFrom(in(bytes.toByteArray())))
                .isInstanceOf(CorruptFrameException.class)
                .hasMessage("A RESULT frame claims 2147483648 bytes for its text field, more than the limit of 67108864"
                        + " bytes (64 MiB) per frame: the stream is corrupt, or its sender does not keep to that limit");
    }

    @Test
    void fieldsThatTogetherExceedTheLimitAreRefusedBeforeTheOneThatWouldExceedIt() throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(header);
        out.writeByte(Frame.Kind.RESULT.ordinal());
        out.writeInt(1);
        out.writeInt(0);
        out.writeInt(0);
        out.writeInt(0);
        out.writeInt(40 * MIB); // out: 40 MiB, which follow
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        new DataOutputStream(rest).writeInt(30 * MIB); // err: 30 MiB more

        InputStream stream = new SequenceInputStream(new ByteArrayInputStream(header.toByteArray()),
                new SequenceInputStream(zeros(40 * MIB), new ByteArrayInputStream(rest.toByteArray())));

        assertThatThrownBy(() -> Frame.readFrom(new DataInputStream(stream)))
                .isInstanceOf(CorruptFrameException.class)
                .hasMessageStartingWith("A RESULT frame claims 31457280 bytes for its err field after 41943040 bytes"
                        + " of other fields, more than the limit of 67108864 bytes (64 MiB) per frame");
    }

    @Test
    void aFrameJustWithinTheLimitIsRead() throws IOException {
        byte[] output = new byte[Frame.MAX_BYTES - 1024];
        Frame frame = new Frame(Frame.Kind.RESULT, 3, "key", "SUCCESSFUL", null, output, null, null);

        Frame back = Frame.readFrom(in(bytesOf(frame)));

        assertThat(back.out()).hasSize(output.length);
    }

    @Test
    void theAgentDropsParametersThatWouldTakeAFrameBeyondTheLimitAndSaysSo() throws IOException {
        Frame report = new Frame(Frame.Kind.REPORT, 3, "key", null, null, null, null,
                Map.of("huge", "x".repeat(Frame.MAX_BYTES)));

        Frame sent = report.withinLimit();

        assertThat(sent.encodedSize()).isLessThanOrEqualTo(Frame.MAX_BYTES);
        assertThat(sent.params()).containsOnlyKeys(Frame.DROPPED_PARAM);
        assertThat(sent.params().get(Frame.DROPPED_PARAM)).isEqualTo("[... 67108876 bytes of 1 parameters of this REPORT"
                + " frame dropped by multiarch: the frame would exceed its limit of 67108864 bytes ...]");
        assertThat(Frame.readFrom(in(bytesOf(sent))).params()).isEqualTo(sent.params());
    }

    @Test
    void encodedSizeIsWhatTheFrameTakesOnTheWire() throws IOException {
        Frame frame = new Frame(Frame.Kind.DYNAMIC, 3, "ключ", "FAILED", new byte[] {1, 2}, new byte[] {3},
                new byte[0], Map.of("displayName", "名前", "container", "false"));

        assertThat(frame.encodedSize()).isEqualTo(bytesOf(frame).length);
    }

    private static byte[] bytesOf(Frame frame) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        frame.writeTo(new DataOutputStream(bytes));
        return bytes.toByteArray();
    }

    private static DataInputStream in(byte[] bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes));
    }

    /** {@code n} zero bytes, made as they are read. */
    private static InputStream zeros(long n) {
        return new InputStream() {
            private long left = n;

            @Override
            public int read() {
                if (left == 0) {
                    return -1;
                }
                left--;
                return 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int k = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + k, (byte) 0);
                left -= k;
                return k;
            }
        };
    }
}
