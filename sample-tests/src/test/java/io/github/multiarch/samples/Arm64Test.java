package io.github.multiarch.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.multiarch.junit.RunsOn;
import java.nio.ByteOrder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The same idea on arm64 ("aarch64" works too); on an arm64 host it runs natively in a container. */
@RunsOn("arm64")
class Arm64Test {

    static String archSeenByBeforeAll;

    @BeforeAll
    static void recordArchitecture() {
        archSeenByBeforeAll = System.getProperty("os.arch");
    }

    @Test
    void runsOnAnAarch64Jvm() {
        System.out.println("os.arch=" + System.getProperty("os.arch"));
        assertEquals("aarch64", System.getProperty("os.arch"));
        assertEquals("aarch64", archSeenByBeforeAll, "@BeforeAll ran in the same remote JVM");
    }

    @Test
    void isLittleEndian() {
        assertEquals(ByteOrder.LITTLE_ENDIAN, ByteOrder.nativeOrder());
    }
}
