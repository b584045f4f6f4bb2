package io.github.multiarch.junit;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which test classes the {@link MatrixEngine} took over in the discovery now running on this
 * thread, so that {@link MatrixFilter} keeps JUnit Jupiter's own engine from running them too.
 * JUnit gives the two no way to talk: the engine discovers first, the filter is applied after every
 * engine has discovered, both on the launcher's thread, between the discovery listeners'
 * {@code launcherDiscoveryStarted} and {@code launcherDiscoveryFinished} ({@link RunsOnSetting}
 * opens and closes the record there). Discoveries nest (a suite engine discovers inside the
 * launcher's discovery), so each has its own record, innermost first.
 *
 * @since 0.2.0
 */
final class MatrixHandover {

    private static final ThreadLocal<Deque<Set<String>>> DISCOVERIES = ThreadLocal.withInitial(ArrayDeque::new);

    private MatrixHandover() {
    }

    /** A discovery starts on this thread: nothing is taken over in it yet. */
    static void discoveryStarted() {
        DISCOVERIES.get().push(ConcurrentHashMap.newKeySet());
    }

    /** The discovery on this thread ends: its record goes. */
    static void discoveryFinished() {
        Deque<Set<String>> open = DISCOVERIES.get();
        open.poll();
        if (open.isEmpty()) {
            DISCOVERIES.remove();
        }
    }

    /**
     * The engine runs these classes (binary names) in the current discovery. Without a record (a
     * launcher without this extension's discovery listener, or a test kit running the engine
     * alone) there is no Jupiter engine to keep from them through this way, and nothing is noted.
     */
    static void takeOver(Collection<String> classNames) {
        Deque<Set<String>> open = DISCOVERIES.get();
        if (open.isEmpty()) {
            DISCOVERIES.remove();
            return;
        }
        open.peek().addAll(classNames);
    }

    /** Whether the current discovery's {@link MatrixEngine} took over the class of that binary name. */
    static boolean isTakenOver(String className) {
        Deque<Set<String>> open = DISCOVERIES.get();
        if (open.isEmpty()) {
            DISCOVERIES.remove();
            return false;
        }
        return open.peek().contains(className);
    }
}
