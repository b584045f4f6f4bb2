package io.github.multiarch.junit.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of {@link JvmSetup}, on made-up hosts, without Docker. */
class JvmSetupTest {

    @TempDir
    Path tmp;
    private Path module;
    private Path testClasses;
    private Path classes;
    private Path jar;

    @BeforeEach
    void aMavenModule() throws IOException {
        module = Files.createDirectories(tmp.resolve("project/module"));
        testClasses = Files.createDirectories(module.resolve("target/test-classes"));
        classes = Files.createDirectories(module.resolve("target/classes"));
        jar = Files.writeString(Files.createDirectories(tmp.resolve("m2/org/x/1")).resolve("x-1.jar"), "jar");
    }

    @Test
    void systemPropertiesAreCarriedExceptTheJvmsTheMachinesAndTheHarnesss() {
        Properties host = new Properties();
        for (String key : List.of("java.home", "java.class.path", "java.io.tmpdir", "java.library.path", "jdk.debug",
                "sun.jnu.encoding", "os.arch", "file.separator", "path.separator", "line.separator", "native.encoding",
                "user.home", "user.name", "user.dir", "surefire.test.class.path", "junit.jupiter.conditions.deactivate",
                "multiarch.image.s390x", "com.sun.management.jmxremote", "basedir", "localRepository", "file.encoding",
                "user.language", "user.country", "user.timezone", "java.locale.providers", "my.setting", "spv")) {
            host.setProperty(key, "v-" + key);
        }

        assertThat(JvmSetup.carriedProperties(host)).containsOnlyKeys("basedir", "localRepository", "file.encoding",
                "user.language", "user.country", "user.timezone", "java.locale.providers", "my.setting", "spv");
    }

    @Test
    void environmentVariablesAreCarriedExceptTheMachines() {
        Map<String, String> host = new LinkedHashMap<>();
        for (String name : List.of("PATH", "HOME", "JAVA_HOME", "LD_LIBRARY_PATH", "LD_PRELOAD", "HOSTNAME", "USER",
                "PWD", "TMPDIR", "LANG", "LC_ALL", "XDG_RUNTIME_DIR", "SSH_AUTH_SOCK", "JAVA_TOOL_OPTIONS", "CLASSPATH",
                "MULTIARCH_AGENT_TOKEN", "CI", "GITHUB_ACTIONS", "TZ", "TESTCONTAINERS_RYUK_DISABLED", "MY_SETTING")) {
            host.put(name, "v");
        }

        assertThat(JvmSetup.carriedEnvironment(host)).containsOnlyKeys("CI", "GITHUB_ACTIONS", "TZ",
                "TESTCONTAINERS_RYUK_DISABLED", "MY_SETTING");
    }

    @Test
    void theModuleIsTheWorkingDirectoryTargetIsWritableAndTheRestOfTheClassPathReadOnlyAtItsOwnPath() {
        JvmSetup setup = JvmSetup.of(host(module, "/tmp"), List.of(testClasses, classes, jar), List.of(), false, List.of());

        assertThat(setup.workDir()).isEqualTo(module);
        assertThat(setup.outputDir()).isEqualTo(module.resolve("target"));
        assertThat(setup.binds(List.of(testClasses, classes, jar))).extracting(Bind::getPath, b -> b.getVolume().getPath(),
                Bind::getAccessMode).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(module.toString(), module.toString(), AccessMode.ro),
                        org.assertj.core.groups.Tuple.tuple(module.resolve("target").toString(),
                                module.resolve("target").toString(), AccessMode.rw),
                        org.assertj.core.groups.Tuple.tuple(jar.toString(), jar.toString(), AccessMode.ro));
        assertThat(JvmSetup.remotePaths(List.of(testClasses, classes, jar)))
                .containsExactly(testClasses.toString(), classes.toString(), jar.toString());
        assertThat(setup.user()).isEqualTo("1000:1000");
        assertThat(setup.groups()).containsExactly("27");
        assertThat(setup.env()).contains("HOME=/tmp", "TMPDIR=/tmp", "LANG=C.UTF-8", "CI=true")
                .noneMatch(e -> e.startsWith("PATH="));
        assertThat(setup.properties()).containsEntry("java.io.tmpdir", "/tmp").containsEntry("user.home", "/tmp")
                .containsEntry("spv", "x")
                .containsEntry("user.timezone", "Europe/Berlin").doesNotContainKey("user.dir");
    }

    @Test
    void gradlesBuildDirectoryIsTheOutputAndOneOutsideTheModuleIsItsOwn() throws IOException {
        Path gradleClasses = Files.createDirectories(module.resolve("build/classes/java/test"));
        assertThat(JvmSetup.outputDir(module, List.of(gradleClasses, jar))).isEqualTo(module.resolve("build"));

        Path elsewhere = Files.createDirectories(tmp.resolve("out/module/test-classes"));
        assertThat(JvmSetup.outputDir(module, List.of(elsewhere, jar))).isEqualTo(elsewhere.getParent());
        assertThat(JvmSetup.outputDir(module, List.of(jar))).isEqualTo(module.resolve("target"));
    }

    @Test
    void aTemporaryDirectoryInTheOutputDirectoryIsKept() {
        String hostTmp = module.resolve("target/tmp").toString();
        JvmSetup setup = JvmSetup.of(host(module, hostTmp), List.of(testClasses, classes, jar), List.of(), false, List.of());

        assertThat(setup.properties()).containsEntry("java.io.tmpdir", hostTmp);
        assertThat(setup.env()).contains("HOME=" + hostTmp, "TMPDIR=" + hostTmp);
    }

    @Test
    void systemDirectoriesAreNeverMountedAtTheirOwnPath() {
        assertThat(JvmSetup.mountable(Path.of("/"))).isFalse();
        assertThat(JvmSetup.mountable(Path.of("/usr"))).isFalse();
        assertThat(JvmSetup.mountable(Path.of("/tmp"))).isFalse();
        assertThat(JvmSetup.mountable(Path.of("/proc/self"))).isFalse();
        assertThat(JvmSetup.mountable(Path.of("/multiarch/cds"))).isFalse();
        assertThat(JvmSetup.mountable(Path.of("/usr/src/app"))).isTrue();
        assertThat(JvmSetup.mountable(Path.of("/tmp/build/module"))).isTrue();
        assertThat(JvmSetup.remotePath(Path.of("/usr"), 3)).isEqualTo("/multiarch/cp/3/usr");

        JvmSetup setup = JvmSetup.of(host(Path.of("/"), "/tmp"), List.of(jar), List.of(), false, List.of());
        assertThat(setup.workDir()).isNull();
        assertThat(setup.outputDir()).isNull();
        assertThat(setup.describe()).contains("working directory / not mounted");
    }

    @Test
    void theHeapAndCollectorAreTheHostsAndTheCommandLinesSizesAssertionsAndModuleOptionsAreCarried() {
        JvmSetup setup = JvmSetup.of(host(module, "/tmp"), List.of(jar), List.of(), false, List.of());

        assertThat(setup.flags()).startsWith(JvmSetup.BASE_FLAGS.toArray(String[]::new)).contains("-Xmx2147483648",
                "-XX:+UseG1GC", "-XX:ThreadStackSize=2048", "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "--enable-preview").doesNotContain("-javaagent:/x.jar", "-Dfrom.argline=1", "-XX:+UseSerialGC");
        assertThat(setup.flags().stream().filter(f -> f.equals("-ea"))).hasSize(1);
        assertThat(setup.heap()).isEqualTo("2048 MiB");
        assertThat(setup.describe()).startsWith("heap 2048 MiB, G1, as 1000:1000, in " + module + " (target/ writable)");
    }

    @Test
    void theBenchmarksBaselinesRunWithTheRuntimesJitFlags() throws IOException {
        // bench/runtime-flags.sh gives bench/run.sh's and bench/qemu-versions.sh's baselines the runtime's JIT
        String script = Files.readString(Path.of("..", "bench", "runtime-flags.sh"));
        int start = script.indexOf("RUNTIME_JIT_FLAGS=(");
        assertThat(start).as("RUNTIME_JIT_FLAGS in bench/runtime-flags.sh").isNotNegative();
        String array = script.substring(start + "RUNTIME_JIT_FLAGS=(".length(), script.indexOf(')', start));

        assertThat(List.of(array.trim().split("\\s+"))).isEqualTo(JvmSetup.JIT_FLAGS);
        assertThat(JvmSetup.BASE_FLAGS).startsWith(JvmSetup.JIT_FLAGS.toArray(String[]::new));
    }

    @Test
    void multiarchJvmArgsComeLastAndReplaceTheHostsHeapOrCollector() {
        JvmSetup setup = JvmSetup.of(host(module, "/tmp"), List.of(jar),
                JvmSetup.parseArgs("-Xmx200m -XX:+UseSerialGC"), false, List.of());

        assertThat(setup.flags()).doesNotContain("-Xmx2147483648", "-XX:+UseG1GC").endsWith("-Xmx200m", "-XX:+UseSerialGC");
        assertThat(setup.heap()).isEqualTo("200 MiB");
        assertThat(setup.describe()).startsWith("heap 200 MiB, Serial (multiarch.jvm.args)");
    }

    @Test
    void aCollectorNotEveryArchitectureHasBecomesG1() {
        JvmSetup.Host z = host(module, "/tmp");
        z = new JvmSetup.Host(z.userDir(), z.properties(), z.env(), z.maxHeap(), "Z", Map.of(), List.of(), false,
                null, List.of());
        JvmSetup setup = JvmSetup.of(z, List.of(jar), List.of(), false, List.of());

        assertThat(setup.flags()).contains("-XX:+UseG1GC").doesNotContain("-XX:+UseZGC");
        assertThat(setup.describe()).contains("ZGC is not built for every architecture: G1 instead");
        assertThat(setup.user()).isNull();
    }

    @Test
    void aRootlessEngineRunsTheContainerAsItsRootAndAnImagesLocaleIsKept() {
        JvmSetup setup = JvmSetup.of(host(module, "/tmp"), List.of(jar), List.of(), true, List.of("LANG=en_US.UTF-8"));

        assertThat(setup.user()).isNull();
        assertThat(setup.groups()).isEmpty();
        assertThat(setup.env()).noneMatch(e -> e.startsWith("LANG="));
    }

    @Test
    void multiarchJvmArgsAreSplitAtWhiteSpaceExceptInQuotes() {
        assertThat(JvmSetup.parseArgs("  -Xmx2g   -Dname=\"two words\" '-Dq=it''s' -ea ")).containsExactly("-Xmx2g",
                "-Dname=two words", "-Dq=its", "-ea");
        assertThat(JvmSetup.parseArgs("")).isEmpty();
        assertThatThrownBy(() -> JvmSetup.parseArgs("-Dx=\"open")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a quote (\") is not closed");
    }

    @Test
    void theArchivesKeyNamesTheJvmFlags() {
        ClassDataArchive.Layout layout = new ClassDataArchive.Layout(List.of(jar), List.of(), null);
        assertThat(ClassDataArchive.key("sha256:1", layout, List.of("-Xmx1g")))
                .isEqualTo(ClassDataArchive.key("sha256:1", layout, List.of("-Xmx1g")))
                .isNotEqualTo(ClassDataArchive.key("sha256:1", layout, List.of("-Xmx2g")))
                .isNotEqualTo(ClassDataArchive.key("sha256:1", layout, List.of("-Xmx1g", "-XX:+UseSerialGC")));
    }

    @Test
    void theArchivesKeyNamesTheClassPathDirectoriesAndTheOrder() {
        ClassDataArchive.Layout jarOnly = new ClassDataArchive.Layout(List.of(jar), List.of(), null);
        ClassDataArchive.Layout withClasses = new ClassDataArchive.Layout(List.of(classes, jar), List.of(0), null);
        ClassDataArchive.Layout withTestClasses = new ClassDataArchive.Layout(List.of(testClasses, jar), List.of(0), null);
        ClassDataArchive.Layout jarFirst = new ClassDataArchive.Layout(List.of(jar, classes), List.of(1), null);
        List<String> flags = List.of("-Xmx1g");
        assertThat(java.util.stream.Stream.of(jarOnly, withClasses, withTestClasses, jarFirst)
                .map(l -> ClassDataArchive.key("sha256:1", l, flags))).doesNotHaveDuplicates();
    }

    @Test
    void aClassPathDirectoryThatHoldsTheWorkingDirectoryOrIsGoneGetsNoArchive() throws IOException {
        List<Path> classpath = List.of(testClasses, classes, jar);
        JvmSetup setup = JvmSetup.of(host(module, "/tmp"), classpath, List.of(), false, List.of());
        ClassDataArchive.Layout layout = new ClassDataArchive.Layout(classpath, List.of(0, 1), null);
        assertThat(ClassDataArchive.mountable(layout, setup)).isEqualTo(layout);

        List<Path> withModule = List.of(module, jar);
        assertThat(ClassDataArchive.mountable(new ClassDataArchive.Layout(withModule, List.of(0), null),
                JvmSetup.of(host(module, "/tmp"), withModule, List.of(), false, List.of())).whyNone())
                .isEqualTo("the class path directory " + module + " holds " + module + ", which is mounted on its own");

        Files.delete(classes);
        assertThat(ClassDataArchive.mountable(layout, setup).whyNone())
                .isEqualTo("the class path directory " + classes + " is gone");
    }

    @Test
    void copiedClassPathDirectoriesAreAnExecutableTmpfsAtTheirOwnPathAndReadOnlyElsewhere() throws IOException {
        Path elsewhere = Files.createDirectories(tmp.resolve("other/module/target/classes"));
        List<Path> classpath = List.of(testClasses, classes, jar, elsewhere);
        JvmSetup setup = JvmSetup.of(host(module, "/tmp"), classpath, List.of(), false, List.of());

        assertThat(setup.binds(classpath, List.of(0, 1, 3))).extracting(Bind::getPath, b -> b.getVolume().getPath(),
                Bind::getAccessMode).containsExactly(
                        org.assertj.core.groups.Tuple.tuple(module.toString(), module.toString(), AccessMode.ro),
                        org.assertj.core.groups.Tuple.tuple(module.resolve("target").toString(),
                                module.resolve("target").toString(), AccessMode.rw),
                        org.assertj.core.groups.Tuple.tuple(testClasses.toString(),
                                "/multiarch/classdirs/0/test-classes", AccessMode.ro),
                        org.assertj.core.groups.Tuple.tuple(classes.toString(), "/multiarch/classdirs/1/classes",
                                AccessMode.ro),
                        org.assertj.core.groups.Tuple.tuple(jar.toString(), jar.toString(), AccessMode.ro),
                        org.assertj.core.groups.Tuple.tuple(elsewhere.toString(), "/multiarch/classdirs/3/classes",
                                AccessMode.ro));
        assertThat(setup.tmpfs(classpath, List.of(0, 1, 3))).containsExactly(
                Map.entry("/tmp", JvmSetup.TMP_OPTIONS),
                Map.entry(testClasses.toString(), "rw,exec,nosuid,nodev,mode=755,uid=1000,gid=1000"),
                Map.entry(classes.toString(), "rw,exec,nosuid,nodev,mode=755,uid=1000,gid=1000"),
                Map.entry(elsewhere.toString(), "rw,exec,nosuid,nodev,mode=755,uid=1000,gid=1000"));
        assertThat(JvmSetup.of(host(module, "/tmp"), classpath, List.of(), true, List.of()).tmpfs(classpath, List.of(1)))
                .as("rootless: the image's user").containsEntry(classes.toString(), "rw,exec,nosuid,nodev,mode=1777");
        assertThat(JvmSetup.remotePaths(classpath)).as("the class path itself is the host's")
                .containsExactly(testClasses.toString(), classes.toString(), jar.toString(), elsewhere.toString());
        assertThat(setup.binds(classpath, List.of())).as("without an archive: as always")
                .isEqualTo(setup.binds(classpath));

        assertThat(JvmSetup.trainingBinds(classpath, List.of(0, 1, 3))).extracting(Bind::getPath,
                b -> b.getVolume().getPath()).containsExactly(org.assertj.core.groups.Tuple.tuple(jar.toString(),
                        jar.toString()));
        assertThat(JvmSetup.trainingTmpfs(classpath, List.of(0, 1, 3))).containsOnlyKeys("/tmp",
                testClasses.toString(), classes.toString(), elsewhere.toString());
    }

    /** What the java launcher makes of the argument file: each value as written, whatever characters it holds. */
    @Test
    void theArgumentFileGivesTheJvmEachValueAsItIs() throws Exception {
        String value = "spaces  \"quotes\" 'single' back\\slash\\\\ # not a comment\nline\ttab \u00fc\u6f22 @at $HOME";
        Path file = Files.write(tmp.resolve("java.args"), JvmSetup.argsFile(List.of("-Dx=" + value, "-Dempty=",
                "-cp", Path.of(PrintProperty.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString())));
        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + file, PrintProperty.class.getName()).redirectErrorStream(true).start();
        String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(java.waitFor(1, TimeUnit.MINUTES)).isTrue();

        assertThat(out).isEqualTo(HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8)) + " <>");
    }

    /** Prints the property {@code x} in hex, and {@code empty}. */
    public static final class PrintProperty {
        public static void main(String[] args) {
            System.out.println(HexFormat.of().formatHex(System.getProperty("x").getBytes(StandardCharsets.UTF_8))
                    + " <" + System.getProperty("empty") + ">");
        }
    }

    /** A Linux host: user 1000:1000 in group 27, a 2 GiB G1 heap, Surefire's usual command line. */
    private static JvmSetup.Host host(Path userDir, String tmpdir) {
        Properties p = new Properties();
        p.setProperty("java.io.tmpdir", tmpdir);
        p.setProperty("user.dir", userDir.toString());
        p.setProperty("sun.jnu.encoding", "UTF-8");
        p.setProperty("user.timezone", "Europe/Berlin");
        p.setProperty("spv", "x");
        return new JvmSetup.Host(userDir, p, Map.of("PATH", "/usr/bin", "CI", "true"), 2L << 30, "G1",
                Map.of("ThreadStackSize", "2048"), List.of("-Xmx2g", "-Dfrom.argline=1", "-javaagent:/x.jar", "-ea",
                "--add-opens=java.base/java.lang=ALL-UNNAMED", "--enable-preview"), true, "1000:1000", List.of("27"));
    }
}
