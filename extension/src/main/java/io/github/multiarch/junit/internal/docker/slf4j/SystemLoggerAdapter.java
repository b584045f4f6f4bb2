package io.github.multiarch.junit.internal.docker.slf4j;

import io.github.multiarch.junit.internal.arch.Log;
import java.lang.System.Logger.Level;
import org.slf4j.helpers.FormattingTuple;
import org.slf4j.helpers.MarkerIgnoringBase;
import org.slf4j.helpers.MessageFormatter;

/**
 * An SLF4J logger that hands each message to the {@link System.Logger} of the same name, through
 * {@link Log#library}. The levels: {@code TRACE} and {@code DEBUG} as they are; {@code INFO} at
 * {@code DEBUG}, because what Testcontainers and docker-java report as information ("Found Docker
 * environment with ...") is a detail of the extension's own work, which reports its progress
 * itself; {@code WARN} at {@code WARNING} and {@code ERROR} at {@code ERROR}.
 *
 * @since 0.2.0
 */
final class SystemLoggerAdapter extends MarkerIgnoringBase {

    private static final long serialVersionUID = 1L;

    private final transient System.Logger logger;

    SystemLoggerAdapter(String name) {
        this.name = name;
        this.logger = System.getLogger(name);
    }

    /** The {@link System.Logger} level of an SLF4J level ({@code "INFO"} etc.). */
    static Level level(String slf4jLevel) {
        return switch (slf4jLevel) {
            case "TRACE" -> Level.TRACE;
            case "DEBUG", "INFO" -> Level.DEBUG;
            case "WARN" -> Level.WARNING;
            case "ERROR" -> Level.ERROR;
            default -> throw new IllegalArgumentException("not an SLF4J level: " + slf4jLevel);
        };
    }

    private static final Level TRACE = level("TRACE");
    private static final Level DEBUG = level("DEBUG");
    private static final Level INFO = level("INFO");
    private static final Level WARN = level("WARN");
    private static final Level ERROR = level("ERROR");

    private boolean enabled(Level level) {
        return Log.libraryLogs(logger, level);
    }

    private void log(Level level, String message, Throwable thrown) {
        if (enabled(level)) {
            Log.library(logger, level, message, thrown);
        }
    }

    /** {@code format} with SLF4J's {@code {}} placeholders; a last argument that is a throwable and has none is the cause. */
    private void format(Level level, String format, Object... arguments) {
        if (enabled(level)) {
            FormattingTuple tuple = MessageFormatter.arrayFormat(format, arguments);
            Log.library(logger, level, tuple.getMessage(), tuple.getThrowable());
        }
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(TRACE);
    }

    @Override
    public void trace(String msg) {
        log(TRACE, msg, null);
    }

    @Override
    public void trace(String format, Object arg) {
        format(TRACE, format, arg);
    }

    @Override
    public void trace(String format, Object arg1, Object arg2) {
        format(TRACE, format, arg1, arg2);
    }

    @Override
    public void trace(String format, Object... arguments) {
        format(TRACE, format, arguments);
    }

    @Override
    public void trace(String msg, Throwable t) {
        log(TRACE, msg, t);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(DEBUG);
    }

    @Override
    public void debug(String msg) {
        log(DEBUG, msg, null);
    }

    @Override
    public void debug(String format, Object arg) {
        format(DEBUG, format, arg);
    }

    @Override
    public void debug(String format, Object arg1, Object arg2) {
        format(DEBUG, format, arg1, arg2);
    }

    @Override
    public void debug(String format, Object... arguments) {
        format(DEBUG, format, arguments);
    }

    @Override
    public void debug(String msg, Throwable t) {
        log(DEBUG, msg, t);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(INFO);
    }

    @Override
    public void info(String msg) {
        log(INFO, msg, null);
    }

    @Override
    public void info(String format, Object arg) {
        format(INFO, format, arg);
    }

    @Override
    public void info(String format, Object arg1, Object arg2) {
        format(INFO, format, arg1, arg2);
    }

    @Override
    public void info(String format, Object... arguments) {
        format(INFO, format, arguments);
    }

    @Override
    public void info(String msg, Throwable t) {
        log(INFO, msg, t);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(WARN);
    }

    @Override
    public void warn(String msg) {
        log(WARN, msg, null);
    }

    @Override
    public void warn(String format, Object arg) {
        format(WARN, format, arg);
    }

    @Override
    public void warn(String format, Object arg1, Object arg2) {
        format(WARN, format, arg1, arg2);
    }

    @Override
    public void warn(String format, Object... arguments) {
        format(WARN, format, arguments);
    }

    @Override
    public void warn(String msg, Throwable t) {
        log(WARN, msg, t);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(ERROR);
    }

    @Override
    public void error(String msg) {
        log(ERROR, msg, null);
    }

    @Override
    public void error(String format, Object arg) {
        format(ERROR, format, arg);
    }

    @Override
    public void error(String format, Object arg1, Object arg2) {
        format(ERROR, format, arg1, arg2);
    }

    @Override
    public void error(String format, Object... arguments) {
        format(ERROR, format, arguments);
    }

    @Override
    public void error(String msg, Throwable t) {
        log(ERROR, msg, t);
    }
}
