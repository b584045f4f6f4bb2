package io.github.multiarch.junit.internal.runtime;

import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.arch.Log;
import io.github.multiarch.junit.internal.arch.MultiarchException;
import io.github.multiarch.junit.internal.binfmt.Emulators;
import io.github.multiarch.junit.internal.docker.Docker;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.support.store.Namespace;
import org.junit.platform.engine.support.store.NamespacedHierarchicalStore;

/**
 * The warm runtimes of one JUnit launcher session, one per architecture and image, started on
 * first use and kept for every later test of the session; with them the session's connection to
 * the Docker engine and its class-data archive plans. It lives in the launcher session's store,
 * so JUnit closes it, and with it every runtime and the engine's client, when the session ends.
 *
 * <p>How a runtime comes to be ({@link #get}): the image is resolved once per run, and the
 * runtime's own start is the proof by running that the emulator works. Only when it fails is the
 * emulator checked (and registered, see {@link Emulators}), and the runtime started again.
 *
 * <p>If the JVM exits without closing the session (SIGTERM, {@code System.exit}), a shutdown hook
 * stops the runtimes, and nothing new starts from then on. If the JVM is killed outright, each
 * agent halts when its connection drops and its container removes itself.
 *
 * @since 0.2.0
 */
public final class Runtimes implements AutoCloseable {

    private static final String STORE_NAMESPACE = "multiarch runtimes";

    /**
     * What a runtime is made of: its architecture and image, how to check its emulator, the class
     * path, the class-data archive's cache directory ({@code null}: none) and training class,
     * the user's JVM options ({@code multiarch.jvm.args}, see {@link #jvmArgs}), how long it
     * may take to start and stay silent, and how long a runtime left for the next run waits for it
     * ({@code multiarch.keepAlive}, {@link KeptAlive}; {@code null}: none is left). The rest of its
     * set-up is taken from this JVM when it starts ({@link JvmSetup}).
     */
    public record Spec(Architecture arch, String image, String bundleImage, Emulators.Install install,
                       List<Path> classpath, Path cdsDir, String trainingClass, List<String> jvmArgs,
                       RemoteRuntime.Timeouts timeouts, java.time.Duration keepAlive) {
        public Spec {
            jvmArgs = List.copyOf(jvmArgs);
        }

        /** A spec that leaves no runtime for the next run. */
        public Spec(Architecture arch, String image, String bundleImage, Emulators.Install install,
                    List<Path> classpath, Path cdsDir, String trainingClass, List<String> jvmArgs,
                    RemoteRuntime.Timeouts timeouts) {
            this(arch, image, bundleImage, install, classpath, cdsDir, trainingClass, jvmArgs, timeouts, null);
        }
    }

    /** What a runtime to be left for the next run is made of: its spec, image and set-up (the archive is planned again). */
    private record Leave(Spec spec, String imageId, JvmSetup setup) {
    }

    /**
     * The options of the configuration parameter {@code multiarch.jvm.args}: split at white space,
     * except in double or single quotes.
     *
     * @throws IllegalArgumentException when a quote is not closed
     */
    public static List<String> jvmArgs(String value) {
        return JvmSetup.parseArgs(value);
    }

    /**
     * What one test run has checked: each image's id (resolved once per run: an image may be
     * rebuilt between runs) and each emulator's state (checked at most once per run). Kept by the
     * caller per run (in JUnit's root store).
     */
    public static final class RunChecks {
        private final Map<String, String> imageIds = new ConcurrentHashMap<>();
        private final Map<Architecture, String> emulators = new ConcurrentHashMap<>();
    }

    private final Map<String, RemoteRuntime> runtimes = new ConcurrentHashMap<>();
    /** Every runtime this session started, also the retired ones still finishing their sessions. */
    private final java.util.Set<RemoteRuntime> started = ConcurrentHashMap.newKeySet();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final ClassDataArchive.Planner archives = new ClassDataArchive.Planner();
    /** Per runtime key ({@link #get}), the last runtime's recipe inputs, for {@code multiarch.keepAlive}. */
    private final Map<String, Leave> toLeave = new ConcurrentHashMap<>();
    private final Object dockerLock = new Object();
    private final Thread shutdownHook = new Thread(() -> shutDown(false), "multiarch-runtime-cleanup");
    private Docker docker;
    private volatile boolean closed;

    Runtimes() {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The runtimes of {@code context}'s launcher session. */
    public static Runtimes of(ExtensionContext context) {
        return context.getStore(ExtensionContext.StoreScope.LAUNCHER_SESSION,
                        ExtensionContext.Namespace.create(STORE_NAMESPACE))
                .getOrComputeIfAbsent(Runtimes.class, k -> new Runtimes(), Runtimes.class);
    }

    /** The runtimes of the launcher session whose store is {@code sessionStore}. */
    public static Runtimes of(NamespacedHierarchicalStore<Namespace> sessionStore) {
        return sessionStore.getOrComputeIfAbsent(Namespace.create(STORE_NAMESPACE), Runtimes.class,
                k -> new Runtimes(), Runtimes.class);
    }

    /** The engine; connects on first use (and again after a failed attempt). */
    public Docker docker() {
        synchronized (dockerLock) {
            requireOpen("connect to Docker");
            if (docker == null) {
                docker = Docker.connect();
            }
            return docker;
        }
    }

    /**
     * Connects to the engine in the background, so that the second or so it costs overlaps test
     * discovery. A failure here is not lost: the first test that needs the engine connects again
     * and reports it.
     */
    public void connectInBackground() {
        Thread t = new Thread(() -> {
            try {
                docker();
            } catch (RuntimeException e) {
                Log.debug("Connecting to Docker in the background failed; the first test that needs the engine"
                        + " connects again and reports the failure", e);
            }
        }, "multiarch-docker-connect");
        t.setDaemon(true);
        t.start();
    }

    /** The image id of {@code spec}'s image for its architecture, resolved once per run. */
    public String imageId(Spec spec, RunChecks checks) {
        return checks.imageIds.computeIfAbsent(spec.arch().platform() + ":" + spec.image(),
                k -> docker().resolveImage(spec.image(), spec.arch()));
    }

    /**
     * The live runtime of {@code spec}, started if there is none (or it died). When the start
     * fails, and the emulator was not checked in this run yet, the emulator is checked (and
     * registered when missing), and the runtime started once more.
     */
    public RemoteRuntime get(Spec spec, RunChecks checks) {
        Docker engine = docker();
        try {
            return get(engine, spec, checks);
        } catch (RuntimeException e) {
            if (!engine.lostConnection(e)) {
                throw e instanceof MultiarchException m ? m : engine.failed("while the " + spec.arch() + " JVM was started", e);
            }
            // the engine answers again, on a new connection (it restarted, and the client's pooled one was stale)
            try {
                return get(engine, spec, checks);
            } catch (MultiarchException again) {
                throw again;
            } catch (RuntimeException again) {
                throw engine.failed("while the " + spec.arch() + " JVM was started", again);
            }
        }
    }

    private RemoteRuntime get(Docker engine, Spec spec, RunChecks checks) {
        engine.retryRemovals();
        String imageId = imageId(spec, checks);
        String key = spec.arch().platform() + "|" + imageId + "|" + spec.jvmArgs();
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            RemoteRuntime runtime = runtimes.get(key);
            if (runtime != null && runtime.acceptsNewSessions()) {
                return runtime;
            }
            if (runtime != null && !runtime.isAlive()) {
                runtime.close();
            } // (a retired one stops by itself when its last session is done)
            runtime = start(engine, spec, imageId, checks, key);
            runtimes.put(key, runtime);
            started.add(runtime);
            if (closed) { // the JVM began to shut down while it started
                runtime.close();
                requireOpen("start the " + spec.arch() + " JVM");
            }
            return runtime;
        }
    }

    private RemoteRuntime start(Docker engine, Spec spec, String imageId, RunChecks checks, String key) {
        Architecture arch = spec.arch();
        Supplier<RemoteRuntime> start = () -> {
            requireOpen("start the " + arch + " JVM");
            JvmSetup setup = JvmSetup.capture(spec.classpath(), spec.jvmArgs(), engine.isRootless(),
                    engine.imageEnv(imageId));
            RemoteRuntime.Recipe recipe = recipe(engine, spec, imageId, setup);
            if (spec.keepAlive() == null) {
                return RemoteRuntime.start(engine, recipe, spec.timeouts());
            }
            RemoteRuntime runtime = KeptAlive.adopt(engine, recipe, spec.timeouts());
            if (runtime == null) {
                runtime = RemoteRuntime.start(engine, recipe, spec.timeouts());
            }
            toLeave.put(key, new Leave(spec, imageId, setup));
            return runtime;
        };
        if (checks.emulators.containsKey(arch)) {
            return start.get();
        }
        try {
            RemoteRuntime runtime = start.get();
            checks.emulators.put(arch, "usable: the runtime runs");
            return runtime;
        } catch (MultiarchException failedStart) {
            String emulator;
            try {
                emulator = Emulators.ensure(engine, arch, imageId, spec.bundleImage(), spec.install());
            } catch (RuntimeException e) {
                e.addSuppressed(failedStart);
                throw e;
            }
            checks.emulators.put(arch, emulator);
            if (emulator.equals("native")) {
                throw failedStart; // nothing to emulate: the JVM itself failed
            }
            try {
                return start.get(); // usable now: registered by this JVM, or by another meanwhile
            } catch (MultiarchException again) {
                again.addSuppressed(failedStart);
                throw again;
            }
        }
    }

    /** The runtime of {@code spec} and {@code setup}, with its class-data archive planned now. */
    private RemoteRuntime.Recipe recipe(Docker engine, Spec spec, String imageId, JvmSetup setup) {
        return RemoteRuntime.Recipe.of(spec.arch(), imageId, spec.image(), archives.plan(spec.cdsDir(), engine,
                spec.arch(), imageId, spec.classpath(), spec.trainingClass(), setup), setup);
    }

    private void requireOpen(String what) {
        if (closed) {
            throw new MultiarchException("Did not " + what + ": the test run is over, or this JVM is shutting down"
                    + " (e.g. the build was stopped), so nothing new starts.");
        }
    }

    /** The runtimes this session started that still run (for diagnostics, and the tests' fault injection). */
    public List<RemoteRuntime> running() {
        return started.stream().filter(RemoteRuntime::isAlive).toList();
    }

    /** Stops every runtime; later tests start new ones. */
    public void closeRuntimes() {
        started.forEach(RemoteRuntime::close);
        started.clear();
        runtimes.clear();
    }

    /**
     * Stops every runtime and closes the engine's client; nothing starts afterwards. With
     * {@code multiarch.keepAlive}, first leaves a new runtime for the next run of each kind this
     * run used ({@link KeptAlive}); not when the JVM shuts down otherwise (the build was stopped).
     */
    @Override
    public void close() {
        shutDown(true);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            Log.debug("The JVM is shutting down: its shutdown hook runs (or ran) the same shut-down", e);
        }
    }

    private void leaveForTheNextRun() {
        Docker engine;
        synchronized (dockerLock) {
            engine = docker;
        }
        if (engine == null || toLeave.isEmpty()) {
            return;
        }
        for (Leave leave : toLeave.values()) {
            Spec spec = leave.spec();
            try {
                KeptAlive.leave(engine, recipe(engine, spec, leave.imageId(), leave.setup()), spec.keepAlive(),
                        spec.trainingClass());
            } catch (RuntimeException e) {
                Log.warn(spec.arch() + ": no JVM kept alive for the next run", e);
            }
        }
        toLeave.clear();
    }

    /** Stops every runtime (and, when the run ended normally, leaves the next run's), then closes the engine's client. */
    private void shutDown(boolean leaveForTheNextRun) {
        closed = true;
        closeRuntimes();
        if (leaveForTheNextRun) {
            leaveForTheNextRun();
        }
        synchronized (dockerLock) {
            if (docker != null) {
                docker.close();
            }
        }
    }
}
