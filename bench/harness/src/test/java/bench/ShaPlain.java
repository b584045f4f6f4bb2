package bench;

import org.junit.jupiter.api.RepeatedTest;

/** Figure 6's baseline: the same CPU-bound test natively, in the host JVM. */
class ShaPlain {
    @RepeatedTest(3)
    void sha256Of64MiB() throws Exception {
        Sha64.run();
    }
}
