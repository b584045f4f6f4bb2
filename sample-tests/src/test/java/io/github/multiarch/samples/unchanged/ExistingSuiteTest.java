package io.github.multiarch.samples.unchanged;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * A test class as an existing project has it: no annotation, no import of the extension. The
 * default Surefire execution runs it here; the {@code on-s390x} execution (see this module's
 * pom.xml) runs it on s390x through one setting, {@code multiarch.runsOn=s390x}, with its reports
 * in {@code target/surefire-reports-s390x}; the {@code on-s390x-and-arm64} execution runs it on
 * both, one after the other, in one run ({@code multiarch.runsOn=s390x,arm64}), with its reports
 * in {@code target/surefire-reports-matrix}.
 */
class ExistingSuiteTest {

    @Test
    void aChecksumIsTheSameOnEveryCpu() {
        CRC32 crc = new CRC32();
        crc.update("multiarch".getBytes(StandardCharsets.UTF_8));
        assertEquals(0x3E446C85L, crc.getValue(), "CRC32 of \"multiarch\"");
    }

    @Test
    void anExplicitByteOrderIsTheSameOnEveryCpu() {
        byte[] big = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(0x01020304).array();
        assertArrayEquals(new byte[] {1, 2, 3, 4}, big);
    }

    /**
     * The build says where this class is meant to run ({@code samples.expected.os.arch}, one
     * {@code os.arch} or several, comma-separated); natively: here. It prints where it ran, which
     * {@code tools/test.sh} reads from each architecture's report.
     */
    @Test
    void runsWhereTheBuildSaysIt() {
        String here = System.getProperty("os.arch");
        System.out.println("ran on os.arch " + here + ", native byte order " + ByteOrder.nativeOrder());
        List<String> expected = List.of(System.getProperty("samples.expected.os.arch", here).split(","));
        assertTrue(expected.contains(here), "os.arch " + here + ", expected one of " + expected);
    }
}
