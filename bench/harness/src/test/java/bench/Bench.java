package bench;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The benchmark's driver: runs each named test class as its own JUnit Launcher request, in
 * order, in this JVM, and writes one line per test and per class container with the epoch
 * microseconds of executionStarted and executionFinished (from one nanoTime clock anchored
 * once, so durations are exact and the epoch lines up with {@code docker events}).
 *
 * <pre>java -cp TEST_CLASSPATH bench.Bench EVENTS.tsv STDERR.tsv CLASS...</pre>
 *
 * <p>STDERR.tsv gets every line this JVM writes to System.err (the extension's
 * {@code [multiarch] s390x JVM ready in ...}), each with its epoch microseconds. The exit code
 * is 1 when a test did not succeed. The lines of EVENTS.tsv:
 * <pre>
 * jvm      PID  -  -          jvmStartUs  mainUs      -
 * req      N  C  class        startUs     endUs       STATUS    (the class container)
 * req      N  T  displayName  startUs     endUs       STATUS    (a test)
 * </pre>
 */
public final class Bench {

    private static final long ANCHOR_NANO = System.nanoTime();
    private static final Instant ANCHOR = Instant.now();

    static long nowUs() {
        return ANCHOR.getEpochSecond() * 1_000_000L + ANCHOR.getNano() / 1_000 + (System.nanoTime() - ANCHOR_NANO) / 1_000;
    }

    public static void main(String[] args) throws Exception {
        long mainUs = nowUs();
        if (args.length < 3) {
            System.err.println("usage: bench.Bench EVENTS.tsv STDERR.tsv CLASS...");
            System.exit(2);
        }
        Path events = Path.of(args[0]);
        PrintStream timestampedErr = new PrintStream(new LineStamper(System.err, new FileOutputStream(args[1])), true,
                StandardCharsets.UTF_8);
        System.setErr(timestampedErr);
        List<String> lines = new ArrayList<>();
        long jvmStartUs = ManagementFactory.getRuntimeMXBean().getStartTime() * 1000L;
        lines.add(String.join("\t", "jvm", Long.toString(ProcessHandle.current().pid()), "-", "-", Long.toString(jvmStartUs), Long.toString(mainUs), "-"));
        boolean allOk = true;
        // one launcher session, closed at the end as Surefire and Gradle close theirs (the extension
        // stops its runtimes then, and leaves one for the next run with multiarch.keepAlive)
        org.junit.platform.launcher.LauncherSession session = LauncherFactory.openSession();
        Launcher launcher = session.getLauncher();
        for (int i = 2; i < args.length; i++) {
            int req = i - 1;
            Recorder recorder = new Recorder(req, lines);
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(args[i]))
                    .build();
            launcher.execute(request, recorder);
            System.out.printf("bench: request %d %s: %d tests, %d not successful, class %.3f s%n", req, args[i],
                    recorder.tests, recorder.notOk, recorder.classUs / 1e6);
            if (recorder.tests == 0 || recorder.notOk > 0) {
                allOk = false;
                recorder.failures.forEach(f -> System.out.println("bench:   " + f));
            }
        }
        session.close();
        Files.write(events, lines, StandardCharsets.UTF_8);
        System.out.flush();
        timestampedErr.flush();
        System.exit(allOk ? 0 : 1);
    }

    /** Records start and finish of tests and class containers. */
    static final class Recorder implements TestExecutionListener {
        private final int req;
        private final List<String> lines;
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        final List<String> failures = new ArrayList<>();
        int tests;
        int notOk;
        long classUs;

        Recorder(int req, List<String> lines) {
            this.req = req;
            this.lines = lines;
        }

        private static boolean isClass(TestIdentifier id) {
            return id.isContainer() && id.getSource().map(s -> s instanceof org.junit.platform.engine.support.descriptor.ClassSource)
                    .orElse(false);
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            if (id.isTest() || isClass(id)) {
                started.put(id.getUniqueId(), nowUs());
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            long end = nowUs();
            Long start = started.get(id.getUniqueId());
            if (start == null) {
                return;
            }
            String status = result.getStatus().name();
            if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
                notOk++;
                failures.add(id.getDisplayName() + ": " + status + " " + result.getThrowable().map(Throwable::toString).orElse(""));
            }
            if (id.isTest()) {
                tests++;
            } else {
                classUs = end - start;
            }
            synchronized (lines) {
                lines.add(String.join("\t", "req", Integer.toString(req), id.isTest() ? "T" : "C",
                        id.getDisplayName().replace('\t', ' '), Long.toString(start), Long.toString(end), status));
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (id.isTest()) {
                notOk++;
                failures.add(id.getDisplayName() + ": SKIPPED " + reason);
            }
        }
    }

    /** Passes bytes through and writes each complete line, prefixed with its epoch microseconds, to a file. */
    static final class LineStamper extends OutputStream {
        private final OutputStream through;
        private final PrintWriter file;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        LineStamper(OutputStream through, OutputStream file) {
            this.through = through;
            this.file = new PrintWriter(new java.io.OutputStreamWriter(file, StandardCharsets.UTF_8), true);
        }

        @Override
        public synchronized void write(int b) throws IOException {
            through.write(b);
            if (b == '\n') {
                file.println(nowUs() + "\t" + pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            } else {
                pending.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() throws IOException {
            through.flush();
            file.flush();
        }
    }
}
