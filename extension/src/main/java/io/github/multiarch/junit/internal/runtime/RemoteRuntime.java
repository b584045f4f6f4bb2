package io.github.multiarch.junit.internal.runtime;

import io.github.multiarch.junit.internal.docker.Docker;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.WaitResponse;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.arch.Log;
import io.github.multiarch.junit.internal.arch.MultiarchException;
import io.github.multiarch.junit.internal.remote.Agent;
import io.github.multiarch.junit.internal.remote.CorruptFrameException;
import io.github.multiarch.junit.internal.remote.Message;
import io.github.multiarch.junit.internal.remote.Wire;
import io.github.multiarch.junit.internal.remote.Handshake;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A warm JVM of one architecture: a container running the {@link Agent}, set up like the build's
 * test JVM ({@link JvmSetup}: its working directory, class path, system properties, environment
 * and heap), and one TCP connection to it that carries every session.
 *
 * <p>The container is created with auto-remove, and the agent halts as soon as the connection
 * ends, so a host JVM that is killed outright leaves nothing behind. The agent serves only the
 * connection that proves itself with this runtime's random token ({@link Handshake}), which the
 * container gets in its environment; for a local engine its port is published on loopback only.
 *
 * @since 0.1.0
 */
public final class RemoteRuntime implements AutoCloseable {

    static final int AGENT_PORT = 7357;
    private static final int LOG_TAIL = 64 * 1024;
    /** The exit status of a process killed with SIGKILL (128 + 9), which is what the OOM killer sends. */
    static final int KILLED = 137;

    /** A message for a session, or the news that the runtime is gone (then {@code lost} says why). */
    public record Event(Message message, MultiarchException lost) {
    }

    private final Docker docker;
    private final Architecture arch;
    private final String image;
    private final String containerId;
    /** The token this runtime's agent expects in the {@link Handshake}. */
    private final String token;
    /** The heap the JVM was given, for the message when it is killed for memory. */
    private final String heap;
    /** How long it may take the JVM to start, and to answer a heartbeat ({@link Message.Beat}). */
    private final Timeouts timeouts;
    /** When the last frame of the agent came ({@link System#nanoTime}): any frame shows it is alive. */
    private volatile long lastHeard;
    private final StringBuilder log = new StringBuilder();
    private final CountDownLatch listening = new CountDownLatch(1);
    private final CountDownLatch exited = new CountDownLatch(1);
    private final Map<Integer, BlockingQueue<Event>> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger nextSession = new AtomicInteger(1);
    private volatile Integer exitCode;
    private volatile boolean closed;
    private volatile boolean retired;
    private volatile MultiarchException lost;
    /** Whether the engine reported an OOM event for the container (its {@code State.OOMKilled}). */
    private volatile boolean oomKilled;
    private java.io.Closeable oomEvents;
    private Socket socket;
    private DataOutputStream out;
    private String remoteArch;
    private String remoteJava;
    private Boolean archiveMapped;
    /** Whether the agent took this host's handshake: from then on the container is this runtime's. */
    private volatile boolean claimed;

    /**
     * How long a runtime may take to start ({@code start}: until its agent listens), and how long it
     * may stay silent before it is given up ({@code liveness}: no answer to the host's heartbeat,
     * e.g. a paused container).
     */
    public record Timeouts(Duration start, Duration liveness) {
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(300), Duration.ofSeconds(120));
    }

    private RemoteRuntime(Docker docker, Architecture arch, String image, String containerId, String token,
                          String heap, Timeouts timeouts) {
        Event.class.getName(); // loaded now, not first when the runtime is lost: by then its jar may be gone
        this.docker = docker;
        this.arch = arch;
        this.image = image;
        this.containerId = containerId;
        this.token = token;
        this.heap = heap;
        this.timeouts = timeouts;
    }

    /**
     * Starts a container of {@code recipe} running the agent, set up as its {@link JvmSetup} says,
     * and connects to it.
     */
    static RemoteRuntime start(Docker docker, Recipe recipe, Timeouts timeouts) {
        Architecture arch = recipe.arch();
        String token = Handshake.newToken();
        String id = recipe.create(docker, "runtime-" + arch.platform(), token, List.of(), Map.of()).exec().getId();
        RemoteRuntime runtime = new RemoteRuntime(docker, arch, recipe.imageName(), id, token, recipe.setup().heap(),
                timeouts);
        long t0 = System.nanoTime();
        try {
            docker.putFile(id, JvmSetup.ARGS_FILE, recipe.argsFile());
            runtime.boot();
            runtime.ready(recipe, t0, null);
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /**
     * Connects to a runtime an earlier run left running for this one ({@link KeptAlive}): its
     * container {@code containerId}, made from the same recipe, whose agent waits for a host with
     * {@code token}. Nothing is changed when its agent does not take the connection (another
     * run took it first): then {@code null}.
     */
    static RemoteRuntime adopt(Docker docker, Recipe recipe, String containerId, String token, Timeouts timeouts,
                               String since) {
        RemoteRuntime runtime = new RemoteRuntime(docker, recipe.arch(), recipe.imageName(), containerId, token,
                recipe.setup().heap(), timeouts);
        long t0 = System.nanoTime();
        try {
            runtime.connect();
        } catch (MultiarchException e) {
            if (!runtime.claimed) {
                Log.debug("A kept-alive " + recipe.arch() + " JVM (container " + containerId + ") did not take the"
                        + " connection (another run took it?); starting a new one", e);
                runtime.closed = true;
                return null;
            }
            runtime.close();
            throw e;
        }
        try {
            runtime.watchForOom(docker.client());
            runtime.followLogs();
            runtime.watchExit();
            runtime.ready(recipe, t0, since);
            return runtime;
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /** Says that the runtime is ready, and what it got, after its archive had its say. */
    private void ready(Recipe recipe, long t0, String keptAliveSince) {
        String cds = recipe.archive().afterStart(docker, arch, recipe.imageId(), this, recipe.setup());
        Log.progress(String.format("%s JVM ready in %.1f s (%simage %s, java %s, os.arch %s, container %s; %s; %s)",
                arch, (System.nanoTime() - t0) / 1e9, keptAliveSince == null ? "" : "kept alive since "
                        + keptAliveSince + ", ", image, remoteJava, remoteArch, containerId.substring(0, 12),
                recipe.setup().describe(), cds));
    }

    /**
     * What a runtime's container is made of, but for its agent's token: the architecture, the
     * image, the class-data archive and the set-up ({@link JvmSetup}), and the argument file of
     * its JVM. Two runs whose recipes have the same {@link #key} get the same runtime.
     */
    record Recipe(Architecture arch, String imageId, String imageName, ClassDataArchive archive, JvmSetup setup,
                  byte[] argsFile) {

        static Recipe of(Architecture arch, String imageId, String imageName, ClassDataArchive archive,
                         JvmSetup setup) {
            return new Recipe(arch, imageId, imageName, archive, setup,
                    setup.argsFile(archive.jvmFlags(), JvmSetup.remotePaths(archive.classpath())));
        }

        List<Bind> binds() {
            List<Bind> binds = new ArrayList<>(setup.binds(archive.classpath(), archive.copiedDirectories()));
            binds.addAll(archive.binds());
            return binds;
        }

        /**
         * {@code docker create} of the runtime: labelled {@code purpose} and {@code labels}, with
         * {@code token} and {@code extraEnv} in its environment.
         */
        com.github.dockerjava.api.command.CreateContainerCmd create(Docker docker, String purpose, String token,
                                                                    List<String> extraEnv, Map<String, String> labels) {
            ExposedPort port = ExposedPort.tcp(AGENT_PORT);
            Ports ports = new Ports();
            ports.bind(port, Ports.Binding.bindIp(docker.isLocal() ? "127.0.0.1" : "0.0.0.0"));
            List<String> env = new ArrayList<>(setup.env());
            env.add(Handshake.TOKEN_ENV + "=" + token);
            env.addAll(extraEnv);
            HostConfig hostConfig = HostConfig.newHostConfig()
                    .withAutoRemove(true)
                    .withBinds(binds())
                    .withTmpFs(setup.tmpfs(archive.classpath(), archive.copiedDirectories()))
                    .withPortBindings(ports);
            if (!setup.groups().isEmpty()) {
                hostConfig = hostConfig.withGroupAdd(setup.groups());
            }
            var create = docker.create(imageId, arch, purpose, labels)
                    .withEntrypoint("java")
                    .withCmd("@" + JvmSetup.ARGS_FILE, Agent.class.getName(), Integer.toString(AGENT_PORT))
                    .withEnv(env)
                    .withExposedPorts(port)
                    .withHostConfig(hostConfig);
            if (setup.user() != null) {
                create = create.withUser(setup.user());
            }
            if (setup.workDir() != null) {
                create = create.withWorkingDir(setup.workDir().toString());
            }
            return create;
        }

        /**
         * A digest of everything the container is made of (image, architecture, mounts with the
         * identity of each mounted file, tmpfs, environment, user, groups, working directory, the
         * JVM's argument file): a mount's source replaced since (a {@code target/} made anew by
         * {@code mvn clean}) or anything else changed makes another key.
         */
        String key() {
            StringBuilder sb = new StringBuilder(arch.platform()).append('\n').append(imageId).append('\n');
            for (Bind bind : binds()) {
                sb.append(bind.getPath()).append(" -> ").append(bind.getVolume().getPath()).append(' ')
                        .append(bind.getAccessMode()).append(' ').append(fileKey(bind.getPath())).append('\n');
            }
            sb.append(setup.tmpfs(archive.classpath(), archive.copiedDirectories())).append('\n')
                    .append(setup.env()).append('\n').append(setup.user()).append(' ').append(setup.groups())
                    .append(' ').append(setup.workDir()).append('\n');
            try {
                java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
                digest.update(sb.toString().getBytes(StandardCharsets.UTF_8));
                digest.update(argsFile);
                return java.util.HexFormat.of().formatHex(digest.digest(), 0, 16);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * What a run's settings make of the runtime, whatever its files and image are now: the
         * architecture, image name, working directory, user, environment and the JVM's arguments
         * without the class-data archive's (options, carried system properties, the class path's
         * paths). Two Surefire executions of one module (with other properties) have two slots; a
         * later run of one of them has the same slot, and a new {@link #key} when a file or the image
         * changed, or an archive was made meanwhile.
         */
        String slot() {
            String text = arch.platform() + "\n" + imageName + "\n" + setup.workDir() + "\n" + setup.user() + "\n"
                    + setup.env() + "\n" + new String(setup.argsFile(List.of(), JvmSetup.remotePaths(archive.classpath())),
                    StandardCharsets.UTF_8);
            try {
                return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8)), 0, 12);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String fileKey(String path) {
            try {
                var attrs = java.nio.file.Files.readAttributes(java.nio.file.Path.of(path),
                        java.nio.file.attribute.BasicFileAttributes.class);
                return attrs.fileKey() + " " + (attrs.isDirectory() ? "directory"
                        : attrs.size() + " " + attrs.lastModifiedTime().toMillis());
            } catch (IOException | RuntimeException e) {
                return "unreadable";
            }
        }
    }

    private void boot() {
        DockerClient client = docker.client();
        watchForOom(client);
        try {
            client.startContainerCmd(containerId).exec();
        } catch (RuntimeException e) { // e.g. "exec format error" when no emulator runs the image's java
            if (Docker.unreachable(e)) {
                throw docker.failed("while the " + arch + " JVM was started", e);
            }
            throw failure("The engine could not start the " + arch + " JVM: " + e.getMessage());
        }
        followLogs();
        watchExit();
        try {
            long deadline = System.nanoTime() + timeouts.start().toNanos();
            while (!listening.await(200, TimeUnit.MILLISECONDS)) {
                if (exited.getCount() == 0) {
                    throw failure("The " + arch + " JVM exited before it was ready");
                }
                if (System.nanoTime() > deadline) {
                    throw failure("The " + arch + " JVM was not ready within " + timeouts.start().toSeconds() + " s (set "
                            + "multiarch.runtime.startTimeout to wait longer)");
                }
            }
            connect();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("Interrupted while starting the " + arch + " JVM");
        }
    }

    /** Keeps the container's own output (from its start), for the messages when something fails. */
    private void followLogs() {
        docker.client().logContainerCmd(containerId).withStdOut(true).withStdErr(true).withFollowStream(true)
                .exec(new ResultCallback.Adapter<com.github.dockerjava.api.model.Frame>() {
                    @Override
                    public void onNext(com.github.dockerjava.api.model.Frame frame) {
                        appendLog(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }

                    @Override
                    public void onError(Throwable throwable) { // (the adapter's own logs it as an ERROR)
                        Log.debug("The log stream of the " + arch + " runtime broke off (the engine stopped?); the"
                                + " connection to its agent tells whether it still runs", throwable);
                    }
                });
    }

    /**
     * Follows the container's exit on the engine's wait stream. That stream can also break while the
     * container runs on (the engine restarted with live-restore, a proxy cut the connection): an
     * error on it is not taken for the exit, but checked ({@link #waitStreamBroke}).
     */
    private void watchExit() {
        docker.client().waitContainerCmd(containerId).exec(new ResultCallback.Adapter<WaitResponse>() {
            @Override
            public void onNext(WaitResponse response) {
                exitCode = response.getStatusCode();
                exited.countDown();
            }

            @Override
            public void onComplete() {
                exited.countDown(); // (after onNext; a stream that ends without a status is an exit too)
                super.onComplete();
            }

            @Override
            public void onError(Throwable throwable) {
                waitStreamBroke(throwable);
            }
        });
    }

    /**
     * The wait stream broke off with {@code error}: the container may still run. Asks the engine
     * (for up to the liveness bound, in the background): still running, it is watched again; gone
     * or stopped, it has exited; an engine that does not answer leaves the verdict to the
     * connection to the agent, which ends when the container does. (Public for the tests, which
     * provoke it on a real runtime.)
     */
    public void waitStreamBroke(Throwable error) {
        if (closed) {
            exited.countDown();
            return;
        }
        Thread check = new Thread(() -> {
            long deadline = System.nanoTime() + timeouts.liveness().toNanos();
            while (!closed && System.nanoTime() < deadline) {
                switch (containerState()) {
                    case RUNNING, PAUSED -> {
                        Log.debug("The engine's wait stream of the " + arch + " runtime broke off (" + error
                                + "), but its container still runs: watching it again");
                        watchExit();
                        return;
                    }
                    case GONE -> {
                        exited.countDown();
                        return;
                    }
                    case UNKNOWN -> sleep(1000);
                }
            }
        }, "multiarch-" + arch.platform() + "-exit-check");
        check.setDaemon(true);
        check.start();
    }

    /** What the engine says of the container now. */
    enum ContainerState { RUNNING, PAUSED, GONE, UNKNOWN }

    ContainerState containerState() {
        try {
            var state = docker.client().inspectContainerCmd(containerId).exec().getState();
            if (Boolean.TRUE.equals(state.getPaused())) {
                return ContainerState.PAUSED;
            }
            if (Boolean.TRUE.equals(state.getRunning())) {
                return ContainerState.RUNNING;
            }
            if (state.getExitCodeLong() != null && exitCode == null) {
                exitCode = state.getExitCodeLong().intValue();
            }
            return ContainerState.GONE;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return ContainerState.GONE;
        } catch (RuntimeException e) {
            Log.debug("The engine did not answer about the " + arch + " runtime's container", e);
            return ContainerState.UNKNOWN;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Notes the engine's OOM event for the container (the kernel's OOM killer, or the container's
     * memory limit): the container removes itself when it exits, so its {@code State.OOMKilled}
     * cannot be inspected afterwards.
     */
    private void watchForOom(DockerClient client) {
        try {
            oomEvents = client.eventsCmd().withContainerFilter(containerId).withEventFilter("oom")
                    .exec(new ResultCallback.Adapter<com.github.dockerjava.api.model.Event>() {
                        @Override
                        public void onNext(com.github.dockerjava.api.model.Event event) {
                            oomKilled = true;
                        }

                        @Override
                        public void onError(Throwable throwable) { // (the adapter's own logs it as an ERROR)
                            Log.debug("The OOM event stream of the " + arch + " runtime broke off: only its exit code"
                                    + " will tell", throwable);
                        }
                    });
        } catch (RuntimeException e) {
            Log.debug("No OOM events of the " + arch + " runtime's container: only its exit code will tell", e);
        }
    }

    private void connect() {
        InspectContainerResponse inspect = docker.client().inspectContainerCmd(containerId).exec();
        Ports.Binding[] bindings = inspect.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(AGENT_PORT));
        if (bindings == null || bindings.length == 0) {
            throw failure("The engine published no port for the " + arch + " JVM");
        }
        int hostPort = Integer.parseInt(bindings[0].getHostPortSpec());
        try {
            socket = new Socket();
            socket.connect(new InetSocketAddress(docker.hostIpAddress(), hostPort), 10_000);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(60_000);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            Handshake.offer(out, in, token, "the " + arch + " JVM");
            claimed = true;
            Message first = Wire.read(in);
            if (!(first instanceof Message.Hello hello)) {
                throw failure("The " + arch + " JVM answered " + Wire.name(first) + " instead of HELLO");
            }
            remoteArch = hello.osArch();
            remoteJava = hello.javaVersion();
            archiveMapped = hello.archiveMapped();
            if (Architecture.find(remoteArch).orElse(null) != arch) {
                throw failure("The JVM of image " + image + " reports os.arch=" + remoteArch + ", not " + arch);
            }
            socket.setSoTimeout(0);
            lastHeard = System.nanoTime();
            Thread reader = new Thread(() -> read(in), "multiarch-" + arch.platform() + "-reader");
            reader.setDaemon(true);
            reader.start();
            Thread heartbeat = new Thread(this::heartbeat, "multiarch-" + arch.platform() + "-heartbeat");
            heartbeat.setDaemon(true);
            heartbeat.start();
        } catch (Handshake.Refused e) {
            throw failure(e.getMessage());
        } catch (IOException e) {
            throw failure("Could not connect to the " + arch + " JVM at " + docker.hostIpAddress() + ":" + hostPort
                    + ": " + e);
        }
    }

    private void read(DataInputStream in) {
        try {
            while (true) {
                Message message = Wire.read(in);
                lastHeard = System.nanoTime();
                BlockingQueue<Event> queue = sessions.get(message.session());
                if (queue != null) {
                    queue.add(new Event(message, null));
                }
            }
        } catch (CorruptFrameException e) {
            dropCorrupt(e);
        } catch (IOException e) {
            markLost();
        } catch (RuntimeException | LinkageError e) {
            // anything else here (a class of this library that no longer loads: its jar was rebuilt
            // during the run) must not leave the sessions waiting for frames that never come
            lost(failure("The host's reader of the " + arch + " JVM's connection failed: " + e
                    + " (was this library's jar rebuilt during the run?). The next test gets a fresh " + arch + " JVM"));
            close();
        }
    }

    /**
     * The agent sent bytes that are no acceptable frame (e.g. one beyond {@link Wire#MAX_BYTES}):
     * nothing after them can be trusted, so the runtime is lost with that reason and closed; the
     * running test fails with it, and the next one gets a fresh JVM.
     */
    private void dropCorrupt(CorruptFrameException e) {
        lost(failure("The host dropped its connection to the " + arch + " JVM, which sent what the host does not"
                + " accept: " + e.getMessage() + ". The next test gets a fresh " + arch + " JVM"));
        close();
    }

    /** The runtime is lost for {@code why}: every open session hears it. */
    private void lost(MultiarchException why) {
        lost = why;
        for (BlockingQueue<Event> queue : sessions.values()) {
            queue.add(new Event(null, why));
        }
    }

    private void markLost() {
        if (!closed) {
            try {
                exited.await(5, TimeUnit.SECONDS); // let the exit code arrive
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lost(failure(closed ? "The " + arch + " runtime was closed"
                : killedForMemory() ? "The " + arch + " JVM was killed by the kernel's OOM killer or the container's"
                        + " memory limit (State.OOMKilled, exit code " + KILLED + "; its heap, -Xmx, was " + heap
                        + "): the machine or the container has too little memory for it. Give it less heap"
                        + " (multiarch.jvm.args=-Xmx...) or the machine more memory"
                : "The " + arch + " JVM went away (connection closed)"));
    }

    /**
     * Sends a {@link Message.Beat} every few seconds while the runtime lives. When nothing at all came
     * from the agent for the liveness bound (no answer, no frame of any session), the runtime is
     * given up: closed, with the evidence (a paused container, or a JVM that does not answer) for
     * the test waiting on it; the next test gets a fresh one. A test that merely runs long keeps
     * answering: its JVM's reader thread answers the beats.
     */
    private void heartbeat() {
        long bound = timeouts.liveness().toNanos();
        long interval = Math.max(50, Math.min(5000, timeouts.liveness().toMillis() / 4));
        long sequence = 0;
        while (isAlive()) {
            sleep(interval);
            if (!isAlive()) {
                return;
            }
            long silent = System.nanoTime() - lastHeard;
            if (silent > bound) {
                unresponsive(silent);
                return;
            }
            synchronized (this) {
                try {
                    Wire.write(new Message.Beat(++sequence), out);
                } catch (IOException e) {
                    return; // the reader sees the connection end
                }
            }
        }
    }

    /** The agent answered nothing for {@code silentNanos}: the runtime is lost, with the evidence, and removed. */
    private void unresponsive(long silentNanos) {
        ContainerState state = containerState();
        String setting = " (multiarch.runtime.livenessTimeout=" + timeouts.liveness().toSeconds() + " s; set it higher"
                + " if the machine is that slow)";
        String why = switch (state) {
            case PAUSED -> "The " + arch + " JVM answered nothing for " + TimeUnit.NANOSECONDS.toSeconds(silentNanos)
                    + " s: its container is paused (State.Paused: `docker pause`, or a frozen cgroup)" + setting
                    + ". The host gave it up and removed it; the next test gets a fresh " + arch + " JVM";
            case GONE -> "The " + arch + " JVM's container is gone, and its connection did not say so";
            default -> "The " + arch + " JVM answered nothing for " + TimeUnit.NANOSECONDS.toSeconds(silentNanos)
                    + " s, not even the host's heartbeat, while its container " + (state == ContainerState.RUNNING
                    ? "runs" : "could not be inspected (the engine did not answer)") + setting
                    + ". The host gave it up and removed it; the next test gets a fresh " + arch + " JVM";
        };
        lost(failure(why));
        close();
    }

    /** Opens a session running {@code selector}; its frames arrive in the returned queue. */
    public Session openSession(String selector, Map<String, String> params) {
        int id = nextSession.getAndIncrement();
        BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        sessions.put(id, queue);
        if (lost != null) {
            queue.add(new Event(null, lost));
        }
        Session session = new Session(id, queue);
        session.send(new Message.Start(id, selector, params));
        return session;
    }

    /**
     * Tells the agent which session is likely to start next ({@link Message.Prepare}), for it to
     * discover that class meanwhile. Nothing is answered; a frame that cannot be sent is left
     * unsent (the sessions see the connection's end).
     */
    public void prepare(Message.Prepare next) {
        synchronized (this) { // (with the heartbeat and the sessions' frames)
            try {
                Wire.write(next, out);
            } catch (IOException e) {
                Log.debug("A PREPARE frame was not sent: the connection is gone, as its sessions will see", e);
            }
        }
    }

    /** The host's handle on one session. */
    public final class Session {
        private final int id;
        private final BlockingQueue<Event> events;

        private Session(int id, BlockingQueue<Event> events) {
            this.id = id;
            this.events = events;
        }

        public void send(Message message) {
            synchronized (RemoteRuntime.this) { // (with the heartbeat)
                try {
                    Wire.write(message, out);
                } catch (IOException e) {
                    events.add(new Event(null, failure("Could not send to the " + arch + " JVM: " + e)));
                }
            }
        }

        public int id() {
            return id;
        }

        /** The next frame of this session, or the event that the runtime is gone. */
        public Event next() throws InterruptedException {
            return events.take();
        }

        /** What {@link #next} would return if it has come already, else {@code null}. */
        public Event poll() {
            return events.poll();
        }

        public void forget() {
            sessions.remove(id);
            if (retired && sessions.isEmpty()) {
                close();
            }
        }

        public RemoteRuntime runtime() {
            return RemoteRuntime.this;
        }
    }

    /**
     * From now on this runtime takes no new sessions ({@link #acceptsNewSessions}), and it stops
     * once the sessions it has are done: a test gave up on it (a host timeout, an error JUnit does
     * not recover from), while other classes' sessions may still be running in it.
     */
    public void retire() {
        retired = true;
        if (sessions.isEmpty()) {
            close();
        }
    }

    /** Whether a new session may open here: alive, and not {@link #retire}d. */
    public boolean acceptsNewSessions() {
        return isAlive() && !retired;
    }

    public boolean isAlive() {
        return lost == null && !closed && exited.getCount() > 0;
    }

    public Architecture architecture() {
        return arch;
    }

    public String containerId() {
        return containerId;
    }

    /** {@code os.arch} as the remote JVM reports it. */
    public String remoteArch() {
        return remoteArch;
    }

    public String remoteJava() {
        return remoteJava;
    }

    /** Whether the JVM mapped the class-data archive it was started with; {@code null} when started without one. */
    public Boolean archiveMapped() {
        return archiveMapped;
    }

    /**
     * Whether the JVM was killed for memory: exit status {@value #KILLED} (SIGKILL) and the
     * engine's OOM event, or, when that event did not come, {@code State.OOMKilled} if the
     * container is still there to inspect.
     */
    private boolean killedForMemory() {
        if (exitCode == null || exitCode != KILLED) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!oomKilled && System.nanoTime() < deadline) { // (the event and the exit come on two streams)
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!oomKilled) {
            try {
                oomKilled = Boolean.TRUE.equals(docker.client().inspectContainerCmd(containerId).exec().getState()
                        .getOOMKilled());
            } catch (RuntimeException e) {
                Log.debug("The " + arch + " runtime's container cannot be inspected (removed already)", e);
            }
        }
        return oomKilled;
    }

    /** Builds the failure for a runtime that died or could not start, with the evidence. */
    private MultiarchException failure(String what) {
        String code = exitCode == null ? "still running or unknown"
                : exitCode == KILLED && !what.contains("OOM") ? exitCode + (killedForMemory()
                        ? ": killed by the kernel's OOM killer or the container's memory limit, heap (-Xmx) " + heap
                        : ": killed with SIGKILL") : exitCode.toString();
        return new MultiarchException(what + " (container " + containerId.substring(0, 12) + ", image " + image
                + ", exit code " + code + "). Last output of the container:\n" + logTail());
    }

    private void appendLog(String text) {
        synchronized (log) {
            log.append(text);
            if (log.length() > LOG_TAIL) {
                log.delete(0, log.length() - LOG_TAIL);
            }
            // (the line may come in two chunks, so the log is searched, and only until it is found)
            if (listening.getCount() > 0 && log.indexOf(Agent.LISTENING) >= 0) {
                listening.countDown();
            }
        }
    }

    /** The last lines the container printed (its own output, not the tests'). */
    public String logTail() {
        synchronized (log) {
            String s = log.toString();
            return s.isEmpty() ? "(nothing)" : s;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            if (oomEvents != null) {
                oomEvents.close();
            }
        } catch (IOException | RuntimeException e) {
            Log.debug("Closing the " + arch + " runtime: its OOM event stream did not close (closing anyway)", e);
        }
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            Log.debug("Closing the " + arch + " runtime: its connection did not close cleanly (closing anyway)", e);
        }
        docker.remove(containerId);
    }
}
