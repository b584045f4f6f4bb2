package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the agent keeps of a test's output ({@link BoundedBuffer}), in this JVM. */
class BoundedBufferTest {

    @Test
    void outputWithinTheLimitIsKeptWhole() {
        BoundedBuffer buffer = new BoundedBuffer(10, 10);
        write(buffer, "0123456789");
        write(buffer, "abcdefghij");

        assertThat(drain(buffer)).isEqualTo("0123456789abcdefghij");
    }

    @Test
    void beyondTheLimitTheHeadAndTheTailAreKeptWithAMarkerThatCountsWhatWasDropped() {
        BoundedBuffer buffer = new BoundedBuffer(4, 6);
        for (char c = 'a'; c <= 'z'; c++) { // one byte at a time: the ring wraps many times
            write(buffer, String.valueOf(c));
        }

        assertThat(drain(buffer)).isEqualTo("abcd\n[... 16 bytes of output dropped by multiarch ...]\nuvwxyz");
    }

    @Test
    void aWriteLargerThanTheTailKeepsItsLastBytes() {
        BoundedBuffer buffer = new BoundedBuffer(4, 6);
        write(buffer, "abcdefg");
        write(buffer, "hijklmnopqrstuvwxyz");

        assertThat(drain(buffer)).isEqualTo("abcd\n[... 16 bytes of output dropped by multiarch ...]\nuvwxyz");
    }

    @Test
    void eachDrainStartsOver() {
        BoundedBuffer buffer = new BoundedBuffer(2, 2);
        write(buffer, "first test's output");
        drain(buffer);
        write(buffer, "next");

        assertThat(drain(buffer)).isEqualTo("next");
    }

    @Test
    void eightyMebibytesPrintedInOneTestShrinkToTheLimitAndTheMarker() {
        BoundedBuffer buffer = new BoundedBuffer();
        byte[] mebibyte = new byte[1024 * 1024];
        for (int i = 0; i < 80; i++) {
            java.util.Arrays.fill(mebibyte, (byte) ('A' + i % 26));
            buffer.write(mebibyte, 0, mebibyte.length);
        }

        byte[] kept = buffer.drain();

        String marker = "\n[... 67108864 bytes of output dropped by multiarch ...]\n";
        assertThat(kept).hasSize(BoundedBuffer.HEAD + BoundedBuffer.TAIL + marker.length());
        assertThat(new String(kept, BoundedBuffer.HEAD, marker.length(), StandardCharsets.UTF_8)).isEqualTo(marker);
        assertThat(kept[0]).isEqualTo((byte) 'A');
        assertThat(kept[kept.length - 1]).isEqualTo((byte) ('A' + 79 % 26));
    }

    private static void write(BoundedBuffer buffer, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        buffer.write(b, 0, b.length);
    }

    private static String drain(BoundedBuffer buffer) {
        return new String(buffer.drain(), StandardCharsets.UTF_8);
    }
}
