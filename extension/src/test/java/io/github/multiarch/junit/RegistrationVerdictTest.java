package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.MultiarchException;
import io.github.multiarch.junit.internal.arch.Architecture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import io.github.multiarch.junit.internal.binfmt.Emulators;
import io.github.multiarch.junit.internal.binfmt.Verdict;
import io.github.multiarch.junit.internal.docker.Docker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Entries made by other tools, judged by what they do, against the real kernel and engine. Each
 * test leaves the bundle's own s390x entry behind, as it found it.
 */
class RegistrationVerdictTest {

    private static final Architecture S390X = Architecture.of("s390x");
    private static final String BUNDLE = "multiarch-qemu-bundle:" + Configuration.VERSION;
    private static Path hostQemu;

    /** A static qemu-s390x on the host file system, for entries "another tool" registers. */
    @BeforeAll
    static void copyAnEmulatorToTheHost() throws Exception {
        hostQemu = Files.createTempDirectory("multiarch-other-tool").resolve("qemu-s390x-static");
        String name = "multiarch-test-copy-" + ProcessHandle.current().pid();
        sh("docker", "create", "--name", name, BUNDLE);
        try {
            sh("docker", "cp", name + ":/usr/libexec/multiarch-qemu-bundle/" + Configuration.VERSION + "-"
                    + SharedSession.docker().engineArchitecture().imageArchitecture() + "/qemu-s390x", hostQemu.toString());
        } finally {
            sh("docker", "rm", name);
        }
    }

    @org.junit.jupiter.api.AfterAll
    static void deleteTheCopy() throws Exception {
        Files.deleteIfExists(hostQemu);
        Files.deleteIfExists(hostQemu.getParent());
    }

    @org.junit.jupiter.api.BeforeEach
    void startFromTheBundlesEntry() {
        Kit.run(RegistrationTest.Probe.class).testEvents().assertStatistics(s -> s.succeeded(1));
    }

    @AfterEach
    void restoreTheBundlesEntry() throws Exception {
        Binfmt.remove(S390X);
        Kit.run(RegistrationTest.Probe.class).testEvents().assertStatistics(s -> s.succeeded(1));
    }

    @Test
    void anEntryWithoutTheFFlagIsNamedAndLeftAloneAndReplacedOnlyUnderReplace() throws Exception {
        Binfmt.remove(S390X);
        register("s390x-other-tool", hostQemu.toString(), "");

        Kit.run(RegistrationTest.Probe.class).allEvents().assertThatEvents().haveExactly(1, finishedWithFailure(
                instanceOf(MultiarchException.class), message(m ->
                        m.contains("entry 's390x-other-tool' (flags none, interpreter " + hostQemu + ")")
                                && m.contains("matches s390x but is unusable: no F flag: containers cannot see the interpreter")
                                && m.contains("echo -1 > /proc/sys/fs/binfmt_misc/s390x-other-tool")
                                && m.contains("multiarch.binfmt.install=replace"))));
        assertThat(Binfmt.MOUNT.resolve("s390x-other-tool")).exists();

        Kit.run(RegistrationTest.Probe.class, "multiarch.binfmt.install", "replace")
                .testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(Binfmt.MOUNT.resolve("s390x-other-tool")).doesNotExist();
        assertThat(Binfmt.entriesFor(S390X)).singleElement()
                .satisfies(p -> assertThat(Binfmt.read(p)).containsPattern("flags: [A-Z]*F"));
    }

    @Test
    void aDisabledEntryIsUnusableAndSaysSo() throws Exception {
        Path entry = Binfmt.entriesFor(S390X).get(0);
        Files.writeString(entry, "0");
        Binfmt.changed();

        Kit.run(RegistrationTest.Probe.class).allEvents().assertThatEvents().haveExactly(1, finishedWithFailure(
                instanceOf(MultiarchException.class), message(m -> m.contains("'" + entry.getFileName() + "'")
                        && m.contains("is unusable: disabled"))));
        assertThat(Binfmt.read(entry)).startsWith("disabled");
    }

    @Test
    void anEntryWithoutFWhoseInterpreterIsGoneIsUnusableForItsMissingF() throws Exception {
        Binfmt.remove(S390X);
        register("s390x-gone", "/nonexistent/qemu-s390x", "");

        Kit.run(RegistrationTest.Probe.class).allEvents().assertThatEvents().haveExactly(1, finishedWithFailure(
                instanceOf(MultiarchException.class), message(m -> m.contains("'s390x-gone'")
                        && m.contains("is unusable: no F flag"))));
    }

    @Test
    void aUsableEntryUnderAnotherNameIsUsedAsItIsAndNothingPrivilegedStarts() throws Exception {
        Binfmt.remove(S390X);
        Path copy = Files.copy(hostQemu, hostQemu.resolveSibling("qemu-s390x-then-deleted"));
        register("s390x-by-another-tool", copy.toString(), "F");
        Files.delete(copy); // with F the kernel holds the file open: still usable

        long since = RegistrationTest.now();
        Kit.run(RegistrationTest.Probe.class).testEvents().assertStatistics(s -> s.started(1).succeeded(1));
        assertThat(RegistrationTest.bundleContainersSince(since)).isZero();
        assertThat(Binfmt.entriesFor(S390X)).extracting(p -> p.getFileName().toString())
                .containsExactly("s390x-by-another-tool");
    }

    @Test
    void theRegistrarsStatusAgreesWithTheKernelsFiles() {
        Verdict verdict = Emulators.status(SharedSession.docker(), BUNDLE, S390X);
        Path entry = Binfmt.entriesFor(S390X).get(0);
        String kernel = Binfmt.read(entry);

        assertThat(verdict.isUsable()).isTrue();
        assertThat(verdict.entry()).isEqualTo(entry.getFileName().toString());
        assertThat(kernel).contains("interpreter " + verdict.interpreter()).contains("flags: " + verdict.flags());
        for (Architecture other : List.of(Architecture.of("riscv64"), Architecture.of("arm/v7"), Architecture.of("arm64"))) {
            Verdict v = Emulators.status(SharedSession.docker(), BUNDLE, other);
            List<Path> entries = Binfmt.entriesFor(other);
            if (entries.isEmpty()) {
                assertThat(v.isAbsent()).as(other + ": " + v).isTrue();
            } else {
                assertThat(v.entry()).as(other + ": " + v).isEqualTo(entries.get(0).getFileName().toString());
            }
        }
        assertThat(Emulators.status(SharedSession.docker(), BUNDLE, SharedSession.docker().engineArchitecture()).state()).isEqualTo("native");
    }

    @Test
    void fourHostJvmsRacingToRegisterAllSucceedWithOneEntry() throws Exception {
        Binfmt.remove(S390X);
        List<HostJvm> hosts = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                hosts.add(HostJvm.start(List.of(), CleanupTest.Quick.class));
            }
            StringBuilder all = new StringBuilder();
            for (HostJvm host : hosts) {
                assertThat(host.process.waitFor(5, TimeUnit.MINUTES)).isTrue();
                assertThat(host.output()).as(host.output()).contains("FINISHED passes() SUCCESSFUL");
                all.append(host.output());
            }
            System.out.println("four racing host JVMs said:\n" + all.toString().lines()
                    .filter(l -> l.contains("[multiarch] s390x:")).collect(java.util.stream.Collectors.joining("\n")));
            // one registrar wrote the entry; whoever came later found it (or lost the race to it)
            assertThat(all.toString().lines().filter(l -> l.contains("s390x: registered qemu-s390x"))).hasSize(1);
        } finally {
            for (HostJvm host : hosts) {
                host.close();
            }
        }
        assertThat(Binfmt.entriesFor(S390X)).hasSize(1);
    }

    private static void register(String name, String interpreter, String flags) throws Exception {
        Files.writeString(Binfmt.MOUNT.resolve("register"),
                ":" + name + ":M:0:" + S390X.magic() + ":" + S390X.mask() + ":" + interpreter + ":" + flags);
        Binfmt.changed();
    }

    private static void sh(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
