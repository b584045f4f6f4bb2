package io.github.multiarch.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multiarch.junit.RunsOn;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * The multi-architecture example to copy: the whole class runs once per architecture, each run
 * its own node in the report ({@code [s390x]}, {@code [arm64]}). A file format written with an
 * explicit byte order must come out the same on every CPU.
 */
@RunsOn("s390x")
@RunsOn("arm64")
class PortableFormatTest {

    private static final byte[] EXPECTED_HEADER = {0x4d, 0x41, 0x52, 0x43, 0x00, 0x00, 0x01, 0x00};

    @Test
    void headerIsWrittenInItsOwnByteOrderOnEveryCpu() {
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
        header.putInt(0x4d415243).putInt(256);
        System.out.println(System.getProperty("os.arch") + " (native " + ByteOrder.nativeOrder() + ") wrote the same header");
        assertArrayEquals(EXPECTED_HEADER, header.array());
    }

    @Test
    void checksumIsTheSameOnEveryCpu() {
        CRC32 crc = new CRC32();
        crc.update("multiarch-on-aarch64".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0x8461e0a3L, crc.getValue(), () -> Long.toHexString(crc.getValue()));
    }
}
