package io.github.multiarch.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import io.github.multiarch.junit.RunsOn;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A JNI library on a foreign CPU: zstd-jni extracts and loads its s390x (aarch64, x86_64) native
 * library inside the remote JVM, and data must survive a round trip through it. On an aarch64
 * host the amd64 test is the emulated one, on an x86_64 host the aarch64 test.
 */
class ZstdRoundTripTest {

    private static final byte[] DATA = "multiarch-on-aarch64 ".repeat(1000).getBytes(StandardCharsets.UTF_8);

    @Test
    @RunsOn("s390x")
    void roundTripThroughTheS390xNativeLibrary() {
        assertEquals("s390x", System.getProperty("os.arch"));
        roundTrip();
    }

    @Test
    @RunsOn("aarch64")
    void roundTripThroughTheAarch64NativeLibrary() {
        assertEquals("aarch64", System.getProperty("os.arch"));
        roundTrip();
    }

    @Test
    @RunsOn("amd64")
    void roundTripThroughTheAmd64NativeLibrary() {
        assertEquals("amd64", System.getProperty("os.arch"));
        roundTrip();
    }

    @Test
    void roundTripOnTheHost() {
        roundTrip();
    }

    private static void roundTrip() {
        byte[] compressed = Zstd.compress(DATA, 3);
        assertTrue(compressed.length < DATA.length / 10, "compressed " + DATA.length + " to " + compressed.length);
        byte[] restored = Zstd.decompress(compressed, DATA.length);
        assertArrayEquals(DATA, restored);
        System.out.println("zstd-jni on " + System.getProperty("os.arch") + ": "
                + DATA.length + " -> " + compressed.length + " bytes and back");
    }
}
