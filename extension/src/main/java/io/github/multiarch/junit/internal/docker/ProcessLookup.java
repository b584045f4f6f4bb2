package io.github.multiarch.junit.internal.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Which processes run on this machine, in this JVM's pid namespace, as {@link Owner#orphanOf} needs
 * to know: whether a pid is in use and since when. {@link #proc()} reads {@code /proc}; unit tests
 * give a lambda.
 *
 * @since 0.2.0
 */
@FunctionalInterface
public interface ProcessLookup {

    /**
     * When process {@code pid} started, in clock ticks after the kernel's boot (field 22 of
     * {@code /proc/<pid>/stat}, which tells a pid's new process from its old one); empty when no
     * process has that pid.
     *
     * @throws UncheckedIOException when it cannot be told (then nothing is concluded from it)
     */
    OptionalLong startTicks(long pid);

    /**
     * Whether every process of the pid namespace is visible to this one: with {@code /proc} mounted
     * {@code hidepid=1} or {@code 2} other users' processes are hidden, and a missing pid proves nothing.
     */
    default boolean seesEveryProcess() {
        return true;
    }

    /** This machine's processes as {@code /proc} shows them. */
    static ProcessLookup proc() {
        return proc(Path.of("/proc"));
    }

    /** The processes a {@code /proc} file system at {@code proc} shows. */
    static ProcessLookup proc(Path proc) {
        return new ProcessLookup() {
            @Override
            public OptionalLong startTicks(long pid) {
                String stat;
                try {
                    stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
                } catch (NoSuchFileException e) {
                    return OptionalLong.empty();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return OptionalLong.of(startTicksOf(stat));
            }

            @Override
            public boolean seesEveryProcess() {
                // pid 1 runs as long as the namespace has processes; it is hidden (or unreadable) only by hidepid
                return Files.isReadable(proc.resolve("1").resolve("stat"));
            }
        };
    }

    /**
     * The start time (field 22) of a {@code /proc/<pid>/stat} line. Field 2, the command name in
     * parentheses, may itself hold spaces and parentheses: the fields are counted after its last
     * {@code ')'}.
     *
     * @throws IllegalArgumentException when {@code stat} is not such a line
     */
    static long startTicksOf(String stat) {
        int end = stat.lastIndexOf(')');
        String[] fields = end < 0 ? new String[0] : stat.substring(end + 1).trim().split("\\s+");
        // fields[0] is field 3 (the state), so field 22 is fields[19]
        if (fields.length < 20 || !fields[19].matches("\\d+")) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        return Long.parseLong(fields[19]);
    }
}
