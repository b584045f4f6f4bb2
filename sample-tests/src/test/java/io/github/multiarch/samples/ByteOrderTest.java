package io.github.multiarch.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multiarch.junit.RunsOn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The first example: on the host (x86_64 or arm64) these would fail; on s390x they pass. */
@RunsOn("s390x")
class ByteOrderTest {

    @Test
    void nativeOrderIsBigEndian() {
        assertEquals(ByteOrder.BIG_ENDIAN, ByteOrder.nativeOrder());
    }

    @Test
    void runsOnAnS390xJvm() {
        System.out.println("os.arch=" + System.getProperty("os.arch") + " java=" + System.getProperty("java.version"));
        assertEquals("s390x", System.getProperty("os.arch"));
    }

    @Test
    void directBuffersUseTheNativeOrder() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
        buffer.putInt(0, 0x01020304);
        assertEquals(0x01, buffer.get(0), "most significant byte first on a big-endian CPU");
    }
}
