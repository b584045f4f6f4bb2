package io.github.multiarch.junit.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import io.github.multiarch.junit.Architecture;
import io.github.multiarch.junit.MultiarchException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.dockerclient.DockerClientProviderStrategy;
import org.testcontainers.dockerclient.TransportConfig;

/**
 * The Docker engine, as Testcontainers finds it ({@code DOCKER_HOST}, the local socket,
 * {@code ~/.testcontainers.properties}), through a docker-java client. Testcontainers' own
 * container machinery (and its Ryuk reaper, whose image comes from Docker Hub) is not used:
 * this project cleans up after itself.
 *
 * @since 0.1.0
 */
public final class Docker {

    /** Label on every container this project starts; its value says what the container is for. */
    public static final String LABEL = "io.github.multiarch";
    /** Label naming the process id of the host JVM that started the container. */
    public static final String LABEL_PID = "io.github.multiarch.pid";

    private static Docker instance;

    private final DockerClient client;
    private final String host;
    private final String hostIpAddress;
    private volatile Architecture engineArchitecture;

    private Docker(DockerClient client, String host, String hostIpAddress) {
        this.client = client;
        this.host = host;
        this.hostIpAddress = hostIpAddress;
    }

    /** The engine of this JVM; connects on first use. */
    public static synchronized Docker get() {
        if (instance == null) {
            try {
                TransportConfig transport = DockerClientFactory.instance().getTransportConfig();
                DockerClient client = DockerClientProviderStrategy.getClientForConfig(transport);
                client.pingCmd().exec();
                instance = new Docker(client, String.valueOf(transport.getDockerHost()),
                        hostIpAddress(transport.getDockerHost()));
                instance.removeLeftovers();
            } catch (RuntimeException e) {
                throw new MultiarchException("Docker is not running, or not reachable from this JVM: " + e.getMessage()
                        + "\nStart the engine (as root: `dockerd &`, or `systemctl start docker`; this project's"
                        + " tools/engine.sh installs and starts Debian's docker.io), or point DOCKER_HOST at a running one.",
                        e);
            }
        }
        return instance;
    }

    /**
     * Where published ports are reached: the engine's host for a TCP engine, loopback for a local
     * socket, or {@code TESTCONTAINERS_HOST_OVERRIDE}. (Testcontainers' own answer may start a
     * helper container from Docker Hub when it thinks it runs in a container.)
     */
    private static String hostIpAddress(java.net.URI dockerHost) {
        String override = System.getenv("TESTCONTAINERS_HOST_OVERRIDE");
        if (override != null && !override.isBlank()) {
            return override.trim();
        }
        if (dockerHost != null && dockerHost.getScheme() != null && dockerHost.getScheme().startsWith("tcp")
                && dockerHost.getHost() != null) {
            return dockerHost.getHost();
        }
        return "127.0.0.1";
    }

    public DockerClient client() {
        return client;
    }

    /** The engine's address, for messages. */
    public String host() {
        return host;
    }

    /** Where ports the engine publishes can be reached from this JVM. */
    public String hostIpAddress() {
        return hostIpAddress;
    }

    /** Whether the engine shares this machine's file system (a local unix socket): bind mounts work. */
    public boolean isLocal() {
        return host.startsWith("unix://");
    }

    /** The CPU architecture of the engine's machine: what runs there without emulation. */
    public Architecture engineArchitecture() {
        if (engineArchitecture == null) {
            String arch = client.infoCmd().exec().getArchitecture();
            engineArchitecture = Architecture.find(arch).orElseThrow(() -> new MultiarchException(
                    "The Docker engine reports an architecture this project does not know: " + arch));
        }
        return engineArchitecture;
    }

    /**
     * Makes sure {@code image} is present for {@code arch} and returns its image id. An image
     * that is missing, or present under that name for another architecture, is pulled for the
     * target platform; the result is checked, never used silently when it is of another
     * architecture.
     */
    public String resolveImage(String image, Architecture arch) {
        InspectImageResponse local = inspect(image);
        if (local != null && arch.imageArchitecture().equals(local.getArch())) {
            return local.getId();
        }
        String why = local == null
                ? "is not present on the Docker engine"
                : "is present on the Docker engine for linux/" + local.getArch() + ", not for " + arch.dockerPlatform();
        try {
            pull(image, arch.dockerPlatform());
        } catch (RuntimeException e) {
            throw new MultiarchException("Image " + image + " " + why + ", and pulling it for " + arch.dockerPlatform()
                    + " failed: " + e.getMessage() + "\nBuild or load an image of that platform under this name,"
                    + " or name another one with the configuration parameter multiarch.image." + arch.platform() + ".", e);
        }
        InspectImageResponse pulled = inspect(image);
        if (pulled == null || !arch.imageArchitecture().equals(pulled.getArch())) {
            throw new MultiarchException("Image " + image + " was pulled for " + arch.dockerPlatform()
                    + " but the engine holds it for linux/" + (pulled == null ? "nothing" : pulled.getArch())
                    + ": the registry has no " + arch.dockerPlatform() + " variant of it. Name an image of that"
                    + " platform with multiarch.image." + arch.platform() + ".");
        }
        return pulled.getId();
    }

    /** The image's description, or {@code null} when the engine does not have it. */
    public InspectImageResponse inspect(String image) {
        try {
            return client.inspectImageCmd(image).exec();
        } catch (NotFoundException e) {
            return null;
        }
    }

    private void pull(String image, String platform) {
        String repository = image;
        String tag = null;
        int at = image.indexOf('@');
        int colon = image.lastIndexOf(':');
        if (at < 0 && colon > image.lastIndexOf('/')) {
            repository = image.substring(0, colon);
            tag = image.substring(colon + 1);
        }
        var cmd = client.pullImageCmd(repository).withPlatform(platform);
        if (tag != null) {
            cmd = cmd.withTag(tag);
        } else if (at < 0) {
            cmd = cmd.withTag("latest");
        }
        try {
            if (!cmd.exec(new PullImageResultCallback()).awaitCompletion(30, TimeUnit.MINUTES)) {
                throw new MultiarchException("pull did not finish within 30 minutes");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MultiarchException("interrupted while pulling " + image, e);
        }
    }

    /** The outcome of {@link #run}: exit code and everything the container printed. */
    public record Run(int exitCode, String output) {
    }

    /** How much power a one-off container gets. */
    public enum Privilege {
        /** An ordinary container. */
        NONE,
        /**
         * Just enough to mount and write binfmt_misc: {@code --cap-add SYS_ADMIN --security-opt
         * apparmor=unconfined}. Works where {@code --privileged} itself is refused (a sandboxed engine
         * that may not grant every capability).
         */
        SYS_ADMIN,
        /** {@code --privileged}. */
        PRIVILEGED
    }

    /**
     * Runs a container to completion and removes it: {@code docker run --rm image args}.
     *
     * @param entrypoint replaces the image's entrypoint when not {@code null}
     */
    public Run run(String image, List<String> entrypoint, List<String> args, Privilege privilege, String purpose) {
        return run(image, entrypoint, args, privilege, purpose, List.of(), List.of());
    }

    /** {@link #run(String, List, List, Privilege, String)} with mounts and environment variables. */
    public Run run(String image, List<String> entrypoint, List<String> args, Privilege privilege, String purpose,
                   List<com.github.dockerjava.api.model.Bind> binds, List<String> env) {
        HostConfig hostConfig = HostConfig.newHostConfig().withBinds(binds);
        if (privilege == Privilege.SYS_ADMIN) {
            hostConfig = hostConfig.withCapAdd(com.github.dockerjava.api.model.Capability.SYS_ADMIN)
                    .withSecurityOpts(List.of("apparmor=unconfined"));
        } else if (privilege == Privilege.PRIVILEGED) {
            hostConfig = hostConfig.withPrivileged(true);
        }
        CreateContainerCmd create = client.createContainerCmd(image)
                .withLabels(labels(purpose))
                .withHostConfig(hostConfig)
                .withEnv(env)
                .withCmd(args);
        if (entrypoint != null) {
            create = create.withEntrypoint(entrypoint);
        }
        String id = create.exec().getId();
        try {
            client.startContainerCmd(id).exec();
            Integer code = client.waitContainerCmd(id).start().awaitStatusCode(10, TimeUnit.MINUTES);
            return new Run(code, logs(id));
        } finally {
            try {
                client.removeContainerCmd(id).withForce(true).exec();
            } catch (RuntimeException e) {
                // already gone
            }
        }
    }

    /**
     * Removes what host JVMs killed outright left behind: stopped containers of this project
     * whose JVM is gone. (A runtime container removes itself; a probe or registrar container
     * that was running when its JVM was killed stays, stopped.) Only on a local engine, where
     * the process ids in the labels are this machine's; running containers are never touched.
     *
     * @return how many containers were removed
     */
    public int removeLeftovers() {
        if (!isLocal()) {
            return 0;
        }
        int removed = 0;
        for (var c : client.listContainersCmd().withShowAll(true).withLabelFilter(java.util.List.of(LABEL)).exec()) {
            String pid = c.getLabels() == null ? null : c.getLabels().get(LABEL_PID);
            boolean stopped = !"running".equals(c.getState());
            boolean orphan = pid != null && pid.matches("\\d+") && ProcessHandle.of(Long.parseLong(pid)).isEmpty();
            if (stopped && orphan) {
                try {
                    client.removeContainerCmd(c.getId()).withForce(true).exec();
                    removed++;
                } catch (RuntimeException e) {
                    // gone meanwhile
                }
            }
        }
        return removed;
    }

    /** Labels that mark a container as this project's, and which JVM started it. */
    static Map<String, String> labels(String purpose) {
        Map<String, String> labels = new HashMap<>();
        labels.put(LABEL, purpose);
        labels.put(LABEL_PID, Long.toString(ProcessHandle.current().pid()));
        return labels;
    }

    private String logs(String id) {
        StringBuilder sb = new StringBuilder();
        try {
            client.logContainerCmd(id).withStdOut(true).withStdErr(true).withFollowStream(false)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            synchronized (sb) {
                                sb.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        }
                    }).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (sb) {
            return sb.toString();
        }
    }
}
