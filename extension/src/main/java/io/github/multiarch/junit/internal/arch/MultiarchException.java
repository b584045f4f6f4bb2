package io.github.multiarch.junit.internal.arch;

/**
 * The machinery of a remote run failed (Docker not reachable, an image of the wrong
 * architecture, an emulator that cannot be registered, a remote JVM that died): the test that
 * needed it fails with this exception, whose message says what happened and how to fix it.
 *
 * @since 0.1.0
 */
public class MultiarchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public MultiarchException(String message) {
        super(message);
    }

    public MultiarchException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * This machine cannot run the architecture at all: no Docker engine in reach, or no emulator
     * that can be registered. With {@code multiarch.unavailable=skip} the tests that need it are
     * reported as aborted, with this message, instead of failed.
     *
     * @since 0.2.0
     */
    public static class Unavailable extends MultiarchException {

        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
