package io.github.multiarch.junit.internal.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.Info;
import io.github.multiarch.junit.internal.arch.MultiarchException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which engines can be trusted to give a container the platform asked for (pure logic; the engines themselves in CurrentEngineTest). */
class PlatformSelectionTest {

    private static Info engine(String version, String driverType) {
        Info info = new Info().withServerVersion(version);
        return driverType == null ? info.withDriverStatuses(List.of(List.of("Backing Filesystem", "extfs")))
                : info.withDriverStatuses(List.of(List.of("driver-type", driverType)));
    }

    @Test
    void theContainerdImageStoreIsRecognisedByItsDriverType() {
        assertThat(Docker.containerdStore(engine("26.1.5", "io.containerd.snapshotter.v1"))).isTrue();
        assertThat(Docker.containerdStore(engine("20.10.24", null))).isFalse();
        assertThat(Docker.containerdStore(new Info())).isFalse();
    }

    @Test
    void theClassicStoreIsAcceptedAtAnyApiBecauseEachImageIdHasOneArchitecture() {
        assertThatCode(() -> Docker.requirePlatformSelection(engine("20.10.24", null), "1.41")).doesNotThrowAnyException();
        assertThatCode(() -> Docker.requirePlatformSelection(engine("19.03.15", null), "1.40")).doesNotThrowAnyException();
    }

    @Test
    void theContainerdStoreNeedsApi144() {
        assertThatCode(() -> Docker.requirePlatformSelection(engine("26.1.5", "io.containerd.snapshotter.v1"), "1.45"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> Docker.requirePlatformSelection(engine("24.0.7", "io.containerd.snapshotter.v1"), "1.43"))
                .isInstanceOf(MultiarchException.class)
                .hasMessageContaining("Docker engine (24.0.7, API 1.43)")
                .hasMessageContaining("containerd image store")
                .hasMessageContaining("Upgrade the engine to Docker 25 or newer")
                .hasMessageContaining("\"containerd-snapshotter\": false");
    }

    @Test
    void versionsCompareByNumberNotText() {
        assertThat(Docker.compareVersions("1.41", "1.44")).isNegative();
        assertThat(Docker.compareVersions("1.100", "1.44")).isPositive();
        assertThat(Docker.compareVersions("1.44", "1.44.0")).isZero();
        assertThat(Docker.compareVersions("2", "1.44")).isPositive();
    }
}
