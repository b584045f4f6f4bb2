package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.exception.NotFoundException;
import io.github.multiarch.junit.internal.docker.Docker;
import org.junit.jupiter.api.Test;

/**
 * Pulling for the target platform, from a real registry on loopback (tools/registry.sh) that
 * holds one name for two platforms: 127.0.0.1:5000/multiarch-jre:17 (linux/s390x and linux/arm64).
 * With the classic image store a name holds one platform at a time (the last pulled); with the
 * containerd store (tools/test.sh runs this class against Docker 26 with it too) it holds every
 * platform pulled, and each container is created for its own.
 */
class PullTest {

    static final String MULTI_PLATFORM = System.getProperty("multiarch.test.image.multi", "127.0.0.1:5000/multiarch-jre:17");

    @Test
    void anImageIsPulledForTheTargetPlatformAndAnotherArchitectureUnderTheSameNameIsNeverUsed() {
        untag(MULTI_PLATFORM);

        // not present: pulled for linux/s390x, not for the host's platform
        Kit.run(OnS390x.class, "multiarch.image.s390x", MULTI_PLATFORM)
                .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertHolds(Architecture.of("s390x"));
        assertDoesNotHold(Architecture.of("arm64"));

        // now cached under that name for s390x only: an arm64 test detects it and pulls linux/arm64
        Kit.run(OnArm64.class, "multiarch.image.arm64", MULTI_PLATFORM)
                .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertHolds(Architecture.of("arm64"));
        if (SharedSession.docker().containerdStore()) { // one name, both platforms, each test on its own
            assertHolds(Architecture.of("s390x"));
            Kit.run(OnS390x.class, "multiarch.image.s390x", MULTI_PLATFORM)
                    .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        }

        untag(MULTI_PLATFORM);
    }

    private static void assertHolds(Architecture arch) {
        if (SharedSession.docker().containerdStore()) {
            assertThat(SharedSession.docker().canCreate(MULTI_PLATFORM, arch)).as("the engine holds " + arch).isTrue();
        } else {
            assertThat(SharedSession.docker().inspect(MULTI_PLATFORM).getArch()).isEqualTo(arch.imageArchitecture());
        }
    }

    private static void assertDoesNotHold(Architecture arch) {
        if (SharedSession.docker().containerdStore()) { // the engine refuses a container of a platform it lacks
            assertThat(SharedSession.docker().canCreate(MULTI_PLATFORM, arch)).as("the engine holds " + arch).isFalse();
        } else {
            assertThat(SharedSession.docker().inspect(MULTI_PLATFORM).getArch()).isNotEqualTo(arch.imageArchitecture());
        }
    }

    /** Removes the tag and the registry's digest references, so the next run starts with nothing pulled. */
    private static void untag(String image) {
        var inspect = SharedSession.docker().inspect(image);
        String repository = image.substring(0, image.lastIndexOf(':'));
        java.util.List<String> refs = new java.util.ArrayList<>(java.util.List.of(image));
        if (inspect != null && inspect.getRepoDigests() != null) {
            inspect.getRepoDigests().stream().filter(d -> d.startsWith(repository + "@")).forEach(refs::add);
        }
        for (String ref : refs) {
            try {
                SharedSession.docker().client().removeImageCmd(ref).withNoPrune(true).exec();
            } catch (NotFoundException | com.github.dockerjava.api.exception.ConflictException e) {
                // not there, or a running runtime still uses it: it goes with that runtime
            }
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
