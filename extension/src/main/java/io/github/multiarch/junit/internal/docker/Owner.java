package io.github.multiarch.junit.internal.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The host JVM that created a container, as the container's labels record it: the machine (its
 * kernel's boot and its host name), the pid namespace, and the process (pid and start time).
 * {@link #orphanOf} decides from them, for the JVM that finds a stopped container, whether its
 * creator provably ran on this machine in this pid namespace and is provably dead: only then is the
 * container a leftover to remove. An engine's socket may be shared by several machines, containers
 * or CI jobs, each with its own processes; a pid they labelled means nothing to the others.
 *
 * <p>A part that could not be read is {@code null}; an owner with a {@code null} part is never
 * judged dead (containers of older versions, which labelled the pid only, stay too).
 *
 * @param bootId       the kernel's boot id ({@code /proc/sys/kernel/random/boot_id}): pids and start
 *                     times mean something only within one boot of one machine
 * @param hostName     the host name ({@code /proc/sys/kernel/hostname}; in a container, the container's)
 * @param pidNamespace the pid namespace ({@code readlink /proc/self/ns/pid}, e.g. {@code pid:[4026531836]},
 *                     the same on every machine's host namespace: hence boot id and host name too)
 * @param pid          the process id, in that namespace
 * @param startTicks   when the process started, in clock ticks after boot (field 22 of
 *                     {@code /proc/<pid>/stat}): a pid in use by a process with another start time
 *                     was reused, and the owner is dead. (Not {@code ProcessHandle}'s start instant,
 *                     which adds the boot time each JVM reads once from {@code /proc/stat}, a value
 *                     that moves when the clock is set: two JVMs can disagree about one process.)
 * @since 0.2.0
 */
public record Owner(String bootId, String hostName, String pidNamespace, Long pid, Long startTicks) {

    /** Label: the kernel's boot id of the machine of the JVM that created the container. */
    public static final String LABEL_BOOT = "io.github.multiarch.boot";
    /** Label: the host name of that JVM. */
    public static final String LABEL_HOST = "io.github.multiarch.host";
    /** Label: the pid namespace of that JVM, e.g. {@code pid:[4026531836]}. */
    public static final String LABEL_PID_NAMESPACE = "io.github.multiarch.pid.namespace";
    /** Label: the process id of that JVM. */
    public static final String LABEL_PID = "io.github.multiarch.pid";
    /** Label: when that JVM started, in clock ticks after boot. */
    public static final String LABEL_PID_START = "io.github.multiarch.pid.start";

    /** What {@link #orphanOf} found; only {@link #ORPHAN} is removed. */
    public enum Finding {
        /** Created by a JVM of this machine and pid namespace that is gone, or whose pid another process has now. */
        ORPHAN,
        /** A label is missing or malformed (e.g. a container of an older version): its owner cannot be told. */
        UNLABELLED,
        /** This JVM cannot tell: its own labels are incomplete, or processes are hidden from it (hidepid). */
        UNKNOWN_HERE,
        /** Created during another boot of the kernel, or on another machine. */
        OTHER_BOOT,
        /** Created on another host (a container with its own host name shares this engine). */
        OTHER_HOST,
        /** Created in another pid namespace, whose pids this JVM cannot see. */
        OTHER_PID_NAMESPACE,
        /** Its JVM still runs. */
        ALIVE
    }

    private static final Owner CURRENT = read(Path.of("/proc"), ProcessHandle.current().pid());

    /** This JVM. */
    public static Owner current() {
        return CURRENT;
    }

    /**
     * The owner a {@code /proc} file system at {@code proc} shows for the process {@code pid} that
     * reads it. A part that cannot be read is {@code null}, and so are the pid namespace and start
     * time when {@code /proc/self} is not {@code pid} (a {@code /proc} of another pid namespace).
     */
    static Owner read(Path proc, long pid) {
        String bootId = firstLine(proc.resolve("sys/kernel/random/boot_id"));
        String hostName = firstLine(proc.resolve("sys/kernel/hostname"));
        String self = link(proc.resolve("self"));
        if (!Long.toString(pid).equals(self)) {
            return new Owner(bootId, hostName, null, pid, null);
        }
        Long start;
        try {
            OptionalLong ticks = ProcessLookup.proc(proc).startTicks(pid);
            start = ticks.isPresent() ? ticks.getAsLong() : null;
        } catch (RuntimeException e) {
            start = null;
        }
        return new Owner(bootId, hostName, link(proc.resolve("self/ns/pid")), pid, start);
    }

    private static String firstLine(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? null : text;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String link(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The owner a container's labels name; parts that are missing or malformed are {@code null}. */
    public static Owner fromLabels(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        return new Owner(text(l.get(LABEL_BOOT)), text(l.get(LABEL_HOST)), text(l.get(LABEL_PID_NAMESPACE)),
                number(l.get(LABEL_PID)), number(l.get(LABEL_PID_START)));
    }

    private static String text(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static Long number(String value) {
        return value != null && value.matches("\\d{1,18}") ? Long.valueOf(value) : null;
    }

    /** The labels that record this owner on a container it creates (the parts that are known). */
    public Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        put(labels, LABEL_BOOT, bootId);
        put(labels, LABEL_HOST, hostName);
        put(labels, LABEL_PID_NAMESPACE, pidNamespace);
        put(labels, LABEL_PID, pid);
        put(labels, LABEL_PID_START, startTicks);
        return labels;
    }

    private static void put(Map<String, String> labels, String key, Object value) {
        if (value != null) {
            labels.put(key, value.toString());
        }
    }

    /** Whether every part is known. */
    public boolean complete() {
        return bootId != null && hostName != null && pidNamespace != null && pid != null && startTicks != null;
    }

    /**
     * Whether this owner is a dead JVM of {@code me}'s machine and pid namespace, as {@code processes}
     * (which show {@code me}'s pid namespace) tell: a stopped container it created is then a leftover.
     * Anything that cannot be proven keeps the container: a missing label on either side, another boot,
     * host or pid namespace, hidden processes, or a process with that pid and start time.
     */
    public Finding orphanOf(Owner me, ProcessLookup processes) {
        if (!complete()) {
            return Finding.UNLABELLED;
        }
        if (!me.complete() || !processes.seesEveryProcess()) {
            return Finding.UNKNOWN_HERE;
        }
        if (!bootId.equals(me.bootId)) {
            return Finding.OTHER_BOOT;
        }
        if (!hostName.equals(me.hostName)) {
            return Finding.OTHER_HOST;
        }
        if (!pidNamespace.equals(me.pidNamespace)) {
            return Finding.OTHER_PID_NAMESPACE;
        }
        OptionalLong started = processes.startTicks(pid);
        if (started.isPresent() && started.getAsLong() == startTicks) {
            return Finding.ALIVE;
        }
        return Finding.ORPHAN; // no process has its pid, or another one does (started at another time)
    }
}
