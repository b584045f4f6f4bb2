package io.github.multiarch.junit;

/**
 * Opt-in timing of the harness's own steps, on stderr: {@code -Dmultiarch.trace=true}. For
 * finding where a slow first test spends its time; off by default.
 *
 * @since 0.1.0
 */
final class Trace {

    private static final boolean ON = Boolean.getBoolean("multiarch.trace");

    private Trace() {
    }

    /** When tracing, prints how long {@code name} took since {@code startNanos}. */
    static void took(String name, long startNanos) {
        if (ON) {
            System.err.printf("[multiarch] trace: %s took %d ms%n", name, (System.nanoTime() - startNanos) / 1_000_000);
        }
    }

    /** Runs {@code step} and, when tracing, prints how long it took. */
    static <T> T step(String name, java.util.function.Supplier<T> step) {
        if (!ON) {
            return step.get();
        }
        long t0 = System.nanoTime();
        try {
            return step.get();
        } finally {
            System.err.printf("[multiarch] trace: %s took %d ms%n", name, (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
