package io.github.multiarch.junit.internal.runtime;

import io.github.multiarch.junit.internal.arch.Log;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The host JVM's class path, as files: what the remote JVM loads, byte for byte. Manifest
 * {@code Class-Path} entries are followed, so Surefire's manifest-only booter jar and IDE
 * "short classpath" jars expand to the real entries, and such a jar, when it holds nothing but
 * its manifest, is left out.
 *
 * @since 0.1.0
 */
public final class Classpath {

    private Classpath() {
    }

    public static List<Path> current() {
        return of(System.getProperty("java.class.path", ""));
    }

    /** The entries of a class path given as {@code java.class.path} has it. */
    static List<Path> of(String javaClassPath) {
        Set<Path> entries = new LinkedHashSet<>();
        Set<Path> pointers = new HashSet<>();
        for (String element : javaClassPath.split(File.pathSeparator)) {
            if (!element.isBlank()) {
                add(Path.of(element).toAbsolutePath().normalize(), entries, pointers);
            }
        }
        entries.removeAll(pointers);
        return new ArrayList<>(entries);
    }

    /** Adds {@code path} and what its manifest points to; a jar that holds nothing else goes to {@code pointers}. */
    private static void add(Path path, Set<Path> entries, Set<Path> pointers) {
        if (!Files.exists(path) || !entries.add(path) || !Files.isRegularFile(path)) {
            return;
        }
        try (JarFile jar = new JarFile(path.toFile())) {
            Manifest manifest = jar.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return;
            }
            if (jar.stream().allMatch(e -> e.getName().startsWith("META-INF/"))) {
                pointers.add(path); // a manifest-only jar (Surefire's booter): its entries are expanded instead
            }
            for (String ref : classPath.trim().split("\\s+")) {
                if (ref.isEmpty()) {
                    continue;
                }
                Path resolved = ref.startsWith("file:")
                        ? Path.of(java.net.URI.create(ref))
                        : path.getParent().resolve(ref);
                add(resolved.toAbsolutePath().normalize(), entries, pointers);
            }
        } catch (IOException | IllegalArgumentException e) {
            Log.debug(path + " is not a jar whose manifest can be read: it stays on the class path as it is", e);
        }
    }
}
