package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import io.github.multiarch.junit.runtime.Docker;
import org.junit.jupiter.api.Test;

/**
 * Pulling for the target platform, from a real registry on loopback (tools/registry.sh) that
 * holds one name for two platforms: 127.0.0.1:5000/multiarch-jre:17 (linux/s390x and linux/arm64).
 */
class PullTest {

    static final String MULTI_PLATFORM = System.getProperty("multiarch.test.image.multi", "127.0.0.1:5000/multiarch-jre:17");

    @Test
    void anImageIsPulledForTheTargetPlatformAndAnotherArchitectureUnderTheSameNameIsNeverUsed() {
        untag(MULTI_PLATFORM);

        // not present: pulled for linux/s390x, not for the host's platform
        Kit.run(OnS390x.class, "multiarch.image.s390x", MULTI_PLATFORM)
                .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(Docker.get().inspect(MULTI_PLATFORM).getArch()).isEqualTo("s390x");

        // now cached under that name for s390x: an arm64 test detects it and pulls linux/arm64
        Kit.run(OnArm64.class, "multiarch.image.arm64", MULTI_PLATFORM)
                .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(Docker.get().inspect(MULTI_PLATFORM).getArch()).isEqualTo("arm64");

        untag(MULTI_PLATFORM);
    }

    private static void untag(String image) {
        try {
            Docker.get().client().removeImageCmd(image).withNoPrune(true).withForce(true).exec();
        } catch (NotFoundException e) {
            // not there
        }
    }

    @RunsOn("s390x")
    static class OnS390x {
        @Test
        void runsOnS390x() {
            org.junit.jupiter.api.Assertions.assertEquals("s390x", System.getProperty("os.arch"));
        }
    }

    @RunsOn("arm64")
    static class OnArm64 {
        @Test
        void runsOnAarch64() {
            org.junit.jupiter.api.Assertions.assertEquals("aarch64", System.getProperty("os.arch"));
        }
    }
}
