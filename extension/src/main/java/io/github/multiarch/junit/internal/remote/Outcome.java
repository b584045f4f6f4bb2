package io.github.multiarch.junit.internal.remote;

/**
 * How a remote test or class ended, as carried in {@link Message.Result} and
 * {@link Message.Finished} messages.
 *
 * @since 0.1.0
 */
public enum Outcome {
    /** The remote JVM ran it and it passed. */
    SUCCESSFUL,
    /** The remote JVM ran it and it failed; the frame carries the failure. */
    FAILED,
    /** A failed assumption: report as aborted (skipped). */
    ABORTED,
    /** The remote JUnit run never reached it (filtered, disabled or ordered differently there). */
    NOT_RUN
}
