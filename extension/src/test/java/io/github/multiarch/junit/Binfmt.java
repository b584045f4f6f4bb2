package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Test helper: the host kernel's binfmt_misc entries (the engine here is local, so they are the engine's). */
final class Binfmt {

    static final Path MOUNT = Path.of("/proc/sys/fs/binfmt_misc");

    private Binfmt() {
    }

    /** The magic of {@code arch} as the kernel prints it: lowercase hex without separators. */
    static String hex(String escaped) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < escaped.length(); ) {
            if (escaped.startsWith("\\x", i)) {
                sb.append(escaped, i + 2, i + 4);
                i += 4;
            } else {
                sb.append(String.format("%02x", (int) escaped.charAt(i)));
                i++;
            }
        }
        return sb.toString().toLowerCase();
    }

    /** Every entry whose magic matches {@code arch}, whatever its name. */
    static List<Path> entriesFor(Architecture arch) {
        String magic = "magic " + hex(arch.magic());
        try (Stream<Path> files = Files.list(MOUNT)) {
            return files.filter(p -> !p.getFileName().toString().equals("register")
                            && !p.getFileName().toString().equals("status"))
                    .filter(p -> read(p).lines().anyMatch(magic::equals))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Optional<String> entry(Architecture arch) {
        List<Path> entries = entriesFor(arch);
        return entries.isEmpty() ? Optional.empty() : Optional.of(read(entries.get(0)));
    }

    /**
     * Removes every entry for {@code arch}, as a user without the emulator would have it, and stops
     * this JVM's warm runtimes (see {@link #changed}).
     */
    static void remove(Architecture arch) {
        for (Path p : entriesFor(arch)) {
            try {
                Files.writeString(p, "-1");
            } catch (IOException e) {
                throw new UncheckedIOException("Could not remove " + p + " (this test needs root)", e);
            }
        }
        changed();
    }

    /**
     * After a test changed the kernel's entries: stops this JVM's warm runtimes. A runtime that is
     * already running keeps the interpreter it was started with, so without this the next test
     * run would reuse it and never meet the changed entries.
     */
    static void changed() {
        SharedSession.runtimes().closeRuntimes();
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
