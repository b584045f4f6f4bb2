package io.github.multiarch.junit.internal.remote;

/**
 * Stands in for a remote exception whose class the host cannot rebuild: it keeps the original
 * class name (shown first by {@link #toString()}), message and remote stack trace, and is an
 * {@link AssertionError} when the original was one, so the test is reported failed, not errored.
 *
 * @since 0.1.0
 */
public interface RemoteThrowable {

    /** The fully qualified class name of the original remote exception. */
    String originalClassName();

    /** Whether the original was an {@link AssertionError}. */
    boolean wasAssertionError();

    /** How a placeholder prints: like the original, {@code original.ClassName: message}. */
    static String describe(String originalClassName, String message) {
        return message == null ? originalClassName : originalClassName + ": " + message;
    }

    /** Placeholder for a remote {@link AssertionError}. */
    final class AssertionFailure extends AssertionError implements RemoteThrowable {
        private static final long serialVersionUID = 1L;
        private final String originalClassName;

        public AssertionFailure(String originalClassName, String message) {
            super(message);
            this.originalClassName = originalClassName;
        }

        @Override
        public String originalClassName() {
            return originalClassName;
        }

        @Override
        public boolean wasAssertionError() {
            return true;
        }

        @Override
        public String toString() {
            return RemoteThrowable.describe(originalClassName, getLocalizedMessage());
        }
    }

    /** Placeholder for any other remote throwable. */
    final class Error extends RuntimeException implements RemoteThrowable {
        private static final long serialVersionUID = 1L;
        private final String originalClassName;

        public Error(String originalClassName, String message) {
            super(message);
            this.originalClassName = originalClassName;
        }

        @Override
        public String originalClassName() {
            return originalClassName;
        }

        @Override
        public boolean wasAssertionError() {
            return false;
        }

        @Override
        public String toString() {
            return RemoteThrowable.describe(originalClassName, getLocalizedMessage());
        }
    }
}
