package io.github.multiarch.junit.internal.docker.slf4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SLF4J binding of the extension's jar, used here unrelocated (in the jar, the relocated SLF4J
 * finds it; sample-tests run that): messages reach the {@link System.Logger} of their name, here
 * the JDK's java.util.logging, at the mapped level, formatted as SLF4J formats them; warnings are
 * one line on stderr while logging is unconfigured, as the extension's own.
 */
class SystemLoggerAdapterTest {

    private static final String NAME = "multiarch.test.slf4j.bridge";

    private final List<LogRecord> records = new ArrayList<>();
    private final Logger jul = Logger.getLogger(NAME);
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        jul.setUseParentHandlers(false);
        jul.addHandler(handler);
    }

    @AfterEach
    void release() {
        jul.removeHandler(handler);
        jul.setUseParentHandlers(true);
        jul.setLevel(null);
    }

    private static org.slf4j.Logger slf4j() {
        return StaticLoggerBinder.getSingleton().getLoggerFactory().getLogger(NAME);
    }

    @Test
    void theirInformationIsADetailOfOurs() {
        assertThat(SystemLoggerAdapter.level("TRACE")).isEqualTo(Level.TRACE);
        assertThat(SystemLoggerAdapter.level("DEBUG")).isEqualTo(Level.DEBUG);
        assertThat(SystemLoggerAdapter.level("INFO")).isEqualTo(Level.DEBUG);
        assertThat(SystemLoggerAdapter.level("WARN")).isEqualTo(Level.WARNING);
        assertThat(SystemLoggerAdapter.level("ERROR")).isEqualTo(Level.ERROR);
    }

    @Test
    void detailsReachTheLoggerOfTheirNameFormattedOnlyWhenItListens() {
        jul.setLevel(java.util.logging.Level.INFO); // the JDK's default
        assertThat(slf4j().isInfoEnabled()).isFalse();
        slf4j().info("Found Docker environment with {}", "local Unix socket");
        assertThat(records).isEmpty();

        jul.setLevel(java.util.logging.Level.ALL);
        assertThat(slf4j().isInfoEnabled()).isTrue();
        slf4j().info("Found Docker environment with {}", "local Unix socket");
        IOException cause = new IOException("refused");
        slf4j().debug("Trying out strategy {} failed", "UnixSocketClientProviderStrategy", cause);
        slf4j().trace("raw {} text");

        assertThat(records).extracting(LogRecord::getLevel, LogRecord::getMessage).containsExactly(
                org.assertj.core.groups.Tuple.tuple(java.util.logging.Level.FINE,
                        "Found Docker environment with local Unix socket"),
                org.assertj.core.groups.Tuple.tuple(java.util.logging.Level.FINE,
                        "Trying out strategy UnixSocketClientProviderStrategy failed"),
                org.assertj.core.groups.Tuple.tuple(java.util.logging.Level.FINER, "raw {} text"));
        assertThat(records.get(1).getThrown()).as("a last argument that is a throwable is the cause").isSameAs(cause);
        assertThat(records.get(0).getLoggerName()).isEqualTo(NAME);
    }

    @Test
    void warningsAreOneLineOnStderrWhileLoggingIsUnconfigured() {
        // this build's test JVM configures no logging (LogTest): the extension's own warnings are stderr lines
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(slf4j().isWarnEnabled()).isTrue();
            slf4j().warn("Could not determine Docker OS type");
            slf4j().error("Could not find a valid Docker environment: {}", "none", new IllegalStateException("gone"));
        } finally {
            System.setErr(err);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "[multiarch] Could not determine Docker OS type",
                "[multiarch] Could not find a valid Docker environment: none: java.lang.IllegalStateException: gone");
    }
}
