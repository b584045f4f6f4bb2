package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/** {@code multiarch.keepAlive}'s values: none, a duration from 1 s to 24 h, or a clear refusal. */
class KeepAliveSettingTest {

    @Test
    void nothingOrZeroLeavesNone() {
        assertThat(Configuration.keepAlive("")).isNull();
        assertThat(Configuration.keepAlive("  ")).isNull();
        assertThat(Configuration.keepAlive("0")).isNull();
        assertThat(Configuration.keepAlive("0m")).isNull();
    }

    @Test
    void aDurationInTheSettingsFormat() {
        assertThat(Configuration.keepAlive("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Configuration.keepAlive("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Configuration.keepAlive(" 1 h ")).isEqualTo(Duration.ofHours(1));
        assertThat(Configuration.keepAlive("24h")).isEqualTo(Duration.ofHours(24));
    }

    @Test
    void anythingElseIsRefusedWithTheFormat() {
        for (String bad : new String[] {"forever", "25h", "500ms", "-5m", "10 minutes", "true"}) {
            assertThatThrownBy(() -> Configuration.keepAlive(bad)).as(bad)
                    .isInstanceOf(ExtensionConfigurationException.class)
                    .hasMessage("Configuration parameter multiarch.keepAlive=" + bad + " is not valid: give how long a"
                            + " JVM left for the next run may wait for it, from 1 s to 24 h: a number of seconds, or a"
                            + " number with s, m or h (e.g. 10m); 0 or nothing leaves none (the default).");
        }
    }
}
