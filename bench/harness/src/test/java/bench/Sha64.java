package bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Figure 6's work: SHA-256 over 64 MiB of deterministic data (a 1 MiB xorshift block, its first
 * byte set to the block's index, 64 times), the same data and digest as {@code QemuBench sha} of
 * bench/qemu-versions.sh. CPU-bound: no I/O, one thread, little garbage.
 */
final class Sha64 {

    /** The digest on every architecture (and QemuBench's "result" line). */
    static final String DIGEST = "62ebf8b330941da270a28bbc3d763b4824a662b15c50db54198e0b1bffa5cdd0";

    private Sha64() {
    }

    /** Hashes the 64 MiB, prints the digest with what the JVM it ran in is, and asserts it. */
    static void run() throws Exception {
        byte[] block = new byte[1 << 20];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < block.length; i += 8) {
            x ^= x << 13; // xorshift64
            x ^= x >>> 7;
            x ^= x << 17;
            for (int b = 0; b < 8; b++) {
                block[i + b] = (byte) (x >>> (8 * b));
            }
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 64; i++) {
            block[0] = (byte) i;
            md.update(block);
        }
        String hex = HexFormat.of().formatHex(md.digest());
        // read by bench/report (Emulation): the digest of each side, and the JIT it ran under
        HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        System.out.println("bench: sha256 " + hex + " os.arch=" + System.getProperty("os.arch")
                + " java=" + System.getProperty("java.vm.version")
                + " TieredStopAtLevel=" + option(vm, "TieredStopAtLevel") + " UseSHA=" + option(vm, "UseSHA")
                + " UseSHA256Intrinsics=" + option(vm, "UseSHA256Intrinsics")); // (diagnostic: "?" unless unlocked)
        assertEquals(DIGEST, hex, "SHA-256 of the 64 MiB");
    }

    /** A VM option's value, "?" where this JVM has no such option or does not show it. */
    private static String option(HotSpotDiagnosticMXBean vm, String name) {
        try {
            return vm.getVMOption(name).getValue();
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }
}
