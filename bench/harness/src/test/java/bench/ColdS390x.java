package bench;

import io.github.multiarch.junit.RunsOn;
import org.junit.jupiter.api.Test;

/** Figure 1: one trivial test on s390x, run by a fresh host JVM. */
@RunsOn("s390x")
class ColdS390x {
    @Test
    void trivial() {
    }
}
