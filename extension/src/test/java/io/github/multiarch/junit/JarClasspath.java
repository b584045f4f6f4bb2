package io.github.multiarch.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiarch.junit.internal.runtime.Classpath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * This build's class path with the extension's classes packed into a jar, as its users have it
 * (in this build they are a directory, which gets no class-data archive); the test classes stay
 * the first entry, a directory.
 */
final class JarClasspath {

    private JarClasspath() {
    }

    /** The class path, with the jar written into {@code work}. */
    static List<Path> of(Path work) throws Exception {
        Path classes = Path.of(RunsOn.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(classes).isDirectory();
        Path jar = work.resolve("multiarch-junit.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        List<Path> classpath = new ArrayList<>();
        for (Path p : Classpath.current()) {
            classpath.add(p.equals(classes.toAbsolutePath().normalize()) ? jar : p);
        }
        assertThat(classpath).contains(jar);
        return classpath;
    }

    /** Where this build's test classes are (a directory, the class path's first entry). */
    static Path testClasses() throws Exception {
        Path testClasses = Path.of(JarClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(testClasses).isDirectory();
        return testClasses;
    }
}
