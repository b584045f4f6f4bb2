package io.github.multiarch.junit.internal.arch;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The extension's own messages, through one {@link System.Logger} named after the extension's
 * root package ({@link #NAME}), so that whatever logging the user's build has set up picks them
 * up.
 * <ul>
 * <li>{@link #progress}: the one-line progress messages a user sees today ("[multiarch] s390x
 * JVM ready in ..."), at {@code INFO}.</li>
 * <li>{@link #warn}: something went wrong that the run survives, at {@code WARNING}.</li>
 * <li>{@link #debug}: details, and every exception the extension deliberately swallows, with
 * the reason it is harmless, at {@code DEBUG}.</li>
 * </ul>
 * Callers pass the text without the {@code "[multiarch] "} prefix.
 * <p>
 * Where progress and warnings go is decided once, when this class is loaded
 * ({@link #consoleLines}): when logging is the JDK's default and unconfigured (the JDK's own
 * {@link System.LoggerFinder}, and none of {@code java.util.logging.config.file},
 * {@code java.util.logging.config.class} or {@code java.util.logging.manager} set), they are
 * printed as today's single lines on {@code System.err}, {@code "[multiarch] " + message},
 * because java.util.logging's default console format would turn each into two lines with a
 * time stamp. Otherwise (a user's {@code LoggerFinder} such as SLF4J's
 * {@code slf4j-jdk-platform-logging} or Log4j's {@code log4j-jpl}, or a configured
 * java.util.logging) they go to the logger only. Debug messages always go to the logger only
 * (hidden by the JDK's default {@code INFO} level).
 *
 * @since 0.2.0
 */
public final class Log {

    /**
     * The logger's name: the extension's root package (derived, so that this leaf package names
     * no other package of the project).
     */
    public static final String NAME = Log.class.getPackageName().replace(".internal.arch", "");

    /** The prefix of each line printed on {@code System.err}. */
    public static final String PREFIX = "[multiarch] ";

    private static final Logger LOGGER = System.getLogger(NAME);

    /** Whether progress and warnings are printed as one line on {@code System.err}. */
    private static final boolean CONSOLE =
            consoleLines(System.LoggerFinder.getLoggerFinder().getClass().getName(), System::getProperty);

    private Log() {
    }

    /** A one-line progress message a user sees ({@code INFO}). */
    public static void progress(String message) {
        if (CONSOLE) {
            System.err.println(PREFIX + message);
        } else {
            LOGGER.log(Level.INFO, message);
        }
    }

    /** Something went wrong that the run survives ({@code WARNING}). */
    public static void warn(String message) {
        if (CONSOLE) {
            System.err.println(PREFIX + message);
        } else {
            LOGGER.log(Level.WARNING, message);
        }
    }

    /**
     * Something went wrong that the run survives, because of {@code cause} ({@code WARNING}). On
     * {@code System.err} this is one line, {@code message + ": " + cause}, and the stack trace
     * goes to the logger at {@code DEBUG}; through the logger, the message with the stack trace.
     */
    public static void warn(String message, Throwable cause) {
        if (CONSOLE) {
            System.err.println(PREFIX + message + ": " + cause);
            LOGGER.log(Level.DEBUG, message, cause);
        } else {
            LOGGER.log(Level.WARNING, message, cause);
        }
    }

    /** A detail ({@code DEBUG}), on the logger only. */
    public static void debug(String message) {
        LOGGER.log(Level.DEBUG, message);
    }

    /** A detail built only when debug logging is on ({@code DEBUG}), on the logger only. */
    public static void debug(Supplier<String> message) {
        LOGGER.log(Level.DEBUG, message);
    }

    /**
     * An exception deliberately swallowed ({@code DEBUG}), on the logger only: {@code why} says
     * what failed and why the run carries on regardless.
     */
    public static void debug(String why, Throwable swallowed) {
        LOGGER.log(Level.DEBUG, why, swallowed);
    }

    /**
     * A message of a library packaged inside the extension's jar (Testcontainers and docker-java, whose
     * SLF4J logging {@code internal.docker.slf4j} hands over), to {@code logger}, the logger of the
     * library's name (under {@link #NAME}: their classes are relocated below it). {@code WARNING} and
     * {@code ERROR} are printed as one line on {@code System.err} when progress and warnings are
     * ({@link #consoleLines}), the throwable then going to the logger at {@code DEBUG}, as in
     * {@link #warn(String, Throwable)}; the rest goes to the logger only.
     *
     * @since 0.2.0
     */
    public static void library(Logger logger, Level level, String message, Throwable thrown) {
        if (CONSOLE && level.getSeverity() >= Level.WARNING.getSeverity()) {
            System.err.println(PREFIX + message + (thrown == null ? "" : ": " + thrown));
            if (thrown != null) {
                logger.log(Level.DEBUG, message, thrown);
            }
        } else {
            logger.log(level, message, thrown);
        }
    }

    /** Whether {@link #library} with that logger and level shows the message anywhere (to spare formatting it). */
    public static boolean libraryLogs(Logger logger, Level level) {
        return (CONSOLE && level.getSeverity() >= Level.WARNING.getSeverity()) || logger.isLoggable(level);
    }

    /** Whether debug messages are logged (to spare building costly ones). */
    public static boolean debugging() {
        return LOGGER.isLoggable(Level.DEBUG);
    }

    /**
     * Whether progress and warnings are printed as single lines on {@code System.err}: only when
     * logging is the JDK's own and unconfigured. A pure function, for the tests.
     *
     * @param finderClass the class name of the {@link System.LoggerFinder} in use
     * @param property    the system properties ({@code System::getProperty})
     */
    static boolean consoleLines(String finderClass, UnaryOperator<String> property) {
        boolean jdkFinder = finderClass.equals("sun.util.logging.internal.LoggingProviderImpl")
                || finderClass.equals("jdk.internal.logger.DefaultLoggerFinder");
        return jdkFinder
                && unset(property.apply("java.util.logging.config.file"))
                && unset(property.apply("java.util.logging.config.class"))
                && unset(property.apply("java.util.logging.manager"));
    }

    private static boolean unset(String value) {
        return value == null || value.isBlank();
    }
}
