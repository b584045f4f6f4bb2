package io.github.multiarch.junit.internal.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiarch.junit.internal.docker.Owner.Finding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which stopped containers a JVM may remove as leftovers: only those whose creator provably ran on
 * its machine, in its pid namespace, and is provably dead (pure logic; the engine in CleanupTest).
 */
class OwnerTest {

    private static final String BOOT = "71afa8d0-fc8e-45ba-ace0-3f175b7b2b42";
    private static final String NS = "pid:[4026531836]";

    /** This JVM: pid 100, started at tick 5000. */
    private static final Owner ME = new Owner(BOOT, "ci-runner", NS, 100L, 5000L);

    /** A machine where pid 100 (this JVM) and pid 200 (started at tick 7000) run, and nothing else. */
    private static final ProcessLookup PROCESSES = pid -> pid == 100 ? OptionalLong.of(5000)
            : pid == 200 ? OptionalLong.of(7000) : OptionalLong.empty();

    private static Owner owner(long pid, long start) {
        return new Owner(BOOT, "ci-runner", NS, pid, start);
    }

    @Test
    void aJvmOfThisMachineAndNamespaceWhosePidIsGoneIsAnOrphan() {
        assertThat(owner(300, 6000).orphanOf(ME, PROCESSES)).isEqualTo(Finding.ORPHAN);
    }

    @Test
    void aJvmWhosePidAnotherProcessHasNowIsAnOrphan() {
        assertThat(owner(200, 6000).orphanOf(ME, PROCESSES)).isEqualTo(Finding.ORPHAN);
    }

    @Test
    void aJvmThatStillRunsIsAlive() {
        assertThat(owner(200, 7000).orphanOf(ME, PROCESSES)).isEqualTo(Finding.ALIVE);
        assertThat(ME.orphanOf(ME, PROCESSES)).isEqualTo(Finding.ALIVE);
    }

    @Test
    void anotherBootHostOrPidNamespaceIsNeverAnOrphanEvenWithItsPidGone() {
        assertThat(new Owner("0b1d9b2e-0000-4000-8000-000000000000", "ci-runner", NS, 300L, 6000L).orphanOf(ME, PROCESSES))
                .isEqualTo(Finding.OTHER_BOOT);
        assertThat(new Owner(BOOT, "3f2a9c1d7e4b", NS, 300L, 6000L).orphanOf(ME, PROCESSES))
                .isEqualTo(Finding.OTHER_HOST);
        assertThat(new Owner(BOOT, "ci-runner", "pid:[4026532461]", 300L, 6000L).orphanOf(ME, PROCESSES))
                .isEqualTo(Finding.OTHER_PID_NAMESPACE);
        // another namespace's pid 200 is not this namespace's pid 200, even at the same start tick
        assertThat(new Owner(BOOT, "ci-runner", "pid:[4026532461]", 200L, 6000L).orphanOf(ME, PROCESSES))
                .isEqualTo(Finding.OTHER_PID_NAMESPACE);
    }

    @Test
    void containersOfOlderVersionsWithThePidLabelOnlyAreNeverOrphans() {
        Owner old = Owner.fromLabels(Map.of(Docker.LABEL, "probe-s390x", Owner.LABEL_PID, "300"));
        assertThat(old.orphanOf(ME, PROCESSES)).isEqualTo(Finding.UNLABELLED);
        assertThat(Owner.fromLabels(null).orphanOf(ME, PROCESSES)).isEqualTo(Finding.UNLABELLED);
    }

    @Test
    void anyMissingOrMalformedLabelMakesItUnlabelled() {
        Map<String, String> full = owner(300, 6000).labels();
        assertThat(Owner.fromLabels(full).orphanOf(ME, PROCESSES)).isEqualTo(Finding.ORPHAN);
        for (String label : full.keySet()) {
            Map<String, String> missing = new HashMap<>(full);
            missing.remove(label);
            assertThat(Owner.fromLabels(missing).orphanOf(ME, PROCESSES)).as("without " + label)
                    .isEqualTo(Finding.UNLABELLED);
            Map<String, String> blank = new HashMap<>(full);
            blank.put(label, " ");
            assertThat(Owner.fromLabels(blank).orphanOf(ME, PROCESSES)).as("blank " + label)
                    .isEqualTo(Finding.UNLABELLED);
        }
        Map<String, String> malformed = new HashMap<>(full);
        malformed.put(Owner.LABEL_PID, "-300");
        assertThat(Owner.fromLabels(malformed).orphanOf(ME, PROCESSES)).isEqualTo(Finding.UNLABELLED);
        malformed = new HashMap<>(full);
        malformed.put(Owner.LABEL_PID_START, "2025-01-01T00:00:00Z");
        assertThat(Owner.fromLabels(malformed).orphanOf(ME, PROCESSES)).isEqualTo(Finding.UNLABELLED);
    }

    @Test
    void aJvmThatDoesNotKnowItselfOrCannotSeeEveryProcessRemovesNothing() {
        Owner dead = owner(300, 6000);
        assertThat(dead.orphanOf(new Owner(BOOT, "ci-runner", null, 100L, 5000L), PROCESSES)).isEqualTo(Finding.UNKNOWN_HERE);
        assertThat(dead.orphanOf(new Owner(null, "ci-runner", NS, 100L, 5000L), PROCESSES)).isEqualTo(Finding.UNKNOWN_HERE);
        ProcessLookup hidepid = new ProcessLookup() {
            @Override
            public OptionalLong startTicks(long pid) {
                return PROCESSES.startTicks(pid);
            }

            @Override
            public boolean seesEveryProcess() {
                return false;
            }
        };
        assertThat(dead.orphanOf(ME, hidepid)).isEqualTo(Finding.UNKNOWN_HERE);
    }

    @Test
    void aLookupThatFailsConcludesNothing() {
        ProcessLookup failing = pid -> {
            throw new UncheckedIOException(new IOException("Permission denied"));
        };
        assertThatThrownBy(() -> owner(300, 6000).orphanOf(ME, failing)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void theLabelsNameTheOwnerAndReadBackAsIt() {
        assertThat(ME.labels()).containsOnly(Map.entry(Owner.LABEL_BOOT, BOOT), Map.entry(Owner.LABEL_HOST, "ci-runner"),
                Map.entry(Owner.LABEL_PID_NAMESPACE, NS), Map.entry(Owner.LABEL_PID, "100"),
                Map.entry(Owner.LABEL_PID_START, "5000"));
        assertThat(Owner.fromLabels(ME.labels())).isEqualTo(ME);
        assertThat(new Owner(BOOT, null, null, 100L, null).labels()).containsOnlyKeys(Owner.LABEL_BOOT, Owner.LABEL_PID);
    }

    @Test
    void onlyCreatedExitedAndDeadContainersHaveStopped() {
        assertThat(Docker.stopped("created")).isTrue();
        assertThat(Docker.stopped("exited")).isTrue();
        assertThat(Docker.stopped("dead")).isTrue();
        for (String state : new String[] {"running", "paused", "restarting", "removing", null}) {
            assertThat(Docker.stopped(state)).as(state).isFalse();
        }
    }

    @Test
    void theStartTimeIsField22EvenWithParenthesesAndSpacesInTheCommandName() {
        String stat = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 2817 0 0 0 12 3 0 0 20 0 19 0 987654 1234567 890";
        assertThat(ProcessLookup.startTicksOf(stat)).isEqualTo(987654L);
        assertThatThrownBy(() -> ProcessLookup.startTicksOf("4242 (java) S 1 2 3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a /proc/<pid>/stat line");
    }

    @Test
    void theOwnerIsReadFromProc(@TempDir Path proc) throws IOException {
        Files.createDirectories(proc.resolve("sys/kernel/random"));
        Files.writeString(proc.resolve("sys/kernel/random/boot_id"), BOOT + "\n");
        Files.writeString(proc.resolve("sys/kernel/hostname"), "ci-runner\n");
        Files.createDirectories(proc.resolve("42/ns"));
        Files.createSymbolicLink(proc.resolve("42/ns/pid"), Path.of(NS));
        Files.writeString(proc.resolve("42/stat"),
                "42 (java) S 1 42 42 0 -1 4194560 2817 0 0 0 12 3 0 0 20 0 19 0 5000 1234567 890\n");
        Files.createSymbolicLink(proc.resolve("self"), Path.of("42"));

        assertThat(Owner.read(proc, 42)).isEqualTo(new Owner(BOOT, "ci-runner", NS, 42L, 5000L));
        // a /proc of another pid namespace: its self is another pid, and tells nothing of this process
        assertThat(Owner.read(proc, 7)).isEqualTo(new Owner(BOOT, "ci-runner", null, 7L, null));
        assertThat(ProcessLookup.proc(proc).startTicks(42)).hasValue(5000);
        assertThat(ProcessLookup.proc(proc).startTicks(43)).isEmpty();
        assertThat(ProcessLookup.proc(proc).seesEveryProcess()).as("no /proc/1: hidden").isFalse();
    }

    @Test
    void thisJvmKnowsItselfAndIsAliveOnThisLinuxMachine() {
        Owner me = Owner.current();
        assertThat(me.complete()).as(me.toString()).isTrue();
        assertThat(me.pid()).isEqualTo(ProcessHandle.current().pid());
        assertThat(me.pidNamespace()).matches("pid:\\[\\d+]");
        assertThat(ProcessLookup.proc().seesEveryProcess()).isTrue();
        assertThat(Owner.fromLabels(me.labels()).orphanOf(me, ProcessLookup.proc())).isEqualTo(Finding.ALIVE);
        assertThat(new Owner(me.bootId(), me.hostName(), me.pidNamespace(), me.pid(), me.startTicks() + 1)
                .orphanOf(me, ProcessLookup.proc())).as("this pid with another start time").isEqualTo(Finding.ORPHAN);
    }
}
