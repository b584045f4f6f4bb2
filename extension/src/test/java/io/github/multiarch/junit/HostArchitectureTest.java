package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.MultiarchException;
import io.github.multiarch.junit.internal.arch.Architecture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import io.github.multiarch.junit.internal.docker.Docker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's own architecture needs no emulator; the bundle of the engine's architecture is chosen by itself. */
class HostArchitectureTest {

    private static final Architecture S390X = Architecture.of("s390x");

    @Test
    void theEnginesOwnArchitectureRunsNativelyWithNoProbeAndNoRegistrar() throws Exception {
        Architecture engine = SharedSession.docker().engineArchitecture();
        long since = RegistrationTest.now();

        Class<?> nativeTest = engine.platform().equals("arm64") ? NativeArm64.class : NativeAmd64.class;
        Kit.run(nativeTest, "multiarch.image." + engine.platform(), "multiarch-jre:17-" + engine.platform())
                .testEvents().assertStatistics(s -> s.started(1).succeeded(1));

        assertThat(createdSince(since)).as("containers created").containsExactly("runtime-" + engine.platform());
    }

    @Test
    void theBundleOfTheEnginesArchitectureIsChosenByItself() throws Exception {
        Architecture engine = SharedSession.docker().engineArchitecture();
        String other = engine.platform().equals("amd64") ? "arm64" : "amd64";
        String version = Configuration.VERSION;
        var client = SharedSession.docker().client();
        // a bundle name whose plain tag is the other architecture's, as after pulling it on the wrong machine
        client.tagImageCmd("multiarch-qemu-bundle:" + version + "-" + other, "multiarch-test-bundle", "1").exec();
        try {
            Binfmt.remove(S390X);
            Kit.run(RegistrationTest.Probe.class, "multiarch.bundle.image", "multiarch-test-bundle:1").allEvents()
                    .assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(MultiarchException.class),
                            message(m -> m.contains("multiarch-test-bundle:1 is built for linux/" + other)
                                    && m.contains("the engine runs on " + engine.dockerPlatform())
                                    && m.contains("no multiarch-test-bundle:1-" + engine.platform()))));

            client.tagImageCmd("multiarch-qemu-bundle:" + version, "multiarch-test-bundle", "1-" + engine.platform()).exec();
            Kit.run(RegistrationTest.Probe.class, "multiarch.bundle.image", "multiarch-test-bundle:1")
                    .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
            assertThat(Binfmt.entry(S390X).orElseThrow())
                    .contains("interpreter /usr/libexec/multiarch-qemu-bundle/" + version + "-" + engine.platform() + "/");
        } finally {
            for (String tag : List.of("multiarch-test-bundle:1", "multiarch-test-bundle:1-" + engine.platform())) {
                try {
                    client.removeImageCmd(tag).withNoPrune(true).exec();
                } catch (RuntimeException e) {
                    // not tagged
                }
            }
            if (Binfmt.entriesFor(S390X).isEmpty()) {
                Kit.run(RegistrationTest.Probe.class);
            }
        }
    }

    /** The purpose labels of the containers this project created since {@code since}. */
    private static List<String> createdSince(long since) throws InterruptedException {
        List<String> purposes = new ArrayList<>();
        SharedSession.docker().client().eventsCmd()
                .withSince(Long.toString(since))
                .withUntil(Long.toString(RegistrationTest.now() + 1))
                .withEventFilter("create")
                .withLabelFilter(Docker.LABEL)
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        purposes.add(event.getActor().getAttributes().get(Docker.LABEL));
                    }
                }).awaitCompletion(30, TimeUnit.SECONDS);
        return purposes;
    }

    @RunsOn("amd64")
    static class NativeAmd64 {
        @org.junit.jupiter.api.Test
        void runsNatively() {
            org.junit.jupiter.api.Assertions.assertEquals("amd64", System.getProperty("os.arch"));
        }
    }

    @RunsOn("arm64")
    static class NativeArm64 {
        @org.junit.jupiter.api.Test
        void runsNatively() {
            org.junit.jupiter.api.Assertions.assertEquals("aarch64", System.getProperty("os.arch"));
        }
    }
}
