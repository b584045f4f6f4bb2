package io.github.multiarch.junit.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClasspathTest {

    @Test
    void theHostClassPathIsTheRealOneEvenBehindAManifestOnlyJar() throws Exception {
        List<Path> entries = Classpath.current();

        assertThat(entries).allSatisfy(p -> assertThat(p).isAbsolute().exists());
        assertThat(entries).anySatisfy(p -> assertThat(p.toString()).endsWith("test-classes"));
        assertThat(entries).anySatisfy(p -> assertThat(p.getFileName().toString()).startsWith("junit-jupiter-engine"));
        assertThat(entries).doesNotHaveDuplicates();
        // this very class is found in one of the entries
        assertThat(entries).anySatisfy(p -> assertThat(Files.isDirectory(p)
                && Files.exists(p.resolve("io/github/multiarch/junit/internal/runtime/ClasspathTest.class"))).isTrue());
    }

    @Test
    void aManifestOnlyJarIsExpandedAndLeftOutWhileAJarWithClassesStays(@TempDir Path tmp) throws Exception {
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        Path lib = jar(tmp.resolve("lib.jar"), null, "com/example/Lib.class");
        Path withClasses = jar(tmp.resolve("app.jar"), "lib.jar", "com/example/App.class");
        Path booter = jar(tmp.resolve("booter.jar"), classes.toUri() + " " + withClasses.toUri());

        assertThat(Classpath.of(booter.toString())).containsExactly(classes, withClasses, lib);
    }

    private static Path jar(Path jar, String classPath, String... entries) throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (String e : entries) {
                out.putNextEntry(new JarEntry(e));
                out.closeEntry();
            }
        }
        return jar;
    }
}
