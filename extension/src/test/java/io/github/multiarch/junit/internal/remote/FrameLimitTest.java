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
 * The decoder's limit of {@link Wire#MAX_BYTES} per frame, in this JVM: a frame that claims more
 * is refused before anything is allocated for it, and the agent's frames stay below it.
 */
class FrameLimitTest {

    private static final int MIB = 1024 * 1024;

    @Test
    void aFrameWhoseHeaderClaimsTwoGibibytesIsRefusedNamingTheLimit() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(Wire.RESULT_TAG);
        out.writeInt(1);
        out.writeInt(0x8000_0000); // key: 2 GiB

        assertThatThrownBy(() -> Wire.read(in(bytes.toByteArray())))
                .isInstanceOf(CorruptFrameException.class)
                .hasMessage("A RESULT frame claims 2147483648 bytes for its key field, more than the limit of 67108864"
                        + " bytes (64 MiB) per frame: the stream is corrupt, or its sender does not keep to that limit");
    }

    @Test
    void fieldsThatTogetherExceedTheLimitAreRefusedBeforeTheOneThatWouldExceedIt() throws IOException {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(header);
        out.writeByte(Wire.RESULT_TAG);
        out.writeInt(1);
        out.writeInt(0); // key
        out.writeByte(Outcome.SUCCESSFUL.ordinal());
        out.writeInt(0); // failure
        out.writeInt(40 * MIB); // out: 40 MiB, which follow
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        new DataOutputStream(rest).writeInt(30 * MIB); // err: 30 MiB more

        InputStream stream = new SequenceInputStream(new ByteArrayInputStream(header.toByteArray()),
                new SequenceInputStream(zeros(40 * MIB), new ByteArrayInputStream(rest.toByteArray())));

        assertThatThrownBy(() -> Wire.read(new DataInputStream(stream)))
                .isInstanceOf(CorruptFrameException.class)
                .hasMessageStartingWith("A RESULT frame claims 31457280 bytes for its err field after 41943040 bytes"
                        + " of other fields, more than the limit of 67108864 bytes (64 MiB) per frame");
    }

    @Test
    void aFrameJustWithinTheLimitIsRead() throws IOException {
        byte[] output = new byte[Wire.MAX_BYTES - 1024];
        Message.Result result = new Message.Result(3, "key", Outcome.SUCCESSFUL, null, output, null);

        Message.Result back = (Message.Result) Wire.read(in(bytesOf(result)));

        assertThat(back.out()).hasSize(output.length);
    }

    @Test
    void theAgentDropsParametersThatWouldTakeAFrameBeyondTheLimitAndSaysSo() throws IOException {
        Message.Report report = new Message.Report(3, "key", Map.of("huge", "x".repeat(Wire.MAX_BYTES)));

        Message.Report sent = (Message.Report) Wire.withinLimit(report);

        assertThat(Wire.encodedSize(sent)).isLessThanOrEqualTo(Wire.MAX_BYTES);
        assertThat(sent.entries()).containsOnlyKeys(Wire.DROPPED_ENTRY);
        assertThat(sent.entries().get(Wire.DROPPED_ENTRY)).isEqualTo("[... 67108876 bytes of 1 entries of this REPORT"
                + " frame dropped by multiarch: the frame would exceed its limit of 67108864 bytes ...]");
        assertThat(((Message.Report) Wire.read(in(bytesOf(sent)))).entries()).isEqualTo(sent.entries());
        assertThat(Wire.withinLimit(new Message.Report(3, "key", Map.of("small", "x")))).isNotSameAs(null)
                .usingRecursiveComparison().isEqualTo(new Message.Report(3, "key", Map.of("small", "x")));
    }

    @Test
    void encodedSizeIsWhatTheFrameTakesOnTheWire() throws IOException {
        Message frame = new Message.Dynamic(3, "ключ", Outcome.FAILED, new byte[] {1, 2}, new byte[] {3}, new byte[0],
                "名前", false, "parent");

        assertThat(Wire.encodedSize(frame)).isEqualTo(bytesOf(frame).length);
    }

    private static byte[] bytesOf(Message message) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Wire.write(message, new DataOutputStream(bytes));
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
