package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Log;

/**
 * Timing of the harness's own steps, for finding where a slow first test spends its time: at
 * {@code DEBUG} on the extension's logger ({@link Log}), and as progress lines ({@code INFO}: on
 * stderr when logging is unconfigured) with {@code -Dmultiarch.trace=true}. Off otherwise.
 *
 * @since 0.1.0
 */
final class Trace {

    private static final boolean ON = Boolean.getBoolean("multiarch.trace");

    private Trace() {
    }

    /** When tracing, says how long {@code name} took since {@code startNanos}. */
    static void took(String name, long startNanos) {
        if (on()) {
            say(name, startNanos);
        }
    }

    /** Runs {@code step} and, when tracing, says how long it took. */
    static <T> T step(String name, java.util.function.Supplier<T> step) {
        if (!on()) {
            return step.get();
        }
        long t0 = System.nanoTime();
        try {
            return step.get();
        } finally {
            say(name, t0);
        }
    }

    private static boolean on() {
        return ON || Log.debugging();
    }

    private static void say(String name, long startNanos) {
        String line = String.format("trace: %s took %d ms", name, (System.nanoTime() - startNanos) / 1_000_000);
        if (ON) {
            Log.progress(line);
        } else {
            Log.debug(line);
        }
    }
}
