package bench;

import org.junit.jupiter.api.Test;

/** Figure 1's naive baseline: the same test, run by JUnit's console launcher in a fresh s390x container. */
class ColdPlain {
    @Test
    void trivial() {
    }
}
