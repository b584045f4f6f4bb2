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
 * its directories copied into each runtime): a class file of a directory that a later jar holds
 * too, which the archive would serve from the jar; an entry inside a directory, which the
 * directory's tmpfs would hide. Resources in both places change nothing. And when the
 * directories are too large to copy into each runtime.
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

    @Test
    void directoriesThatHoldMoreThanARuntimeCopiesGetNoArchive() throws IOException {
        Path testClasses = tmp.resolve("target/test-classes");
        write(testClasses.resolve("org/example/FooTest.class"));
        Path classes = tmp.resolve("target/classes");
        Path big = classes.resolve("data/big.bin");
        write(big);
        sparse(big, ClassDataArchive.MAX_COPIED_BYTES - 1); // with FooTest.class's byte: exactly the bound
        Files.createSymbolicLink(classes.resolve("data/elsewhere.bin"), // a link is copied as a link: not counted
                sparse(Files.createDirectories(tmp.resolve("outside")).resolve("huge.bin"), 10 * ClassDataArchive.MAX_COPIED_BYTES));
        Path jar = jar("big.jar", "x");
        sparse(jar, 2 * ClassDataArchive.MAX_COPIED_BYTES); // jars are mapped, not copied

        assertThat(ClassDataArchive.tooLargeToCopy(List.of(testClasses, classes, jar))).isEmpty();

        sparse(big, ClassDataArchive.MAX_COPIED_BYTES); // one byte over, together
        assertThat(ClassDataArchive.tooLargeToCopy(List.of(testClasses, classes, jar))).hasValue(
                "the class path directories hold 64.1 MiB, more than the 64 MiB a runtime copies");
        assertThat(ClassDataArchive.tooLargeToCopy(List.of(classes))).isEmpty();
        sparse(big, 200L << 20);
        assertThat(ClassDataArchive.tooLargeToCopy(List.of(classes))).hasValue(
                "the class path directories hold 200.0 MiB, more than the 64 MiB a runtime copies");
    }

    /** Makes {@code file} {@code size} bytes long without writing them (a sparse file: no disk space). */
    private static Path sparse(Path file, long size) throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(size);
        }
        return file;
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
