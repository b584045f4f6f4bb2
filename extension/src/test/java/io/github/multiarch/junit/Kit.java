package io.github.multiarch.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs test classes through the Jupiter engine, against the real Docker engine and kernel. */
final class Kit {

    /** The JVM images the suite uses; tools/jre-images.sh builds them. */
    static final String S390X_IMAGE = System.getProperty("multiarch.test.image.s390x", "multiarch-jre:17-s390x");
    static final String ARM64_IMAGE = System.getProperty("multiarch.test.image.arm64", "multiarch-jre:17-arm64");

    private Kit() {
    }

    /** The Jupiter engine's test kit, its runs requests of this JVM's launcher session ({@link SharedSession}). */
    static EngineTestKit.Builder engine() {
        return EngineTestKit.engine(new SharedSession.Engine());
    }

    /** {@code engine}'s test kit (an engine that runs Jupiter's, under id {@code id}), its runs requests of this JVM's launcher session. */
    static EngineTestKit.Builder engineKit(org.junit.platform.engine.TestEngine engine, String id) {
        return EngineTestKit.engine(new SharedSession.Engine(engine, id));
    }

    /** Runs {@code testClass} with the suite's images plus {@code keyValues} (key, value, key, value...). */
    static EngineExecutionResults run(Class<?> testClass, String... keyValues) {
        EngineTestKit.Builder kit = engine()
                .selectors(selectClass(testClass))
                .configurationParameter("multiarch.image.s390x", S390X_IMAGE)
                .configurationParameter("multiarch.image.arm64", ARM64_IMAGE);
        for (int i = 0; i < keyValues.length; i += 2) {
            kit = kit.configurationParameter(keyValues[i], keyValues[i + 1]);
        }
        return kit.execute();
    }

    /**
     * The {@code jvm} entries the tests of {@code results} published with their {@code TestReporter}, in order
     * (the fixtures publish which JVM, e.g. which container, runs them).
     */
    static java.util.List<String> reportedJvms(EngineExecutionResults results) {
        return results.allEvents().reportingEntryPublished()
                .map(e -> e.getRequiredPayload(org.junit.platform.engine.reporting.ReportEntry.class))
                .map(entry -> entry.getKeyValuePairs().get("jvm")).toList();
    }

    /**
     * Waits (up to 10 minutes) until a fixture's test, run by {@code run}, wrote its container's id
     * into {@code marker}; returns it. Fails when the run ends first.
     */
    static String awaitMarker(java.nio.file.Path marker, java.util.concurrent.CompletableFuture<EngineExecutionResults> run)
            throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.exists(marker) && !java.nio.file.Files.readString(marker).isBlank()) {
                return java.nio.file.Files.readString(marker).trim();
            }
            if (run.isDone()) {
                throw new AssertionError("The fixture's run ended before its first test started: " + run.get()
                        .allEvents().failed().stream().map(Object::toString).toList());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("The fixture's first test did not start within 10 minutes");
    }

    /**
     * A discovery request with only the configuration parameters {@code keyValues} (key, value, key,
     * value...), none from system properties or {@code junit-platform.properties}: for calling the
     * extension's discovery listeners directly.
     */
    static org.junit.platform.launcher.LauncherDiscoveryRequest discoveryRequest(String... keyValues) {
        var builder = org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request()
                .enableImplicitConfigurationParameters(false);
        for (int i = 0; i < keyValues.length; i += 2) {
            builder.configurationParameter(keyValues[i], keyValues[i + 1]);
        }
        return builder.build();
    }

    /** Whether the engine still has {@code container}. */
    static boolean containerExists(String container) {
        try {
            SharedSession.docker().client().inspectContainerCmd(container).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        }
    }

    /** What {@code action} printed to the host's {@code System.out} and {@code System.err}, with its result. */
    static <T> Captured<T> capture(Supplier<T> action) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new TeeStream(out, outBytes), true));
        System.setErr(new PrintStream(new TeeStream(err, errBytes), true));
        try {
            T value = action.get();
            return new Captured<>(value, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    record Captured<T>(T value, String out, String err) {
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final PrintStream a;
        private final ByteArrayOutputStream b;

        TeeStream(PrintStream a, ByteArrayOutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
