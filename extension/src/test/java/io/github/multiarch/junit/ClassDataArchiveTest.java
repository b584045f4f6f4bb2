package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.multiarch.junit.internal.docker.Docker;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive end to end, in host JVMs that have the extension as a jar, as its users
 * have it (in this build it is a directory, which gets no archive): the first run makes the
 * archive in the background, the next runtime maps it (its JVM says so, from its own memory
 * map), and an archive the JVM does not take is deleted while the test still passes. The class
 * path is an Apache-style project's: a class directory with {@code META-INF/LICENSE.txt} and a
 * resource that a later jar holds too, and a tree of test data; in every run the remote test
 * finds what the host finds ({@link Lookups}): the same resources, and the same files when it
 * walks the directory. What a test writes into a class directory of a runtime with the archive
 * stays in the container. A class file in a directory and in a later jar gets no archive.
 */
class ClassDataArchiveTest {

    /** Where the runtime JVM logs where each class came from ({@code multiarch.jvm.args}, so the training's JVM too). */
    private static final String CLASS_LOAD_LOG = "/tmp/multiarch-class-load.log";

    @TempDir
    static Path work;
    private static List<Path> classpath;
    private static Path testClasses;

    /** This build's class path with the extension's classes packed into a jar. */
    @BeforeAll
    static void packTheExtensionIntoAJar() throws Exception {
        classpath = JarClasspath.of(work);
        testClasses = JarClasspath.testClasses();
        assertThat(classpath.get(0)).isEqualTo(testClasses);
    }

    @Test
    void anApacheStyleClassPathGetsTheArchiveAndEveryLookupIsTheHosts() throws Exception {
        // target/classes with the files every Apache project has in its jars too, right after
        // target/test-classes; the jar that has them as well comes later on the class path
        Path apache = work.resolve("apache/target/classes");
        write(apache.resolve("META-INF/LICENSE.txt"), "the directory's licence");
        write(apache.resolve("META-INF/NOTICE.txt"), "the directory's notice");
        write(apache.resolve("multiarch-cds-probe.txt"), "the directory's probe");
        // test data as parameterized tests walk it: a tree, an executable, a link, an old file
        write(apache.resolve("cds-testdata/a.txt"), "a");
        write(apache.resolve("cds-testdata/sub/b.txt"), "b");
        write(apache.resolve("cds-testdata/sub/deeper/c.txt"), "c");
        write(apache.resolve("cds-testdata/run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(apache.resolve("cds-testdata/run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(apache.resolve("cds-testdata/sub/b.txt"), FileTime.fromMillis(978_307_200_123L));
        Files.createSymbolicLink(apache.resolve("cds-testdata/link-to-a.txt"), Path.of("a.txt"));
        Files.setLastModifiedTime(apache.resolve("cds-testdata/sub"), FileTime.fromMillis(1_000_000_000_000L));
        Path licensed = work.resolve("apache/commons-licensed.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(licensed))) {
            for (String[] e : List.of(new String[] {"META-INF/LICENSE.txt", "the jar's licence"},
                    new String[] {"META-INF/NOTICE.txt", "the jar's notice"},
                    new String[] {"multiarch-cds-probe.txt", "the jar's probe"})) {
                out.putNextEntry(new JarEntry(e[0]));
                out.write(e[1].getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        List<Path> cp = new ArrayList<>(classpath);
        cp.add(1, apache);
        cp.add(licensed);

        String host = hostLookups(cp);
        assertThat(host).contains("META-INF/LICENSE.txt -> file:" + apache + "/META-INF/LICENSE.txt = the directory's"
                + " licence", "  jar:file:" + licensed + "!/META-INF/LICENSE.txt",
                // what the remote runs must find too (else they would pass on nothing)
                "walk of " + apache + ":\n   directory ", "  cds-testdata/sub/deeper/c.txt file 1 ",
                "  cds-testdata/sub/b.txt file 1 ", " 978307200123\n", " 1000000000000\n", "  cds-testdata/run.sh file 10 rwxr-x--- ",
                "  cds-testdata/link-to-a.txt link -> a.txt\n", "walk of " + apache.resolve("cds-testdata") + ":\n",
                "  sub/deeper/c.txt file 1 ", "cds-testdata/sub/../a.txt -> file:", "= a\n",
                "META-INF/../multiarch-cds-probe.txt -> file:", "= the directory's probe\n",
                "canonical path of cds-testdata/sub/b.txt: " + apache.resolve("cds-testdata/sub/b.txt") + " "
                        + apache.resolve("cds-testdata/sub/b.txt") + "\n");
        List<String> probe = List.of("-Dcds.probe.expected=" + host, "-Dcds.probe.dir=" + apache);
        Path cache = work.resolve("cds");
        String[] params = {"multiarch.cds.dir=" + cache,
                "multiarch.jvm.args=-Xlog:class+load=info:file=" + CLASS_LOAD_LOG};

        String first = run(cp, probe, Lookups.class, params);
        assertThat(first).contains("FINISHED lookUp() SUCCESSFUL", "making a class-data archive for later runs");
        // The host JVM does not wait for the training at exit: its container finishes the archive
        // on its own and then removes itself.
        await("the detached training to make the archive").atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1)).until(() -> archives(cache).size() == 1);
        await("the training container to remove itself").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500)).until(() -> SharedSession.docker().client().listContainersCmd()
                        .withShowAll(true).withLabelFilter(Map.of(Docker.LABEL, "cds-training-s390x")).exec().isEmpty());
        List<Path> archives = archives(cache);
        assertThat(archives).singleElement().satisfies(a -> assertThat(a.getFileName().toString()).startsWith("s390x-"));
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).as("no temporary or failure files").allMatch(p -> p.toString().endsWith(".jsa"));
        }
        assertThat(Files.size(archives.get(0))).isGreaterThan(1_000_000);

        List<Path> written = List.of(testClasses.resolve("io/github/multiarch/junit/cds-probe-written.txt"),
                testClasses.resolve("cds-probe-top-level.txt"), apache.resolve("cds-testdata/sub/written.txt"));
        String apacheBefore = Lookups.walk(apache);
        try {
            List<String> copied = new ArrayList<>(probe);
            copied.add("-Dcds.probe.copied=true");
            String second = run(cp, copied, Lookups.class, params);
            assertThat(second).contains("FINISHED lookUp() SUCCESSFUL", "class-data archive in use")
                    .doesNotContain("making a class-data archive");
            // The one thing that differs from a runtime without the archive: what a test writes into
            // a class path directory stays in the container; the host's directory is unchanged.
            assertThat(written).as("written by the remote test into the class path directories").allSatisfy(
                    f -> assertThat(f).doesNotExist());
            assertThat(Lookups.walk(apache)).as("the host's directory after the run").isEqualTo(apacheBefore);
        } finally {
            for (Path f : written) {
                Files.deleteIfExists(f);
            }
        }

        Files.write(archives.get(0), new byte[4096]); // not an archive any more: the JVM ignores it
        String third = run(cp, probe, Lookups.class, params);
        assertThat(third).contains("FINISHED lookUp() SUCCESSFUL", "was not taken by the JVM: deleted");
        assertThat(archives(cache)).isEmpty();
    }

    /**
     * A JDK 25 runtime ({@code multiarch-jre:25-<engine's architecture>}, tools/jre-images.sh) makes
     * an AOT cache (JEP 483) instead of an AppCDS archive, in its training container's two steps,
     * and the next runtime maps it: its JVM says so from its own memory map, and a jar's class came
     * from it (the class-load log); one the JVM does not take is deleted as an archive is.
     */
    @Test
    void aJdk25RuntimeMakesAndMapsAnAotCache() throws Exception {
        String engine = SharedSession.docker().engineArchitecture().platform();
        Class<?> test = engine.equals("arm64") ? AotArm64.class : AotAmd64.class;
        Path cache = work.resolve("aot");
        String[] params = {"multiarch.cds.dir=" + cache, "multiarch.image." + engine + "=multiarch-jre:25-" + engine,
                "multiarch.jvm.args=-Xlog:class+load=info:file=" + CLASS_LOAD_LOG};

        String first = run(classpath, List.of(), test, params);
        assertThat(first).contains("FINISHED probe() SUCCESSFUL",
                "making a class-data archive for later runs, in the background (an AOT cache: java 25");
        await("the detached training to make the AOT cache").atMost(Duration.ofMinutes(5))
                .pollInterval(Duration.ofSeconds(1)).until(() -> Files.isDirectory(cache) && files(cache).stream()
                        .anyMatch(p -> p.toString().endsWith(".aot")));
        await("the training container to remove itself").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500)).until(() -> SharedSession.docker().client().listContainersCmd()
                        .withShowAll(true).withLabelFilter(Map.of(Docker.LABEL, "cds-training-" + engine)).exec()
                        .isEmpty());
        List<Path> made = files(cache);
        assertThat(made).as("the AOT cache alone: no recording, temporary or failure file").singleElement()
                .satisfies(p -> assertThat(p.getFileName().toString()).startsWith(
                        SharedSession.docker().engineArchitecture().qemu() + "-").endsWith(".aot"));
        assertThat(Files.size(made.get(0))).isGreaterThan(1_000_000);

        String second = run(classpath, List.of("-Daot.probe.mapped=true"), test, params);
        assertThat(second).contains("FINISHED probe() SUCCESSFUL", "class-data archive in use (an AOT cache)")
                .doesNotContain("making a class-data archive");

        Files.write(made.get(0), new byte[4096]); // not a cache any more: the JVM goes on without it
        String third = run(classpath, List.of(), test, params);
        assertThat(third).contains("FINISHED probe() SUCCESSFUL", "was not taken by the JVM: deleted");
        assertThat(files(cache)).isEmpty();
    }

    @Test
    void aClassFileInADirectoryAndInALaterJarGetsNoArchive() throws Exception {
        String quick = CleanupTest.Quick.class.getName().replace('.', '/') + ".class";
        Path clash = work.resolve("clash.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(clash))) {
            out.putNextEntry(new JarEntry(quick));
            Files.copy(testClasses.resolve(quick), out);
            out.closeEntry();
        }
        List<Path> cp = new ArrayList<>(classpath);
        cp.add(clash);
        Path cache = work.resolve("cds-clash");

        String output = run(cp, List.of(), CleanupTest.Quick.class, "multiarch.cds.dir=" + cache);
        assertThat(output).contains("FINISHED passes() SUCCESSFUL", "no class-data archive: " + quick
                + " is both in the class path directory " + testClasses + " and in the later jar " + clash
                + ": the archive would serve the jar's class");
        assertThat(cache).doesNotExist();
    }

    /** What {@link Lookups} finds in a JVM of the host with {@code cp}. */
    private static String hostLookups(List<Path> cp) throws Exception {
        Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                String.join(File.pathSeparator, cp.stream().map(Path::toString).toList()), Lookups.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(java.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(java.exitValue()).as(out).isZero();
        return out;
    }

    private static String run(List<Path> cp, List<String> jvmOptions, Class<?> test, String... params) throws Exception {
        long t0 = System.nanoTime();
        try (HostJvm host = HostJvm.start(List.of(), jvmOptions, cp, test, params)) {
            assertThat(host.process.waitFor(5, TimeUnit.MINUTES)).as("host JVM finished").isTrue();
            String output = host.output();
            System.out.printf("host JVM of %s: %.1f s%n%s", test.getSimpleName(), (System.nanoTime() - t0) / 1e9,
                    output.lines().filter(l -> l.contains("[multiarch]") || l.startsWith("FINISHED"))
                            .reduce("", (a, b) -> a + b + "\n"));
            return output;
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        }
    }

    private static List<Path> archives(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.toString().endsWith(".jsa")).toList();
        }
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A JDK 25 runtime's test: with {@code aot.probe.mapped}, a jar's class came from the AOT cache. */
    static void aotProbe() throws IOException {
        Assertions.assertEquals(25, Runtime.version().feature(), "the JDK 25 image's JVM");
        if (Boolean.getBoolean("aot.probe.mapped")) {
            List<String> log = Files.readAllLines(Path.of(CLASS_LOAD_LOG));
            Assertions.assertTrue(log.stream().anyMatch(l -> l.contains(" " + Assertions.class.getName()
                    + " source: shared objects file")), "a jar's class from the AOT cache: " + find(log, "Assertions"));
        }
    }

    private static String find(List<String> log, String what) {
        return log.stream().filter(l -> l.contains(what)).findFirst().orElse("(no line)");
    }

    @RunsOn("amd64")
    public static class AotAmd64 {
        @Test
        void probe() throws IOException {
            aotProbe();
        }
    }

    @RunsOn("arm64")
    public static class AotArm64 {
        @Test
        void probe() throws IOException {
            aotProbe();
        }
    }

    /**
     * What a class path answers: run natively ({@link #main}, the host's answers) and as a remote
     * test, which fails unless the s390x JVM answers the same ({@code cds.probe.expected}): every
     * resource and class as the host's class loader finds it, in the host's order, and what a walk
     * of the class directory finds. With {@code cds.probe.copied} (a runtime that maps the
     * archive) it also shows that the archive served a jar's class while the directories come
     * first, how the directories are mounted, and that writes into them succeed in the container.
     */
    @RunsOn("s390x")
    public static class Lookups {

        public static void main(String[] args) throws IOException {
            System.out.print(lookups());
        }

        @Test
        void lookUp() throws Exception {
            String expected = System.getProperty("cds.probe.expected");
            Assumptions.assumeTrue(expected != null, "run by ClassDataArchiveTest");
            Assertions.assertEquals("s390x", System.getProperty("os.arch"));
            Path dir = Path.of(System.getProperty("cds.probe.dir"));
            URL license = ClassLoader.getSystemClassLoader().getResource("META-INF/LICENSE.txt");
            Assertions.assertEquals("file:" + dir + "/META-INF/LICENSE.txt", String.valueOf(license));
            Assertions.assertEquals("the directory's licence", read(license));
            Assertions.assertEquals(expected, lookups());
            Assertions.assertEquals(dir + "/META-INF/LICENSE.txt", new File(license.toURI()).getCanonicalPath());
            if (!Boolean.getBoolean("cds.probe.copied")) {
                return;
            }
            List<String> log = Files.readAllLines(Path.of(CLASS_LOAD_LOG));
            Assertions.assertTrue(log.stream().anyMatch(l -> l.endsWith(" " + Assertions.class.getName()
                    + " source: shared objects file (top)")), "a jar's class from the archive: " + find(log, "Assertions"));
            Path testClasses = Path.of(Lookups.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Assertions.assertTrue(log.stream().anyMatch(l -> l.endsWith(" " + Lookups.class.getName() + " source: file:"
                    + testClasses + "/")), "a directory's class from the directory: " + find(log, "Lookups"));
            // the directory's own path: a tmpfs where native code may run, as in /tmp; the real
            // directories, which the agent copied from, read-only
            List<String[]> mounts = Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" "))
                    .toList();
            String[] own = mounts.stream().filter(m -> m[1].equals(dir.toString())).reduce((a, b) -> b).orElseThrow();
            Assertions.assertEquals("tmpfs", own[2], String.join(" ", own));
            Assertions.assertFalse(List.of(own[3].split(",")).contains("noexec"), String.join(" ", own));
            List<String[]> real = mounts.stream().filter(m -> m[1].startsWith("/multiarch/classdirs/")).toList();
            Assertions.assertTrue(real.size() >= 2, "test-classes and the Apache-style classes: " + real.size());
            for (String[] m : real) {
                Assertions.assertEquals("ro", m[3].split(",")[0], String.join(" ", m));
                Assertions.assertThrows(IOException.class, () -> Files.writeString(Path.of(m[1], "x"), "x"));
            }
            for (Path f : List.of(testClasses.resolve("io/github/multiarch/junit/cds-probe-written.txt"),
                    testClasses.resolve("cds-probe-top-level.txt"), dir.resolve("cds-testdata/sub/written.txt"))) {
                Files.writeString(f, "written on s390x");
                Assertions.assertEquals("written on s390x", Files.readString(f));
            }
        }

        /** The class path, the resources that a directory and a jar both hold, and where classes come from. */
        static String lookups() throws IOException {
            ClassLoader loader = ClassLoader.getSystemClassLoader();
            StringBuilder sb = new StringBuilder("java.class.path=").append(System.getProperty("java.class.path"))
                    .append('\n');
            for (String name : List.of("META-INF/LICENSE.txt", "META-INF/NOTICE.txt", "multiarch-cds-probe.txt",
                    "META-INF/MANIFEST.MF", "junit-platform.properties", "io/github/multiarch/junit/RunsOn.class")) {
                URL first = loader.getResource(name);
                sb.append(name).append(" -> ").append(first);
                if (first != null && name.endsWith(".txt")) {
                    sb.append(" = ").append(read(first));
                }
                sb.append('\n');
                for (URL url : Collections.list(loader.getResources(name))) {
                    sb.append("  ").append(url).append('\n');
                }
            }
            for (Class<?> c : List.of(Lookups.class, Assertions.class, RunsOn.class)) {
                sb.append(c.getName()).append(" from ").append(c.getProtectionDomain().getCodeSource().getLocation())
                        .append('\n');
            }
            // a parameterized test's files: a walk (no links followed) from the class directory and
            // from a top-level resource directory; names with ..; canonical paths
            Path root;
            Path testdata;
            try {
                root = Path.of(loader.getResource("multiarch-cds-probe.txt").toURI()).getParent();
                testdata = Path.of(loader.getResource("cds-testdata").toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            sb.append(walk(root)).append(walk(testdata));
            for (String name : List.of("cds-testdata/sub/../a.txt", "META-INF/../multiarch-cds-probe.txt",
                    "cds-testdata/link-to-a.txt")) {
                URL url = loader.getResource(name);
                sb.append(name).append(" -> ").append(url);
                if (url != null) {
                    sb.append(" = ").append(read(url));
                }
                sb.append('\n');
            }
            for (String name : List.of("META-INF/LICENSE.txt", "cds-testdata/sub/b.txt", "cds-testdata/link-to-a.txt")) {
                try {
                    Path file = Path.of(loader.getResource(name).toURI());
                    sb.append("canonical path of ").append(name).append(": ").append(file.toFile().getCanonicalPath())
                            .append(' ').append(file.toRealPath()).append('\n');
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            return sb.toString();
        }

        /** What {@code Files.walk(start)} finds (links not followed): each path's name below it, kind, size, permissions and time. */
        static String walk(Path start) throws IOException {
            StringBuilder sb = new StringBuilder("walk of ").append(start).append(":\n");
            try (Stream<Path> paths = Files.walk(start)) {
                for (Path p : paths.sorted().toList()) {
                    PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    sb.append("  ").append(start.relativize(p)).append(' ');
                    if (a.isSymbolicLink()) {
                        sb.append("link -> ").append(Files.readSymbolicLink(p));
                    } else {
                        sb.append(a.isRegularFile() ? "file " + a.size() : a.isDirectory() ? "directory" : "other")
                                .append(' ').append(PosixFilePermissions.toString(a.permissions())).append(' ')
                                .append(a.lastModifiedTime().toMillis());
                    }
                    sb.append('\n');
                }
            }
            return sb.toString();
        }

        private static String read(URL url) throws IOException {
            try (InputStream in = url.openStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }
}
