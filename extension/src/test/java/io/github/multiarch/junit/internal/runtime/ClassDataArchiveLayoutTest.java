package io.github.multiarch.junit.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whether putting the jars before the directories could change what a test sees. */
class ClassDataArchiveLayoutTest {

    @TempDir
    Path tmp;

    @Test
    void aFileInADirectoryAndInAJarIsNamedAndManifestsDoNotCount() throws IOException {
        Path classes = tmp.resolve("test-classes");
        write(classes.resolve("com/example/FooTest.class"));
        write(classes.resolve("META-INF/MANIFEST.MF"));
        Path other = jar("other.jar", "com/example/Bar.class", "META-INF/MANIFEST.MF");
        assertThat(ClassDataArchive.shadowed(List.of(classes), List.of(other))).isEmpty();

        write(classes.resolve("logback-test.xml"));
        Path logging = jar("logging.jar", "logback-test.xml");
        assertThat(ClassDataArchive.shadowed(List.of(classes), List.of(other, logging)))
                .hasValue("logback-test.xml (in a directory and in logging.jar)");
    }

    private static void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
    }

    private Path jar(String name, String... entries) throws IOException {
        Path jar = tmp.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String e : entries) {
                out.putNextEntry(new JarEntry(e));
                out.write('x');
                out.closeEntry();
            }
        }
        return jar;
    }
}
