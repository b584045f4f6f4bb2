package io.github.multiarch.junit.internal.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The warm runtimes of this JVM, one per architecture and image, started on first use and
 * kept for every later test of the run. They are closed when the JVM exits (a shutdown hook);
 * if the JVM is killed outright, each agent halts when its connection drops and its container
 * removes itself.
 *
 * @since 0.1.0
 */
public final class RuntimePool {

    private static final Map<String, RemoteRuntime> RUNTIMES = new ConcurrentHashMap<>();
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();

    static {
        // (class-data archive trainings are not waited for: they finish on their own)
        Runtime.getRuntime().addShutdownHook(new Thread(RuntimePool::closeAll, "multiarch-runtime-cleanup"));
    }

    private RuntimePool() {
    }

    /** The live runtime for {@code key}, started with {@code starter} if there is none (or it died). */
    public static RemoteRuntime get(String key, Supplier<RemoteRuntime> starter) {
        synchronized (LOCKS.computeIfAbsent(key, k -> new Object())) {
            RemoteRuntime runtime = RUNTIMES.get(key);
            if (runtime != null && runtime.isAlive()) {
                return runtime;
            }
            if (runtime != null) {
                runtime.close();
            }
            runtime = starter.get();
            RUNTIMES.put(key, runtime);
            return runtime;
        }
    }

    /** Stops every runtime; later tests start new ones. */
    public static void closeAll() {
        RUNTIMES.values().forEach(RemoteRuntime::close);
        RUNTIMES.clear();
    }
}
