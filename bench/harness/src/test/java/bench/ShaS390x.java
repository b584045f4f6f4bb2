package bench;

import io.github.multiarch.junit.RunsOn;
import org.junit.jupiter.api.RepeatedTest;

/** Figure 6: the CPU-bound test on s390x (each repetition hashes the 64 MiB once). */
@RunsOn("s390x")
class ShaS390x {
    @RepeatedTest(3)
    void sha256Of64MiB() throws Exception {
        Sha64.run();
    }
}
