package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the agent fills the class path directories of a runtime with a class-data archive
 * ({@link Agent#linkClassDirectories}), here on the host's file system: links of the top-level
 * entries, so a class loader that opened the directory while it was empty then finds its files
 * under the directory's own URL, before a later jar's; and a refusal for what must not be filled.
 */
class AgentClassDirectoriesTest {

    @TempDir
    Path tmp;

    @Test
    void theTopLevelEntriesAreLinkedAndALoaderOpenedWhileItWasEmptyFindsThemFirst() throws IOException {
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
            Agent.linkClassDirectories(dir + Agent.CLASS_DIRS_SEPARATOR + contents);

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
        assertThat(Files.readSymbolicLink(dir.resolve("top.properties"))).isEqualTo(contents.resolve("top.properties"));
        assertThat(dir.resolve("META-INF/LICENSE.txt").toFile().getCanonicalPath())
                .isEqualTo(contents.resolve("META-INF/LICENSE.txt").toString());
    }

    /**
     * What a walk of the directory sees (README, "The class-data archive"): its top-level entries
     * are links, which a walk without {@code FOLLOW_LINKS} does not enter, also when it starts at
     * one of them; one that starts below the top level, or follows links, or
     * {@link java.io.File#isDirectory}, sees the directories.
     */
    @Test
    void aWalkFromTheDirectoryItselfSeesLinksAtTheTopLevel() throws IOException {
        Path contents = tmp.resolve("mounted/classes");
        Files.createDirectories(contents.resolve("org/example"));
        Files.writeString(contents.resolve("org/example/Foo.class"), "x");
        Files.writeString(contents.resolve("top.properties"), "top");
        Path dir = Files.createDirectories(tmp.resolve("module/target/classes"));
        Agent.linkClassDirectories(dir + Agent.CLASS_DIRS_SEPARATOR + contents);

        try (var walk = Files.walk(dir)) {
            assertThat(walk.map(dir::relativize).map(Path::toString).sorted().toList())
                    .containsExactly("", "org", "top.properties");
        }
        try (var walk = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            assertThat(walk.filter(Files::isRegularFile).map(dir::relativize).map(Path::toString).sorted().toList())
                    .containsExactly("org/example/Foo.class", "top.properties");
        }
        try (var walk = Files.walk(dir.resolve("org"))) { // (the start itself is a link)
            assertThat(walk.map(dir::relativize).map(Path::toString).toList()).containsExactly("org");
        }
        try (var walk = Files.walk(dir.resolve("org/example"))) {
            assertThat(walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                    .map(dir::relativize).map(Path::toString).toList()).containsExactly("org/example/Foo.class");
        }
        assertThat(dir.resolve("org").toFile().isDirectory()).isTrue();
        assertThat(Files.isRegularFile(dir.resolve("top.properties"), java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    /**
     * The one lookup a linked directory answers otherwise: a resource name with {@code ..}, which
     * the JDK resolves to its canonical file, and finds outside the directory (README).
     */
    @Test
    void aResourceNameWithDotDotIsNotFoundInALinkedDirectory() throws IOException {
        Path contents = Files.createDirectories(tmp.resolve("mounted/classes/META-INF"));
        Files.writeString(contents.resolveSibling("top.properties"), "top");
        Path plain = tmp.resolve("plain/classes");
        Files.createDirectories(plain.resolve("META-INF"));
        Files.writeString(plain.resolve("top.properties"), "top");
        Path dir = Files.createDirectories(tmp.resolve("module/target/classes"));
        Agent.linkClassDirectories(dir + Agent.CLASS_DIRS_SEPARATOR + contents.getParent());

        try (URLClassLoader linked = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null);
             URLClassLoader unlinked = new URLClassLoader(new URL[] {plain.toUri().toURL()}, null)) {
            assertThat(unlinked.getResource("META-INF/../top.properties")).isNotNull();
            assertThat(linked.getResource("META-INF/../top.properties")).isNull();
            assertThat(linked.getResource("top.properties")).isNotNull();
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
        assertThat(output).startsWith("multiarch-agent: the class path directories could not be filled with links to"
                + " their contents (java.io.IOException: the contents of " + empty + ", " + tmp.resolve("gone")
                + ", are no directory), so the tests would not see their classes and files; exiting")
                .doesNotContain(Agent.LISTENING);
    }

    @Test
    void aDirectoryThatIsNotEmptyOrContentsThatAreMissingAreRefused() throws IOException {
        Path contents = Files.createDirectories(tmp.resolve("mounted/classes"));
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("left-over"), "x");
        Path empty = Files.createDirectories(tmp.resolve("empty"));

        assertThatThrownBy(() -> Agent.linkClassDirectories(full + Agent.CLASS_DIRS_SEPARATOR + contents))
                .isInstanceOf(IOException.class).hasMessage(full + " is not empty before it is filled");
        assertThatThrownBy(() -> Agent.linkClassDirectories(empty + Agent.CLASS_DIRS_SEPARATOR + tmp.resolve("gone")))
                .isInstanceOf(IOException.class).hasMessageContaining("are no directory");
        assertThatThrownBy(() -> Agent.linkClassDirectories(String.join(Agent.CLASS_DIRS_SEPARATOR,
                List.of(empty.toString(), contents.toString(), "odd")))).isInstanceOf(IOException.class)
                .hasMessageContaining("odd number");
        assertThatThrownBy(() -> Agent.linkClassDirectories(tmp.resolve("no-such-dir") + Agent.CLASS_DIRS_SEPARATOR
                + contents)).isInstanceOf(IOException.class);
    }
}
