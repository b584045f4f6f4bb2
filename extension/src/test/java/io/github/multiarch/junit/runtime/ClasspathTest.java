package io.github.multiarch.junit.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

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
                && Files.exists(p.resolve("io/github/multiarch/junit/runtime/ClasspathTest.class"))).isTrue());
    }
}
