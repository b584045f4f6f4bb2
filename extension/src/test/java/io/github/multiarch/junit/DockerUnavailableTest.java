package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With no Docker engine in sight the test fails (never passes) and says how to start one. The
 * host JVM runs in a mount namespace where /run (and so the engine's socket) is an empty tmpfs.
 */
class DockerUnavailableTest {

    @Test
    void aTestFailsWithHowToStartDocker() throws Exception {
        List<String> hideSocket = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs none /run && mount -t tmpfs none /var/run 2>/dev/null; exec \"$0\" \"$@\"");
        try (HostJvm host = HostJvm.start(hideSocket, CleanupTest.Quick.class)) {
            assertThat(host.process.waitFor(3, TimeUnit.MINUTES)).as(host.output()).isTrue();
            assertThat(host.output())
                    .doesNotContain("FINISHED passes() SUCCESSFUL")
                    .contains("FINISHED CleanupTest$Quick FAILED")
                    .contains("Docker is not running, or not reachable from this JVM")
                    .contains("Start the engine");
        }
    }
}
