package io.github.multiarch.junit.internal.docker;

import io.github.multiarch.junit.internal.arch.Log;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.arch.MultiarchException;
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
public final class Docker implements AutoCloseable {

    /** Label on every container this project starts; its value says what the container is for. */
    public static final String LABEL = "io.github.multiarch";
    /**
     * Label naming the process id of the host JVM that started the container; with it, the labels of
     * {@link Owner} name that JVM's machine, pid namespace and start time.
     */
    public static final String LABEL_PID = Owner.LABEL_PID;

    /**
     * The API version from which a container's platform is chosen by the engine: the client
     * (Testcontainers' discovery) speaks 1.44 to engines that have it and falls back to 1.32 below,
     * where the engine ignores the platform of {@code docker create}.
     */
    static final String PLATFORM_API = "1.44";

    private final DockerClient client;
    /** Containers whose removal failed because the engine did not answer: removed when it answers again. */
    private final java.util.Set<String> pendingRemovals = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final String host;
    private final String hostIpAddress;
    private final Info info;

    private Docker(DockerClient client, String host, String hostIpAddress, Info info) {
        this.client = client;
        this.host = host;
        this.hostIpAddress = hostIpAddress;
        this.info = info;
    }

    /**
     * Connects to the engine, checks that it can be used, and removes what dead runs of this
     * project left on it. The caller owns the result and closes it (see {@code Runtimes}).
     */
    public static Docker connect() {
        DockerClient client = null;
        try {
            TransportConfig transport = DockerClientFactory.instance().getTransportConfig();
            client = DockerClientProviderStrategy.getClientForConfig(transport);
            client.pingCmd().exec();
            Info info = client.infoCmd().exec();
            String api = client.versionCmd().exec().getApiVersion();
            requirePlatformSelection(info, api);
            Docker docker = new Docker(client, String.valueOf(transport.getDockerHost()),
                    hostIpAddress(transport.getDockerHost()), info);
            docker.removeLeftovers();
            return docker;
        } catch (MultiarchException e) {
            closeQuietly(client);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw new MultiarchException.Unavailable("Docker is not running, or not reachable from this JVM: " + e.getMessage()
                    + "\nStart the engine (as root: `dockerd &`, or `systemctl start docker`; this project's"
                    + " tools/engine.sh installs and starts Debian's docker.io), or point DOCKER_HOST at a running one.",
                    e);
        }
    }

    /** Removes what {@link #remove} could not remove before, then closes the client's connections to the engine. */
    @Override
    public void close() {
        retryRemovals();
        closeQuietly(client);
    }

    /**
     * Removes container {@code id} (forced). One that is gone already is fine; one the engine could
     * not remove because it did not answer (stopped, restarting) is kept in mind and removed by
     * {@link #retryRemovals}, which the next start of a runtime and {@link #close} call.
     */
    public void remove(String id) {
        try {
            client.removeContainerCmd(id).withForce(true).exec();
            pendingRemovals.remove(id);
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            pendingRemovals.remove(id);
            Log.debug("Container " + id + " was not there to remove (already gone)", e);
        } catch (RuntimeException e) {
            if (unreachable(e)) {
                pendingRemovals.add(id);
            }
            Log.debug("Container " + id + " was not removed now" + (unreachable(e)
                    ? " (the engine did not answer): tried again later" : ""), e);
        }
    }

    /** Removes the containers whose removal failed while the engine did not answer. */
    public void retryRemovals() {
        for (String id : List.copyOf(pendingRemovals)) {
            remove(id);
        }
    }

    /**
     * Whether {@code e}, thrown by the client, says the engine did not answer at all (a transport
     * failure), rather than that it answered with an error ({@link DockerException}).
     */
    public static boolean unreachable(RuntimeException e) {
        return !(e instanceof com.github.dockerjava.api.exception.DockerException);
    }

    /**
     * Whether {@code e} (or the failure it wraps) is a request the engine did not answer, and the
     * engine answers now: its connection was lost (a restarted engine leaves the client's pooled
     * connections stale), so the request may be made once more.
     */
    public boolean lostConnection(RuntimeException e) {
        Throwable t = e instanceof MultiarchException && e.getCause() instanceof RuntimeException ? e.getCause() : e;
        if (!(t instanceof RuntimeException r) || !unreachable(r) || t instanceof MultiarchException) {
            return false;
        }
        for (int i = 0; i < 2; i++) { // (the first ping may meet a stale connection too)
            try {
                client.pingCmd().exec();
                Log.debug("The engine answers again after " + e + ": the request is made once more");
                return true;
            } catch (RuntimeException down) {
                Log.debug("The engine does not answer", down);
            }
        }
        return false;
    }

    /**
     * The failure of {@code what} ("while the s390x JVM was started") when the engine did not
     * answer, or answered with an error: {@code e}, and what to do.
     */
    public MultiarchException failed(String what, RuntimeException e) {
        return new MultiarchException("The Docker engine (" + host + ") " + (unreachable(e) ? "did not answer"
                : "failed") + " " + what + ": " + e.getMessage() + ". If the engine was stopped or restarted during"
                + " the run, it must answer again (`docker info`); each later test tries again.", e);
    }

    private static void closeQuietly(DockerClient client) {
        if (client != null) {
            try {
                client.close();
            } catch (java.io.IOException | RuntimeException e) {
                Log.debug("The Docker client did not close cleanly (nothing is left to release)", e);
            }
        }
    }

    /**
     * Refuses an engine on which a container could get another platform than the one asked for:
     * the containerd image store (one image name, several platforms) below API {@value #PLATFORM_API}.
     * With the classic store each image id has one architecture, which {@link #resolveImage} checks.
     */
    static void requirePlatformSelection(Info info, String api) {
        if (containerdStore(info) && compareVersions(api, PLATFORM_API) < 0) {
            throw new MultiarchException("The Docker engine (" + info.getServerVersion() + ", API " + api
                    + ") keeps images in the containerd image store, where one image name holds several platforms,"
                    + " but chooses a container's platform only from API " + PLATFORM_API + " (Docker 25) on: a"
                    + " test could run on the wrong architecture.\nUpgrade the engine to Docker 25 or newer, or switch"
                    + " the containerd image store off (\"features\": {\"containerd-snapshotter\": false} in"
                    + " /etc/docker/daemon.json, then restart dockerd).");
        }
    }

    /** Whether the engine keeps images in containerd's store ({@code docker info}: driver-type io.containerd.snapshotter.v1). */
    static boolean containerdStore(Info info) {
        List<List<String>> status = info.getDriverStatuses();
        return status != null && status.stream().anyMatch(kv -> kv.size() == 2 && "driver-type".equals(kv.get(0))
                && kv.get(1).startsWith("io.containerd.snapshotter"));
    }

    /** Compares dotted version numbers ({@code 1.41} &lt; {@code 1.44}); a missing part counts as 0. */
    static int compareVersions(String a, String b) {
        String[] x = String.valueOf(a).split("\\.");
        String[] y = String.valueOf(b).split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int c = Integer.compare(i < x.length ? parse(x[i]) : 0, i < y.length ? parse(y[i]) : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private static int parse(String part) {
        try {
            return Integer.parseInt(part.replaceAll("\\D.*", ""));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The engine in a few words, for messages: {@code Docker 26.1.5, containerd image store}. */
    public String describe() {
        return "Docker " + info.getServerVersion() + (containerdStore(info) ? ", containerd image store" : "");
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
        String arch = info.getArchitecture();
        return Architecture.find(arch).orElseThrow(() -> new MultiarchException(
                "The Docker engine reports an architecture this project does not know: " + arch));
    }

    /**
     * Makes sure {@code image} is present for {@code arch} and returns its image id. An image
     * that is missing, or present under that name for another architecture, is pulled for the
     * target platform; the result is checked, never used silently when it is of another
     * architecture.
     */
    public String resolveImage(String image, Architecture arch) {
        InspectImageResponse local = inspect(image);
        if (local != null && holds(local, image, arch)) {
            return local.getId();
        }
        String why = local == null ? "is not present on the Docker engine"
                : "is present on the Docker engine " + holding(local) + ", not for " + arch.dockerPlatform();
        try {
            pull(image, arch.dockerPlatform());
        } catch (RuntimeException e) {
            throw new MultiarchException("Image " + image + " " + why + ", and pulling it for " + arch.dockerPlatform()
                    + " failed: " + e.getMessage() + "\nBuild or load an image of that platform under this name,"
                    + " or name another one with the configuration parameter multiarch.image." + arch.platform() + ".", e);
        }
        InspectImageResponse pulled = inspect(image);
        if (pulled == null || !holds(pulled, image, arch)) {
            throw new MultiarchException("Image " + image + " was pulled for " + arch.dockerPlatform()
                    + " but the engine holds it " + (pulled == null ? "for no platform" : holding(pulled))
                    + ": the registry has no " + arch.dockerPlatform() + " variant of it. Name an image of that"
                    + " platform with multiarch.image." + arch.platform() + ".");
        }
        return pulled.getId();
    }

    /**
     * Whether the engine holds {@code image} for {@code arch}. With the classic store an image id
     * has one architecture, which inspect reports. The containerd store keeps several platforms
     * under one name and inspect reports one of them; there the engine is asked to create a
     * container of that platform (not started), which it refuses when it lacks that platform.
     */
    private boolean holds(InspectImageResponse image, String name, Architecture arch) {
        if (arch.imageArchitecture().equals(image.getArch())) {
            return true;
        }
        return containerdStore(info) && canCreate(name, arch);
    }

    /** Whether the engine creates a container of {@code image} for {@code arch} from what it holds (removed at once). */
    public boolean canCreate(String image, Architecture arch) {
        String id;
        try {
            id = create(image, arch, "probe-" + arch.platform()).exec().getId();
        } catch (DockerException e) { // "image ... was found but does not match the specified platform"
            return false;
        }
        client.removeContainerCmd(id).withForce(true).exec();
        return true;
    }

    /** Where the engine holds an image: {@code for linux/arm64}; in the containerd store, the platform inspect shows. */
    private String holding(InspectImageResponse image) {
        return containerdStore(info) ? "(containerd image store) for linux/" + image.getArch() + " and maybe others"
                : "for linux/" + image.getArch();
    }

    /** Whether images are kept in containerd's store: one name, several platforms. */
    public boolean containerdStore() {
        return containerdStore(info);
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
     * {@code docker create --platform linux/<arch>}, labelled as this project's: every container is
     * created for its platform explicitly, so an image name that holds several platforms (the
     * containerd image store) gives the right one, and an engine asked for a platform an image
     * does not have refuses instead of running another.
     */
    public CreateContainerCmd create(String image, Architecture arch, String purpose) {
        return create(image, arch, purpose, Map.of());
    }

    /** {@link #create(String, Architecture, String)} with more labels. */
    public CreateContainerCmd create(String image, Architecture arch, String purpose, Map<String, String> more) {
        Map<String, String> labels = labels(purpose);
        labels.putAll(more);
        return client.createContainerCmd(image).withPlatform(arch.dockerPlatform()).withLabels(labels);
    }

    /**
     * Runs a container to completion and removes it: {@code docker run --rm --platform image args}.
     *
     * @param entrypoint replaces the image's entrypoint when not {@code null}
     */
    public Run run(String image, Architecture arch, List<String> entrypoint, List<String> args, Privilege privilege,
                   String purpose) {
        return run(image, arch, entrypoint, args, privilege, purpose, List.of(), List.of());
    }

    /** {@link #run(String, Architecture, List, List, Privilege, String)} with mounts and environment variables. */
    public Run run(String image, Architecture arch, List<String> entrypoint, List<String> args, Privilege privilege,
                   String purpose, List<com.github.dockerjava.api.model.Bind> binds, List<String> env) {
        HostConfig hostConfig = HostConfig.newHostConfig().withBinds(binds);
        if (privilege == Privilege.SYS_ADMIN) {
            hostConfig = hostConfig.withCapAdd(com.github.dockerjava.api.model.Capability.SYS_ADMIN)
                    .withSecurityOpts(List.of("apparmor=unconfined"));
        } else if (privilege == Privilege.PRIVILEGED) {
            hostConfig = hostConfig.withPrivileged(true);
        }
        CreateContainerCmd create = create(image, arch, purpose)
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
            remove(id);
        }
    }

    /**
     * Creates the container {@code create} describes, puts {@code files} into it, and starts it; a
     * container that does its work on its own and removes itself when it ends (the caller's host
     * configuration has auto-remove), whether or not this JVM still runs ({@code docker run -d
     * --rm}). Returns its id; on failure it is removed.
     *
     * @param files absolute path in the container to content, see {@link #putFile}
     */
    public String startDetached(CreateContainerCmd create, Map<String, byte[]> files) {
        String id = create.exec().getId();
        try {
            files.forEach((path, content) -> putFile(id, path, content));
            client.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            remove(id);
            throw e;
        }
        return id;
    }

    /**
     * Writes {@code content} to {@code path} (absolute) in the created, not yet started, container
     * {@code containerId}: a file readable by every user (mode 0644), in directories its tar entries
     * create (mode 0755). Nothing on the host's file system is involved, and neither a command
     * line's nor an environment variable's length limit.
     */
    public void putFile(String containerId, String path, byte[] content) {
        if (!path.startsWith("/") || path.endsWith("/")) {
            throw new IllegalArgumentException("not an absolute file path: " + path);
        }
        java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
        String[] parts = path.substring(1).split("/");
        StringBuilder dir = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            dir.append(parts[i]).append('/');
            tarEntry(tar, dir.toString(), '5', 0755, new byte[0]);
        }
        tarEntry(tar, path.substring(1), '0', 0644, content);
        tar.writeBytes(new byte[1024]); // the end of the archive
        client.copyArchiveToContainerCmd(containerId).withRemotePath("/")
                .withTarInputStream(new java.io.ByteArrayInputStream(tar.toByteArray())).exec();
    }

    /** One ustar entry (name up to 100 bytes), owned by root. */
    private static void tarEntry(java.io.ByteArrayOutputStream out, String name, char type, int mode, byte[] content) {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100) {
            throw new IllegalArgumentException("path too long for a tar entry: " + name);
        }
        byte[] header = new byte[512];
        System.arraycopy(nameBytes, 0, header, 0, nameBytes.length);
        octal(header, 100, 8, mode);
        octal(header, 108, 8, 0);
        octal(header, 116, 8, 0);
        octal(header, 124, 12, content.length);
        octal(header, 136, 12, System.currentTimeMillis() / 1000);
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = (byte) type;
        System.arraycopy(("ustar\0" + "00").getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        octal(header, 148, 7, sum);
        out.writeBytes(header);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    /** {@code value} in octal, zero-padded, NUL-terminated, in {@code length} bytes at {@code offset}. */
    private static void octal(byte[] header, int offset, int length, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(Math.max(0, length - 1 - digits.length())) + digits;
        System.arraycopy(padded.getBytes(StandardCharsets.US_ASCII), 0, header, offset, length - 1);
        header[offset + length - 1] = 0;
    }

    /**
     * Whether the engine runs rootless ({@code docker info}: {@code name=rootless}): its containers'
     * root is the user who runs the engine, and another uid inside is one of that user's subordinate ids.
     */
    public boolean isRootless() {
        List<String> options = info.getSecurityOptions();
        return options != null && options.stream().anyMatch(o -> o.contains("name=rootless"));
    }

    /** The environment an image gives its containers ({@code KEY=value}); empty when it gives none. */
    public List<String> imageEnv(String image) {
        InspectImageResponse inspect = inspect(image);
        if (inspect == null || inspect.getConfig() == null || inspect.getConfig().getEnv() == null) {
            return List.of();
        }
        return List.of(inspect.getConfig().getEnv());
    }

    /**
     * Removes what host JVMs killed outright left behind: stopped containers of this project
     * whose JVM provably ran on this machine, in this pid namespace, and is provably dead (see
     * {@link Owner#orphanOf}). (A runtime container removes itself; a probe or registrar container
     * that was running when its JVM was killed stays, stopped.) The engine's socket may be shared
     * with other containers and CI jobs, each with processes this JVM cannot see: their containers,
     * and those of older versions without these labels, are left alone. Only on a local engine;
     * running (and paused, restarting) containers are never touched.
     *
     * @return how many containers were removed
     */
    public int removeLeftovers() {
        return isLocal() ? removeLeftovers(Owner.current(), ProcessLookup.proc()) : 0;
    }

    /** {@link #removeLeftovers()} as {@code me}, who sees {@code processes}. */
    int removeLeftovers(Owner me, ProcessLookup processes) {
        int removed = 0;
        for (var c : client.listContainersCmd().withShowAll(true).withLabelFilter(List.of(LABEL)).exec()) {
            if (!stopped(c.getState())) {
                continue;
            }
            try {
                if (Owner.fromLabels(c.getLabels()).orphanOf(me, processes) == Owner.Finding.ORPHAN) {
                    client.removeContainerCmd(c.getId()).withForce(true).exec();
                    removed++;
                }
            } catch (RuntimeException e) {
                Log.debug("Leftover " + c.getId() + " kept: its owner could not be told, or it is gone meanwhile", e);
            }
        }
        return removed;
    }

    /** Whether a container in {@code state} ({@code docker ps}'s State) has stopped: created, exited or dead. */
    static boolean stopped(String state) {
        return "created".equals(state) || "exited".equals(state) || "dead".equals(state);
    }

    /** Labels that mark a container as this project's, and which JVM started it ({@link Owner}). */
    static Map<String, String> labels(String purpose) {
        Map<String, String> labels = new HashMap<>(Owner.current().labels());
        labels.put(LABEL, purpose);
        return labels;
    }

    /**
     * The whole output of a container so far (all of it, once it has finished). Output that did not
     * arrive in full (the stream broke off, or took longer than 30 s) says so at its end, so a
     * verdict is never read from a part of it as if it were all.
     */
    public String logs(String id) {
        StringBuilder sb = new StringBuilder();
        String cutShort = null;
        try {
            ResultCallback.Adapter<Frame> callback = client.logContainerCmd(id).withStdOut(true).withStdErr(true)
                    .withFollowStream(false)
                    .exec(new ResultCallback.Adapter<Frame>() {
                        @Override
                        public void onNext(Frame frame) {
                            synchronized (sb) {
                                sb.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                            }
                        }
                    });
            if (!callback.awaitCompletion(30, TimeUnit.SECONDS)) {
                cutShort = "the log stream did not end within 30 s";
            }
            callback.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cutShort = "interrupted while reading the log stream";
        } catch (java.io.IOException | RuntimeException e) {
            cutShort = "the log stream broke off: " + e;
        }
        synchronized (sb) {
            return cutShort == null ? sb.toString()
                    : sb + "\n[multiarch: output incomplete, " + cutShort + " (container " + id + ")]";
        }
    }
}
