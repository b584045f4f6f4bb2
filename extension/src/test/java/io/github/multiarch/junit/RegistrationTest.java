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

/**
 * Registration through the QEMU bundle, against the real kernel and engine: the test removes the
 * s390x entry first, as on a machine that never had it.
 */
class RegistrationTest {

    private static final Architecture S390X = Architecture.of("s390x");

    @Test
    void aMissingEmulatorIsRegisteredWithTheFFlagAndAUsableOneIsLeftAlone() throws Exception {
        Binfmt.remove(S390X);
        assertThat(Binfmt.entriesFor(S390X)).isEmpty();

        // never: only check, fail with the command that fixes it, start nothing privileged
        long t0 = now();
        Kit.run(Probe.class, "multiarch.binfmt.install", "never").allEvents().assertThatEvents()
                .haveExactly(1, finishedWithFailure(instanceOf(MultiarchException.class), message(m ->
                        m.contains("No usable QEMU emulator for s390x is registered")
                                && m.contains("install s390x") && m.contains("multiarch.binfmt.install=auto"))));
        assertThat(bundleContainersSince(t0)).isZero();
        assertThat(Binfmt.entriesFor(S390X)).isEmpty();

        // auto (the default): registered through the bundle, then the test runs on s390x
        long t1 = now();
        Kit.run(Probe.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(bundleContainersSince(t1)).as("the registrar: one run reads the state, one registers").isEqualTo(2);
        String entry = Binfmt.entry(S390X).orElseThrow();
        assertThat(entry).contains("enabled").containsPattern("flags: [A-Z]*F");
        assertThat(entry).contains("interpreter /usr/libexec/multiarch-qemu-bundle/");

        // usable entry present: nothing privileged is started
        long t2 = now();
        Kit.run(Probe.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(bundleContainersSince(t2)).isZero();
    }

    /** How many registrar containers the engine created since {@code since} (epoch seconds). */
    static int bundleContainersSince(long since) throws InterruptedException {
        List<Event> events = new ArrayList<>();
        SharedSession.docker().client().eventsCmd()
                .withSince(Long.toString(since))
                .withUntil(Long.toString(now() + 1))
                .withEventFilter("create")
                .withLabelFilter(java.util.Map.of(Docker.LABEL, "qemu-bundle"))
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        events.add(event);
                    }
                }).awaitCompletion(30, TimeUnit.SECONDS);
        return events.size();
    }

    static long now() throws InterruptedException {
        Thread.sleep(1100); // event timestamps have one-second resolution
        return System.currentTimeMillis() / 1000;
    }

    @RunsOn("s390x")
    static class Probe {
        @org.junit.jupiter.api.Test
        void runsOnS390x() {
            org.junit.jupiter.api.Assertions.assertEquals("s390x", System.getProperty("os.arch"));
        }
    }
}
