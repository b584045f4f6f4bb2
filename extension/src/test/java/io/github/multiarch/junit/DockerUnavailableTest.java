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

    private static final List<String> HIDE_SOCKET = List.of("unshare", "--mount", "--propagation", "private", "sh",
            "-c", "mount -t tmpfs none /run && mount -t tmpfs none /var/run 2>/dev/null; exec \"$0\" \"$@\"");

    @Test
    void withMultiarchUnavailableSkipTheClassIsAbortedWithTheReasonNotPassed() throws Exception {
        try (HostJvm host = HostJvm.start(HIDE_SOCKET, CleanupTest.Quick.class, "multiarch.unavailable=skip")) {
            assertThat(host.process.waitFor(3, TimeUnit.MINUTES)).as(host.output()).isTrue();
            assertThat(host.output())
                    .doesNotContain("FINISHED passes() SUCCESSFUL")
                    .contains("FINISHED CleanupTest$Quick ABORTED org.opentest4j.TestAbortedException: Skipped"
                            + " (multiarch.unavailable=skip): this machine cannot run s390x tests: Docker is not"
                            + " running, or not reachable from this JVM");
        }
    }

    @Test
    void aTestFailsWithHowToStartDocker() throws Exception {
        try (HostJvm host = HostJvm.start(HIDE_SOCKET, CleanupTest.Quick.class)) {
            assertThat(host.process.waitFor(3, TimeUnit.MINUTES)).as(host.output()).isTrue();
            assertThat(host.output())
                    .doesNotContain("FINISHED passes() SUCCESSFUL")
                    .contains("FINISHED CleanupTest$Quick FAILED")
                    .contains("Docker is not running, or not reachable from this JVM")
                    .contains("Start the engine");
        }
    }
}
