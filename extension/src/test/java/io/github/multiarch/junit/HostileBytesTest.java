package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.MultiarchException;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiarch.junit.internal.remote.Agent;
import io.github.multiarch.junit.internal.remote.AgentSession;
import io.github.multiarch.junit.internal.remote.Wire;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * End to end against the real engine, kernel and an s390x JVM under QEMU: more bytes than the
 * protocol takes. A test that prints 80 MiB passes, its output cut to the agent's limit with a
 * marker; a frame that claims 2 GiB fails the test that was running, the host drops that JVM, and
 * the next test runs in a fresh one. Neither fails the run or strains the host's heap.
 */
class HostileBytesTest {

    private static final String MARKER = "[... 67108864 bytes of output dropped by multiarch ...]";

    /** This JVM: its container (Docker sets {@code HOSTNAME} to the container's id) and a name of its own. */
    private static final String JVM = System.getenv("HOSTNAME") + " " + UUID.randomUUID();

    @Test
    void eightyMebibytesOfOutputArriveCutToTheLimitWithAMarkerAndTheNextTestRuns() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        EngineExecutionResults results = printingTo(printed, () -> Kit.run(PrintsEightyMebibytes.class));

        results.testEvents().assertStatistics(s -> s.started(2).succeeded(2).failed(0));
        String out = printed.toString(StandardCharsets.ISO_8859_1);
        assertThat(out).contains("\n" + MARKER + "\n").contains("next test ran on s390x");
        assertThat(printed.size()).as("bytes that reached the host").isLessThan(17 * 1024 * 1024);
        assertThat(out.substring(0, 16)).isEqualTo("A".repeat(16)); // the first MiB printed
        int marker = out.indexOf(MARKER);
        assertThat(out.substring(marker + MARKER.length() + 1, marker + MARKER.length() + 17))
                .isEqualTo(String.valueOf((char) ('A' + 72 % 26)).repeat(16)); // the tail: the last 8 MiB printed
    }

    @Test
    void aFrameThatClaimsTwoGibibytesFailsThatTestAndTheNextTestRunsInAFreshJvm() {
        EngineExecutionResults results = Kit.run(SendsAnAbsurdFrame.class);

        Events tests = results.testEvents();
        tests.assertStatistics(s -> s.started(3).succeeded(2).failed(1));
        Event failed = tests.failed().stream().findFirst().orElseThrow();
        assertThat(failed.getTestDescriptor().getDisplayName()).isEqualTo("sendsAFrameThatClaimsTwoGibibytes(AgentSession)");
        assertThat(failed.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
                .isInstanceOf(MultiarchException.class)
                .hasMessageContaining("The host dropped its connection to the s390x JVM, which sent what the host does"
                        + " not accept: A RESULT frame claims 2147483648 bytes for its key field, more than the limit"
                        + " of 67108864 bytes (64 MiB) per frame")
                .hasMessageContaining("The next test gets a fresh s390x JVM");
        assertThat(results.containerEvents().failed().count()).as("failed containers").isZero();
        assertThat(Kit.reportedJvms(results)).as("the JVMs of the first and the last test").hasSize(2).doesNotHaveDuplicates();
    }

    /** Runs {@code action} with this JVM's {@code System.out} going to {@code printed} only (not to the build's log). */
    private static <T> T printingTo(ByteArrayOutputStream printed, java.util.function.Supplier<T> action) {
        PrintStream out = System.out;
        System.setOut(new PrintStream(printed, true));
        try {
            return action.get();
        } finally {
            System.setOut(out);
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PrintsEightyMebibytes {
        @Test
        @Order(1)
        void printsEightyMebibytes() {
            byte[] mebibyte = new byte[1024 * 1024];
            for (int i = 0; i < 80; i++) {
                Arrays.fill(mebibyte, (byte) ('A' + i % 26));
                System.out.write(mebibyte, 0, mebibyte.length);
            }
            System.out.flush();
        }

        @Test
        @Order(2)
        void next() {
            System.out.println("next test ran on " + System.getProperty("os.arch"));
        }
    }

    /** Gives a remote test the agent's session it runs in. */
    static final class SessionResolver implements org.junit.jupiter.api.extension.ParameterResolver {
        @Override
        public boolean supportsParameter(org.junit.jupiter.api.extension.ParameterContext parameter,
                                         org.junit.jupiter.api.extension.ExtensionContext context) {
            return parameter.getParameter().getType() == AgentSession.class;
        }

        @Override
        public Object resolveParameter(org.junit.jupiter.api.extension.ParameterContext parameter,
                                       org.junit.jupiter.api.extension.ExtensionContext context) {
            return AgentSession.of(context).orElse(null); // (none on the host, where the method is not invoked)
        }
    }

    @RunsOn("s390x")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @org.junit.jupiter.api.extension.ExtendWith(SessionResolver.class)
    static class SendsAnAbsurdFrame {
        @Test
        @Order(1)
        void before(TestReporter reporter) {
            reporter.publishEntry("jvm", JVM);
        }

        /**
         * Writes, on the agent's own connection to the host, the start of a RESULT frame whose
         * text claims 2 GiB: what a corrupt stream or a hostile agent would send.
         */
        @Test
        @Order(2)
        void sendsAFrameThatClaimsTwoGibibytes(AgentSession session) throws Exception {
            Object agent = field(AgentSession.class, session, "outbox");
            DataOutputStream out = (DataOutputStream) field(Agent.class, agent, "out");
            synchronized (agent) { // as Agent.send: no frame of the agent's own in between
                out.writeByte(Wire.RESULT_TAG);
                out.writeInt((Integer) field(AgentSession.class, session, "id"));
                out.writeInt(0x8000_0000);
                out.flush();
            }
        }

        @Test
        @Order(3)
        void after(TestReporter reporter) {
            reporter.publishEntry("jvm", JVM);
        }

        private static Object field(Class<?> type, Object instance, String name) throws ReflectiveOperationException {
            Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.get(instance);
        }
    }
}
