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

/**
 * When a class-data archive would change a lookup of the host's class path (kept in its order,
 * its directories linked): a class file of a directory that a later jar holds too, which the
 * archive would serve from the jar; an entry inside a directory, which the directory's tmpfs
 * would hide. Resources in both places change nothing.
 */
class ClassDataArchiveLayoutTest {

    @TempDir
    Path tmp;

    @Test
    void resourcesInADirectoryAndInAJarChangeNothingAsApacheStyleProjectsHaveThem() throws IOException {
        Path classes = tmp.resolve("target/classes");
        write(classes.resolve("org/example/Foo.class"));
        write(classes.resolve("META-INF/LICENSE.txt"));
        write(classes.resolve("META-INF/NOTICE.txt"));
        write(classes.resolve("META-INF/MANIFEST.MF"));
        write(classes.resolve("logback-test.xml"));
        Path commons = jar("commons-lang3.jar", "org/apache/commons/lang3/StringUtils.class", "META-INF/LICENSE.txt",
                "META-INF/NOTICE.txt", "META-INF/MANIFEST.MF", "logback-test.xml");

        assertThat(ClassDataArchive.shadowedClass(List.of(classes, commons))).isEmpty();
        assertThat(ClassDataArchive.nested(List.of(classes, commons))).isEmpty();
    }

    @Test
    void aClassFileOfADirectoryInALaterJarIsNamedWithBoth() throws IOException {
        Path classes = tmp.resolve("target/classes");
        write(classes.resolve("org/example/Foo.class"));
        Path other = jar("other.jar", "org/example/Bar.class");
        Path clash = jar("clash.jar", "org/example/Foo.class");

        assertThat(ClassDataArchive.shadowedClass(List.of(classes, other, clash))).hasValue(
                "org/example/Foo.class is both in the class path directory " + classes + " and in the later jar " + clash
                        + ": the archive would serve the jar's class");
    }

    @Test
    void aJarBeforeTheDirectoryWinsOnTheHostAsWithTheArchive() throws IOException {
        Path classes = tmp.resolve("target/classes");
        write(classes.resolve("org/example/Foo.class"));
        Path clash = jar("clash.jar", "org/example/Foo.class");

        assertThat(ClassDataArchive.shadowedClass(List.of(clash, classes))).isEmpty();
    }

    @Test
    void moduleInfoDoesNotCountAndAVersionedClassCountsAsTheClassItStandsFor() throws IOException {
        Path classes = tmp.resolve("target/classes");
        write(classes.resolve("module-info.class"));
        write(classes.resolve("META-INF/versions/9/module-info.class"));
        Path modular = jar("modular.jar", "module-info.class", "META-INF/versions/9/module-info.class",
                "META-INF/versions/11/module-info.class");
        assertThat(ClassDataArchive.shadowedClass(List.of(classes, modular))).isEmpty();

        write(classes.resolve("org/example/Foo.class"));
        Path multiRelease = jar("multi-release.jar", "META-INF/versions/11/org/example/Foo.class");
        assertThat(ClassDataArchive.shadowedClass(List.of(classes, modular, multiRelease)))
                .hasValueSatisfying(why -> assertThat(why).startsWith("org/example/Foo.class is both in"));
        assertThat(ClassDataArchive.unversioned("META-INF/versions/11/org/example/Foo.class"))
                .isEqualTo("org/example/Foo.class");
        assertThat(ClassDataArchive.unversioned("META-INF/LICENSE.txt")).isEqualTo("META-INF/LICENSE.txt");
    }

    @Test
    void anEntryInsideADirectoryIsNamed() throws IOException {
        Path classes = Files.createDirectories(tmp.resolve("target/classes"));
        Path inside = jar("target/classes/lib/inner.jar", "org/example/Inner.class");

        assertThat(ClassDataArchive.nested(List.of(classes, inside))).hasValue("the class path entry " + inside
                + " lies inside the class path directory " + classes);
        assertThat(ClassDataArchive.nested(List.of(classes, jar("outer.jar", "x")))).isEmpty();
    }

    private static void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "x");
    }

    private Path jar(String name, String... entries) throws IOException {
        Path jar = tmp.resolve(name);
        Files.createDirectories(jar.getParent());
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
