package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.model.Container;
import io.github.multiarch.junit.internal.docker.Docker;
import io.github.multiarch.junit.internal.docker.Owner;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A host JVM killed with -9 in the middle of a remote test leaves no container behind. */
class CleanupTest {

    @Test
    void killingTheHostJvmMidTestRemovesItsRuntimeContainer() throws Exception {
        try (HostJvm host = HostJvm.start(List.of(), Sleeper.class)) {
            long pid = host.process.pid();
            await("the remote test to start (host output: " + host.output() + ")")
                    .atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .until(() -> containersOf(pid).stream().anyMatch(c -> logs(c).contains("sleeper started")));
            assertThat(containersOf(pid)).hasSize(1);

            host.process.destroyForcibly().waitFor(); // SIGKILL: no shutdown hook runs

            await("the container of the killed JVM to be gone").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> containersOf(pid).isEmpty());
        }
    }

    /**
     * SIGTERM (Maven stopped with Ctrl-C, a CI job cancelled) during a remote test: the JVM's
     * shutdown stops the runtime, and the tests JUnit still gets to meanwhile start no new one
     * (here: the arm64 test after the s390x one), so nothing is left running afterwards.
     */
    @Test
    void terminatingTheHostJvmMidTestStartsNothingNewAndLeavesNothing() throws Exception {
        long since = RegistrationTest.now();
        try (HostJvm host = HostJvm.start(List.of(), SleeperThenArm64.class)) {
            long pid = host.process.pid();
            await("the remote test to start (host output: " + host.output() + ")")
                    .atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .until(() -> containersOf(pid).stream().anyMatch(c -> logs(c).contains("sleeper started")));

            host.process.destroy(); // SIGTERM: the shutdown hooks run
            assertThat(host.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as(host.output()).isTrue();

            await("the containers of the terminated JVM to be gone").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> containersOf(pid).isEmpty());
            assertThat(host.output()).doesNotContain("arm64 JVM ready")
                    .doesNotContain("FINISHED later() SUCCESSFUL"); // (reached or not before the JVM halts: never a pass)
            if (host.output().contains("FINISHED later()")) {
                assertThat(host.output()).contains("this JVM is shutting down (e.g. the build was stopped), so nothing"
                        + " new starts");
            }
            assertThat(createdSince(since, pid)).as("containers the terminated JVM created").containsExactly("runtime-s390x");
        }
    }

    /** The purpose labels of the containers the host JVM {@code pid} created since {@code since}. */
    private static List<String> createdSince(long since, long pid) throws InterruptedException {
        List<String> purposes = new java.util.ArrayList<>();
        SharedSession.docker().client().eventsCmd()
                .withSince(Long.toString(since))
                .withUntil(Long.toString(RegistrationTest.now() + 1))
                .withEventFilter("create")
                .withLabelFilter(Map.of(Docker.LABEL_PID, Long.toString(pid)))
                .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Event>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Event event) {
                        purposes.add(event.getActor().getAttributes().get(Docker.LABEL));
                    }
                }).awaitCompletion(30, java.util.concurrent.TimeUnit.SECONDS);
        return purposes;
    }

    @Test
    void aNormalEndOfTheHostJvmRemovesItsRuntimeContainer() throws Exception {
        try (HostJvm host = HostJvm.start(List.of(), Quick.class)) {
            assertThat(host.process.waitFor(4, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            assertThat(host.output()).contains("FINISHED passes() SUCCESSFUL").contains("DONE");
            long pid = host.process.pid();
            await().atMost(Duration.ofSeconds(30)).until(() -> containersOf(pid).isEmpty());
        }
    }

    /**
     * Docker.connect() removes the stopped containers of this project whose JVM provably ran here
     * (this boot, host name and pid namespace) and is provably dead (its pid gone, or another
     * process's now). Those of JVMs it cannot see (another pid namespace or host name, as with a
     * Docker socket shared by CI jobs in containers, or another boot), of older versions without
     * these labels, and of live JVMs stay. (Created, not started: a created container has stopped.)
     */
    @Test
    void stoppedContainersOfDeadHostJvmsAreRemovedAndOthersAreNot() {
        var client = SharedSession.docker().client();
        String bundle = "multiarch-qemu-bundle:" + Configuration.VERSION;
        Owner me = Owner.current();
        long deadPid = 2_000_000_000L; // above any pid_max: no such process
        Map<String, Owner> removed = new java.util.LinkedHashMap<>();
        removed.put("pid gone", new Owner(me.bootId(), me.hostName(), me.pidNamespace(), deadPid, me.startTicks()));
        removed.put("pid reused", new Owner(me.bootId(), me.hostName(), me.pidNamespace(), me.pid(), me.startTicks() + 1));
        Map<String, Owner> kept = new java.util.LinkedHashMap<>();
        kept.put("alive (this JVM)", me);
        kept.put("another pid namespace", new Owner(me.bootId(), me.hostName(), "pid:[1]", deadPid, me.startTicks()));
        kept.put("another host", new Owner(me.bootId(), "not-" + me.hostName(), me.pidNamespace(), deadPid, me.startTicks()));
        kept.put("another boot", new Owner(java.util.UUID.randomUUID().toString(), me.hostName(), me.pidNamespace(),
                deadPid, me.startTicks()));
        kept.put("older version (pid label only)", new Owner(null, null, null, deadPid, null));
        Map<String, String> ids = new java.util.LinkedHashMap<>();
        try {
            for (var entry : removed.entrySet()) {
                ids.put(entry.getKey(), create(bundle, entry.getValue()));
            }
            for (var entry : kept.entrySet()) {
                ids.put(entry.getKey(), create(bundle, entry.getValue()));
            }
            Docker.connect().close(); // removes leftovers as it connects

            java.util.Set<String> present = new java.util.HashSet<>();
            client.listContainersCmd().withShowAll(true).withLabelFilter(List.of(Docker.LABEL)).exec()
                    .forEach(c -> present.add(c.getId()));
            Map<String, Boolean> stays = new java.util.LinkedHashMap<>();
            Map<String, Boolean> expected = new java.util.LinkedHashMap<>();
            ids.forEach((what, id) -> {
                stays.put(what, present.contains(id));
                expected.put(what, kept.containsKey(what));
            });
            assertThat(stays).as("which containers stay (true) after Docker.connect()").isEqualTo(expected);
        } finally {
            for (String id : ids.values()) {
                try {
                    client.removeContainerCmd(id).withForce(true).exec();
                } catch (RuntimeException e) {
                    // removed
                }
            }
        }
    }

    /** A stopped container of this project, labelled as {@code owner}'s. */
    private static String create(String image, Owner owner) {
        Map<String, String> labels = new java.util.HashMap<>(owner.labels());
        labels.put(Docker.LABEL, "probe-s390x");
        return SharedSession.docker().client().createContainerCmd(image).withLabels(labels).exec().getId();
    }

    private static List<Container> containersOf(long pid) {
        return SharedSession.docker().client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Docker.LABEL_PID, Long.toString(pid))).exec();
    }

    private static String logs(Container c) {
        StringBuilder sb = new StringBuilder();
        try {
            SharedSession.docker().client().logContainerCmd(c.getId()).withStdOut(true).withStdErr(true)
                    .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                        @Override
                        public void onNext(com.github.dockerjava.api.model.Frame f) {
                            sb.append(new String(f.getPayload()));
                        }
                    }).awaitCompletion(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return "";
        }
        return sb.toString();
    }

    @org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
    public static class SleeperThenArm64 {
        @Test
        @org.junit.jupiter.api.Order(1)
        @RunsOn("s390x")
        void sleeps() throws Exception {
            new FileOutputStream(FileDescriptor.out).write("sleeper started\n".getBytes());
            Thread.sleep(600_000);
        }

        @Test
        @org.junit.jupiter.api.Order(2)
        @RunsOn("arm64")
        void later() {
        }
    }

    @RunsOn("s390x")
    public static class Sleeper {
        @Test
        void sleeps() throws Exception {
            new FileOutputStream(FileDescriptor.out).write("sleeper started\n".getBytes());
            Thread.sleep(600_000);
        }
    }

    @RunsOn("s390x")
    public static class Quick {
        @Test
        void passes() {
            org.junit.jupiter.api.Assertions.assertEquals("s390x", System.getProperty("os.arch"));
        }
    }
}
