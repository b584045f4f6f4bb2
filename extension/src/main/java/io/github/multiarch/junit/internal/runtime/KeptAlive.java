package io.github.multiarch.junit.internal.runtime;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import io.github.multiarch.junit.internal.arch.Log;
import io.github.multiarch.junit.internal.docker.Docker;
import io.github.multiarch.junit.internal.remote.Agent;
import io.github.multiarch.junit.internal.remote.Handshake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Runtimes that outlive their run ({@code multiarch.keepAlive}), for the next {@code mvn test}
 * of the same project: when a run ends, it leaves one new runtime per architecture it used,
 * made from the same recipe ({@link RemoteRuntime.Recipe}) but not yet connected to any host,
 * and the next run whose recipe is the same connects to it instead of starting one.
 *
 * <p>Such a runtime has never seen the project's classes: its JVM started and, when no class
 * path directory is visible to it yet (they are copied in later, {@link ClassDataArchive}),
 * warmed up JUnit with the built-in training class. Its agent copies the class path
 * directories only when its host connects, so the next run's tests are the classes and files
 * of that moment, loaded fresh. The recipe's key covers every mount's file identity: a
 * {@code target/} that {@code mvn clean} made anew, a changed dependency, another JVM option or
 * environment make another key, and that run starts its own runtime.
 *
 * <p>Nothing else outlives the run. A kept-alive runtime serves one run: its agent takes one
 * host and then no other connection, and the host removes it at the end as any runtime. One
 * nobody takes halts when the idle time has passed (its agent's accept timeout), and its
 * container removes itself. A run removes the idle ones left for its settings
 * ({@link RemoteRuntime.Recipe#slot}) that were made otherwise (a file, the image or the
 * class-data archive changed since).
 *
 * @since 0.3.0
 */
final class KeptAlive {

    /** Label: the key of the recipe the kept-alive runtime was made from ({@link RemoteRuntime.Recipe#key}). */
    static final String LABEL_KEY = "io.github.multiarch.keepalive.key";
    /** Label: the settings it is for ({@link RemoteRuntime.Recipe#slot}). */
    static final String LABEL_SLOT = "io.github.multiarch.keepalive.slot";
    /** Label: when its idle time ends, in UTC (it halts then, unless a run took it). */
    static final String LABEL_UNTIL = "io.github.multiarch.keepalive.until";
    /** Label: when it was left. */
    static final String LABEL_SINCE = "io.github.multiarch.keepalive.since";
    /** The container's purpose ({@link Docker#LABEL}) before its architecture. */
    static final String PURPOSE = "kept-alive-";

    private KeptAlive() {
    }

    /**
     * Leaves a runtime of {@code recipe} for the next run: starts its container and returns (its
     * JVM starts, and warms up, on its own), to wait up to {@code idle} for a host.
     */
    static void leave(Docker docker, RemoteRuntime.Recipe recipe, Duration idle, String warmUpClass) {
        String token = Handshake.newToken();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> env = new java.util.ArrayList<>(List.of(Agent.KEEP_ALIVE_ENV + "=" + idle.toSeconds()));
        long directories = recipe.archive().classpath().stream().filter(Files::isDirectory).count();
        if (recipe.archive().copiedDirectories().size() == directories) {
            // (no class path directory is visible before a host connects: warming up cannot load a class of them)
            env.add(Agent.WARM_UP_ENV + "=" + warmUpClass + " " + recipe.arch().platform());
        }
        Map<String, String> labels = Map.of(LABEL_KEY, recipe.key(), LABEL_SLOT, recipe.slot(),
                LABEL_SINCE, now.toString(), LABEL_UNTIL, now.plus(idle).toString());
        String id = null;
        try {
            id = recipe.create(docker, PURPOSE + recipe.arch().platform(), token, env, labels).exec().getId();
            docker.putFile(id, JvmSetup.ARGS_FILE, recipe.argsFile());
            docker.client().startContainerCmd(id).exec();
            Log.progress(recipe.arch() + " JVM kept alive for the next run of this project, for up to "
                    + idle.toSeconds() + " s (multiarch.keepAlive; container " + id.substring(0, 12) + ")");
        } catch (RuntimeException e) {
            Log.warn(recipe.arch() + ": no JVM kept alive for the next run", e);
            if (id != null) {
                docker.remove(id);
            }
        }
    }

    /**
     * The runtime an earlier run left for {@code recipe}, connected; {@code null} when there is
     * none, or none takes the connection. One that is still starting is waited for (up to the
     * start timeout). Idle ones left for the same settings but made otherwise (a file or the image
     * changed since) are removed.
     */
    static RemoteRuntime adopt(Docker docker, RemoteRuntime.Recipe recipe, RemoteRuntime.Timeouts timeouts) {
        String key = recipe.key();
        List<Container> left;
        try {
            left = docker.client().listContainersCmd().withLabelFilter(Map.of(LABEL_SLOT, recipe.slot())).exec();
        } catch (RuntimeException e) {
            Log.debug("Could not list the kept-alive runtimes; starting a new one", e);
            return null;
        }
        RemoteRuntime adopted = null;
        for (Container c : left) {
            Map<String, String> labels = c.getLabels();
            if (adopted == null && key.equals(labels.get(LABEL_KEY))) {
                adopted = adopt(docker, recipe, c, timeouts);
            } else if (!key.equals(labels.get(LABEL_KEY)) && idle(docker, c)) {
                Log.progress(recipe.arch() + ": removing the JVM an earlier run kept alive: a file it mounts, the"
                        + " image or the class-data archive changed since (container " + c.getId().substring(0, 12) + ")");
                docker.remove(c.getId());
            }
        }
        return adopted;
    }

    private static RemoteRuntime adopt(Docker docker, RemoteRuntime.Recipe recipe, Container c,
                                       RemoteRuntime.Timeouts timeouts) {
        String token;
        try {
            token = java.util.Arrays.stream(docker.client().inspectContainerCmd(c.getId()).exec().getConfig().getEnv())
                    .filter(e -> e.startsWith(Handshake.TOKEN_ENV + "=")).map(e -> e.substring(e.indexOf('=') + 1))
                    .findFirst().orElse(null);
        } catch (RuntimeException e) {
            Log.debug("A kept-alive runtime is gone meanwhile", e);
            return null;
        }
        if (token == null) {
            return null;
        }
        String since = c.getLabels().getOrDefault(LABEL_SINCE, "?");
        long deadline = System.nanoTime() + timeouts.start().toNanos();
        while (true) {
            boolean wasListening = listening(docker, c.getId());
            RemoteRuntime runtime = RemoteRuntime.adopt(docker, recipe, c.getId(), token, timeouts, since);
            if (runtime != null || wasListening || System.nanoTime() > deadline || !running(docker, c.getId())) {
                return runtime; // (listening, yet it refused: another run has it)
            }
            try {
                Thread.sleep(250); // still starting: it will listen soon
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    /** Whether its agent has said it listens. */
    private static boolean listening(Docker docker, String id) {
        return docker.logs(id).contains(Agent.LISTENING);
    }

    private static boolean running(Docker docker, String id) {
        try {
            return Boolean.TRUE.equals(docker.client().inspectContainerCmd(id).exec().getState().getRunning());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether a kept-alive runtime waits for a host: its agent accepts a connection (one that has
     * a host closed its listening socket). Checked only on a local engine: else it is left to
     * its idle time.
     */
    private static boolean idle(Docker docker, Container c) {
        if (!docker.isLocal()) {
            return false;
        }
        for (ContainerPort port : c.getPorts()) {
            if (port.getPrivatePort() != null && port.getPrivatePort() == RemoteRuntime.AGENT_PORT
                    && port.getPublicPort() != null) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(docker.hostIpAddress(), port.getPublicPort()), 1000);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }
        }
        return false;
    }
}
