package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the agent fills the class path directories of a runtime with a class-data archive
 * ({@link Agent#copyClassDirectories}), here on the host's file system: a copy of the whole
 * tree, so a class loader that opened the directory while it was empty then finds its files under
 * the directory's own URL, before a later jar's, and whatever looks at the directory as files
 * (a walk, a name with {@code ..}, a canonical path) sees what it sees in the real directory; and
 * a refusal for what must not be filled.
 */
class AgentClassDirectoriesTest {

    @TempDir
    Path tmp;

    @Test
    void theTreeIsCopiedAndALoaderOpenedWhileItWasEmptyFindsItFirst() throws IOException {
        Path contents = tmp.resolve("mounted/classes");
        Files.createDirectories(contents.resolve("META-INF"));
        Files.writeString(contents.resolve("META-INF/LICENSE.txt"), "the directory's");
        Files.writeString(contents.resolve("top.properties"), "top");
        Files.createDirectories(contents.resolve("empty"));
        Path dir = Files.createDirectories(tmp.resolve("module/target/classes"));
        Path jar = tmp.resolve("commons.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/LICENSE.txt"));
            out.write("the jar's".getBytes());
        }

        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL(), jar.toUri().toURL()}, null)) {
            assertThat(loader.getResource("META-INF/LICENSE.txt").toString()).startsWith("jar:"); // opened while empty
            Agent.copyClassDirectories(dir + Agent.CLASS_DIRS_SEPARATOR + contents);

            URL license = loader.getResource("META-INF/LICENSE.txt");
            assertThat(license).isEqualTo(dir.resolve("META-INF/LICENSE.txt").toUri().toURL());
            try (var in = license.openStream()) {
                assertThat(new String(in.readAllBytes())).isEqualTo("the directory's");
            }
            assertThat(Collections.list(loader.getResources("META-INF/LICENSE.txt"))).extracting(URL::toString)
                    .containsExactly("file:" + dir.resolve("META-INF/LICENSE.txt"),
                            "jar:file:" + jar + "!/META-INF/LICENSE.txt");
        }
        try (var entries = Files.list(dir)) {
            assertThat(entries.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("META-INF", "empty", "top.properties");
        }
        assertThat(dir.resolve("top.properties")).isRegularFile().hasContent("top");
        assertThat(Files.isSymbolicLink(dir.resolve("top.properties"))).isFalse();
        assertThat(dir.resolve("META-INF/LICENSE.txt").toFile().getCanonicalPath())
                .isEqualTo(dir.resolve("META-INF/LICENSE.txt").toString());

        Files.writeString(dir.resolve("META-INF/written.txt"), "x"); // a copy: the real directory stays as it is
        assertThat(contents.resolve("META-INF/written.txt")).doesNotExist();
    }

    /**
     * A walk without {@code FOLLOW_LINKS}, from the directory or from a directory in it, finds what
     * it finds in the real directory: the same names, files as files, with their times and
     * permissions; a link in the tree is copied as that link.
     */
    @Test
    void aWalkOfTheDirectoryFindsWhatItFindsInTheRealOne() throws IOException {
        Path contents = tmp.resolve("mounted/classes");
        Files.createDirectories(contents.resolve("testdata/sub"));
        Files.writeString(contents.resolve("top.properties"), "top");
        Files.createDirectories(contents.resolve("org/example"));
        Files.writeString(contents.resolve("org/example/Foo.class"), "x");
        Files.writeString(contents.resolve("testdata/a.json"), "{}");
        Files.writeString(contents.resolve("testdata/sub/b.json"), "[]");
        Files.writeString(contents.resolve("testdata/run.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(contents.resolve("testdata/run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
        Files.createSymbolicLink(contents.resolve("testdata/link.json"), Path.of("a.json"));
        Files.setPosixFilePermissions(contents.resolve("testdata/a.json"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setLastModifiedTime(contents.resolve("testdata/a.json"), FileTime.fromMillis(978_307_200_123L));
        Files.setPosixFilePermissions(contents.resolve("testdata"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(contents.resolve("testdata/sub"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.setLastModifiedTime(contents.resolve("testdata/sub"), FileTime.fromMillis(1_000_000_000_000L));
        Files.setLastModifiedTime(contents.resolve("testdata"), FileTime.fromMillis(1_100_000_000_000L));
        Path dir = Files.createDirectories(tmp.resolve("module/target/classes"));
        try {
            Agent.copyClassDirectories(dir + Agent.CLASS_DIRS_SEPARATOR + contents);

            assertThat(walk(dir)).isEqualTo(walk(contents)).contains(
                    "\norg/example/Foo.class file 1 ", "\ntestdata/a.json file 2 rw-r--r-- 978307200123\n",
                    "\ntestdata/run.sh file 10 rwxr-x--- ", "\ntestdata/link.json link -> a.json\n",
                    "\ntestdata/sub directory r-xr-xr-x 1000000000000\n",
                    "\ntestdata directory rwxr-xr-x 1100000000000\n");
            assertThat(walk(dir.resolve("testdata"))).isEqualTo(walk(contents.resolve("testdata")))
                    .contains("\nsub/b.json file 2 ");
        } finally {
            Files.setPosixFilePermissions(contents.resolve("testdata/sub"), PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.setPosixFilePermissions(dir.resolve("testdata/sub"), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    /** A resource name with {@code ..}, which the JDK resolves to its canonical file: found as in the real directory. */
    @Test
    void aResourceNameWithDotDotIsFoundAsInTheRealDirectory() throws IOException {
        Path contents = Files.createDirectories(tmp.resolve("mounted/classes/META-INF"));
        Files.writeString(contents.resolveSibling("top.properties"), "top");
        Path dir = Files.createDirectories(tmp.resolve("module/target/classes"));
        Agent.copyClassDirectories(dir + Agent.CLASS_DIRS_SEPARATOR + contents.getParent());

        try (URLClassLoader copied = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
             URLClassLoader real = new URLClassLoader(new URL[] {contents.getParent().toUri().toURL()}, null)) {
            assertThat(real.getResource("META-INF/../top.properties")).isNotNull();
            assertThat(copied.getResource("META-INF/../top.properties")).isNotNull()
                    .hasToString(real.getResource("META-INF/../top.properties").toString()
                            .replace(contents.getParent().toString(), dir.toString()));
        }
    }

    /** The agent itself, in a JVM of its own: it stops before anything else, and says why. */
    @Test
    void anAgentThatCannotFillTheDirectoriesExitsAndSaysWhy() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + Agent.CLASS_DIRS_PROPERTY + "=" + empty + Agent.CLASS_DIRS_SEPARATOR + tmp.resolve("gone"),
                "-cp", System.getProperty("java.class.path"), Agent.class.getName(), "0")
                .redirectErrorStream(true).start();
        String output = new String(agent.getInputStream().readAllBytes());
        assertThat(agent.waitFor(1, TimeUnit.MINUTES)).isTrue();

        assertThat(agent.exitValue()).as(output).isEqualTo(Agent.EXIT_CLASS_DIRS);
        assertThat(output).startsWith("multiarch-agent: the class path directories could not be filled with copies"
                + " of their contents (java.io.IOException: the contents of " + empty + ", " + tmp.resolve("gone")
                + ", are no directory), so the tests would not see their classes and files; exiting")
                .doesNotContain(Agent.LISTENING);
    }

    /** The agent says how long the copy took, on its own error output (which the host quotes when a runtime fails). */
    @Test
    void anAgentSaysWhatItCopiedAndHowLongItTook() throws Exception {
        Path contents = Files.createDirectories(tmp.resolve("mounted/classes/org"));
        Files.writeString(contents.resolve("Foo.class"), "x".repeat(1000));
        Path dir = Files.createDirectories(tmp.resolve("module/target/classes"));
        Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + Agent.CLASS_DIRS_PROPERTY + "=" + dir + Agent.CLASS_DIRS_SEPARATOR + contents.getParent(),
                "-cp", System.getProperty("java.class.path"), Agent.class.getName(), "0")
                .redirectErrorStream(true).start();
        String output = new String(agent.getInputStream().readAllBytes());
        assertThat(agent.waitFor(1, TimeUnit.MINUTES)).isTrue();

        assertThat(agent.exitValue()).as(output).isEqualTo(Agent.EXIT_NO_TOKEN); // (after the copy)
        assertThat(output).containsPattern("(?m)^multiarch-agent: copied the class path directories \\(2 files and"
                + " directories, 0\\.0 MiB\\) in \\d+\\.\\d{3} s$");
        assertThat(dir.resolve("org/Foo.class")).hasSize(1000);
    }

    @Test
    void aDirectoryThatIsNotEmptyOrContentsThatAreMissingAreRefused() throws IOException {
        Path contents = Files.createDirectories(tmp.resolve("mounted/classes"));
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("left-over"), "x");
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        assertThatThrownBy(() -> Agent.copyClassDirectories(full + Agent.CLASS_DIRS_SEPARATOR + contents))
                .isInstanceOf(IOException.class).hasMessage(full + " is not empty before it is filled");
        assertThatThrownBy(() -> Agent.copyClassDirectories(empty + Agent.CLASS_DIRS_SEPARATOR + tmp.resolve("gone")))
                .isInstanceOf(IOException.class).hasMessageContaining("are no directory");
        assertThatThrownBy(() -> Agent.copyClassDirectories(String.join(Agent.CLASS_DIRS_SEPARATOR,
                List.of(empty.toString(), contents.toString(), "odd")))).isInstanceOf(IOException.class)
                .hasMessageContaining("odd number");
        assertThatThrownBy(() -> Agent.copyClassDirectories(tmp.resolve("no-such-dir") + Agent.CLASS_DIRS_SEPARATOR
                + contents)).isInstanceOf(IOException.class);
    }

    /** Each path below {@code start} (a walk without {@code FOLLOW_LINKS}): name, kind, size, permissions, time. */
    private static String walk(Path start) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(start)) {
            for (Path p : paths.sorted().toList()) {
                PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String what = a.isSymbolicLink() ? "link -> " + Files.readSymbolicLink(p)
                        : (a.isRegularFile() ? "file " + a.size() : a.isDirectory() ? "directory" : "other") + " "
                                + PosixFilePermissions.toString(a.permissions()) + " " + a.lastModifiedTime().toMillis();
                found.add(start.relativize(p) + " " + what);
            }
        }
        return String.join("\n", found) + "\n";
    }
}
