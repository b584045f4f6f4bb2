package io.github.multiarch.junit.internal.remote;

import io.github.multiarch.junit.internal.arch.Log;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The remote runs discovered before their {@link Message.Start} ({@link Message.Prepare}): while
 * one class runs, the host names the class it reaches next, and this JVM discovers it in the
 * background, so that class's Start finds its test plan made. Discovery is JUnit's own, in a
 * launcher session of its own, with the request a session would build ({@link #request}); the
 * session that takes it executes that plan in that launcher session, as if it had discovered it
 * itself. A Start that finds nothing prepared for its selector and parameters discovers as
 * before; what no Start takes is dropped ({@link #KEPT}).
 *
 * @since 0.3.0
 */
final class Prepared {

    /** A discovered run: its launcher session (to execute the plan in) and its test plan. */
    record Discovery(LauncherSession session, TestPlan plan) {
    }

    /** How many prepared runs are kept; the oldest is dropped (its launcher session closed) for a new one. */
    static final int KEPT = 2;

    /** The runs being discovered or discovered, by what decides them, oldest first. */
    private final Map<Key, CompletableFuture<Discovery>> runs = new LinkedHashMap<>();

    /** What decides a discovery: the selector and the parameters, without those discovery does not read. */
    private record Key(String selector, Map<String, String> params) {
        static Key of(String selector, Map<String, String> params) {
            Map<String, String> relevant = new HashMap<>(params);
            relevant.remove(Agent.AHEAD_PARAMETER); // (read by the session itself, not by JUnit's discovery)
            return new Key(selector, Map.copyOf(relevant));
        }
    }

    /** Starts discovering {@code selector} with {@code params} in the background, unless that is done or under way. */
    synchronized void prepare(String selector, Map<String, String> params) {
        Key key = Key.of(selector, params);
        if (runs.containsKey(key)) {
            return;
        }
        while (runs.size() >= KEPT) {
            Iterator<CompletableFuture<Discovery>> oldest = runs.values().iterator();
            drop(oldest.next());
            oldest.remove();
        }
        CompletableFuture<Discovery> run = new CompletableFuture<>();
        runs.put(key, run);
        Thread thread = new Thread(() -> run.complete(discover(selector, params)), "multiarch-prepare");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The prepared run of {@code selector} with {@code params}, taken out, as a future its session
     * waits for (its discovery may still run). It completes with {@code null} if the host prepared
     * none, or its discovery failed: the session then discovers by itself, and reports what goes
     * wrong as JUnit does.
     */
    synchronized CompletableFuture<Discovery> take(String selector, Map<String, String> params) {
        CompletableFuture<Discovery> run = runs.remove(Key.of(selector, params));
        return run == null ? CompletableFuture.completedFuture(null) : run;
    }

    /** The discovery request of a session: the selector, its parameters, one test at a time. */
    static LauncherDiscoveryRequest request(String selector, Map<String, String> params) {
        Map<String, String> config = new HashMap<>(params);
        // One test at a time, in the host's order: the gate follows the host's run test by test.
        // (A junit-platform.properties that enables parallel execution is read here too.)
        config.put("junit.jupiter.execution.parallel.enabled", "false");
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(RemoteSelector.decode(selector))
                .configurationParameters(config)
                .build();
    }

    private static Discovery discover(String selector, Map<String, String> params) {
        LauncherSession session = null;
        try {
            session = LauncherFactory.openSession();
            return new Discovery(session, session.getLauncher().discover(request(selector, params)));
        } catch (Throwable t) { // (the session's own discovery reports it, as JUnit does)
            Log.debug("Discovering " + selector + " ahead of its start failed; its session discovers it itself", t);
            if (session != null) {
                close(session);
            }
            return null;
        }
    }

    /** Drops a prepared run no Start took: closes its launcher session once its discovery is over. */
    private static void drop(CompletableFuture<Discovery> run) {
        run.thenAccept(discovery -> {
            if (discovery != null) {
                close(discovery.session());
            }
        });
    }

    private static void close(LauncherSession session) {
        try {
            session.close();
        } catch (RuntimeException e) {
            Log.debug("Closing a launcher session of a dropped prepared run failed", e);
        }
    }
}
