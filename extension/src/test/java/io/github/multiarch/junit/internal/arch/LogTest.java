package io.github.multiarch.junit.internal.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Where {@link Log} sends progress and warnings: one line on stderr only when logging is the
 * JDK's own and unconfigured, the logger otherwise.
 */
class LogTest {

    private static final String JUL_FINDER = "sun.util.logging.internal.LoggingProviderImpl";
    private static final String BASE_FINDER = "jdk.internal.logger.DefaultLoggerFinder";

    private static boolean console(String finder, String... properties) {
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i < properties.length; i += 2) {
            map.put(properties[i], properties[i + 1]);
        }
        return Log.consoleLines(finder, map::get);
    }

    @Test
    void theJdksOwnUnconfiguredLoggingKeepsTheOneLineMessagesOnStderr() {
        assertThat(console(JUL_FINDER)).isTrue();
        assertThat(console(BASE_FINDER)).isTrue();
        assertThat(console(JUL_FINDER, "java.util.logging.config.file", " ")).as("a blank setting is no setting").isTrue();
    }

    @Test
    void aUsersLoggerFinderGetsEverything() {
        assertThat(console("org.slf4j.jdk.platform.logging.SLF4JSystemLoggerFinder")).isFalse();
        assertThat(console("org.apache.logging.log4j.jpl.Log4jSystemLoggerFinder")).isFalse();
    }

    @Test
    void aConfiguredJavaUtilLoggingGetsEverything() {
        assertThat(console(JUL_FINDER, "java.util.logging.config.file", "/etc/logging.properties")).isFalse();
        assertThat(console(JUL_FINDER, "java.util.logging.config.class", "com.example.LogSetup")).isFalse();
        assertThat(console(JUL_FINDER, "java.util.logging.manager", "org.apache.logging.log4j.jul.LogManager")).isFalse();
    }

    @Test
    void theDecisionInThisJvmIsTheJdksDefault() {
        assertThat(System.LoggerFinder.getLoggerFinder().getClass().getName())
                .as("the finder names this test knows as the JDK's").isIn(JUL_FINDER, BASE_FINDER);
    }

    @Test
    void theLoggerIsNamedAfterTheRootPackage() {
        assertThat(Log.NAME).isEqualTo(Log.class.getPackageName().substring(0, Log.class.getPackageName().indexOf(".internal")));
        assertThat(Log.NAME).endsWith(".junit").doesNotContain("internal");
    }
}
