package io.github.multiarch.junit.internal.remote;

import io.github.multiarch.junit.internal.arch.Log;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The program the runtime container starts: {@code java io.github.multiarch.junit.internal.remote.Agent PORT}.
 *
 * <p>When the runtime maps a class-data archive, it first fills the class path directories, which
 * are empty when the JVM starts, with copies of their contents ({@link #CLASS_DIRS_PROPERTY}),
 * before any class or resource of the tests is looked up, and says on its error output how long
 * that took; if it cannot, it exits ({@link #EXIT_CLASS_DIRS}) with the reason, rather than run
 * tests without those files or with some of them.
 *
 * <p>It serves exactly one connection, its host's: the first that proves it with the token the
 * host gave the container ({@link Handshake}, {@link Handshake#TOKEN_ENV}); every other one is
 * closed, with a line on the container's error output. It says {@code HELLO}, and then runs the
 * sessions the host starts, one thread each. When the connection ends, for whatever reason
 * (the host finished, or was killed), the JVM halts at once, and the container, created with
 * auto-remove, disappears with it. If its host does not connect within the accept timeout, it
 * halts too.
 *
 * @since 0.1.0
 */
public final class Agent implements AgentSession.Outbox {

    /** Configuration parameter naming the architecture a session runs for (the run of a class template). */
    public static final String ARCHITECTURE_PARAMETER = "multiarch.agent.architecture";

    /**
     * Configuration parameter of a session: the keys ({@link TestKey}) of the tests it runs
     * without waiting for the host's Run ({@code multiarch.runAhead}), one per line.
     */
    public static final String AHEAD_PARAMETER = "multiarch.agent.ahead";

    /** The line the agent prints when it is ready for the host to connect. */
    public static final String LISTENING = "multiarch-agent listening";

    /** The sessions that take the host's commands, by id. */
    private final Map<Integer, AgentSession> sessions = new ConcurrentHashMap<>();
    /** The runs the host said come next, discovered in the background ({@link Message.Prepare}). */
    private final Prepared prepared = new Prepared();
    private final DataOutputStream out;

    private Agent(DataOutputStream out) {
        this.out = out;
    }

    /** System property naming the class-data archive the JVM was started with (whether it is mapped goes in Hello). */
    public static final String ARCHIVE_PROPERTY = "multiarch.cds.archive";

    /** The exit code of a JVM that {@link #halt}s because a session could not report its end. */
    static final int HALT_UNREPORTABLE = 4;

    /** The exit code of an agent started without {@link Handshake#TOKEN_ENV}. */
    static final int EXIT_NO_TOKEN = 5;

    /** How long a connection may take to send its whole {@link Handshake} offer. */
    static final int HANDSHAKE_TIMEOUT_MS = 10_000;

    /** The first argument that makes {@link #main} a training run instead of a runtime. */
    public static final String TRAIN = "--train";

    /**
     * System property naming the class path directories the agent fills before anything else, as
     * pairs separated by {@link #CLASS_DIRS_SEPARATOR}: the directory's own path on the class path
     * (an empty tmpfs when the JVM starts, as a class-data archive of a class path with
     * directories requires), then where its contents are mounted (read-only). The whole tree of
     * the contents is copied into the directory ({@link #copyClassDirectories}).
     */
    public static final String CLASS_DIRS_PROPERTY = "multiarch.cds.classDirs";

    /** Separates the paths of {@link #CLASS_DIRS_PROPERTY}: the path separator, which no class path entry holds. */
    public static final String CLASS_DIRS_SEPARATOR = java.io.File.pathSeparator;

    /** The exit code of an agent that could not fill the class path directories ({@link #CLASS_DIRS_PROPERTY}). */
    static final int EXIT_CLASS_DIRS = 6;

    /** The host's connection, past the {@link Handshake}. */
    record Connection(Socket socket, DataInputStream in, DataOutputStream out) {
    }

    /**
     * Environment variable of a runtime kept alive for a later run ({@code multiarch.keepAlive}):
     * how many seconds its agent waits for a host. It fills the class path directories only once
     * its host has connected, so that run's tests see the files of that moment.
     */
    public static final String KEEP_ALIVE_ENV = "MULTIARCH_KEEP_ALIVE_SECONDS";

    /**
     * Environment variable of a kept-alive runtime whose class path directories are empty until a
     * host connects: the class and architecture of a run that warms up JUnit meanwhile
     * ({@link #runUngated}), as a training run does.
     */
    public static final String WARM_UP_ENV = "MULTIARCH_KEEP_ALIVE_WARM_UP";

    public static void main(String[] args) throws Exception {
        String classDirs = System.getProperty(CLASS_DIRS_PROPERTY);
        String keepAlive = System.getenv(KEEP_ALIVE_ENV);
        if (classDirs != null && keepAlive == null) { // first: no class or resource of the tests may be looked up before
            fillClassDirectories(classDirs);
        }
        if (args.length == 3 && args[0].equals(TRAIN)) {
            train(args[1], args[2]);
            return;
        }
        int port = Integer.parseInt(args[0]);
        int acceptTimeoutSeconds = keepAlive != null ? Integer.parseInt(keepAlive)
                : Integer.getInteger("multiarch.agent.acceptTimeoutSeconds", 120);
        PrintStream console = System.out;
        PrintStream log = System.err;
        String token = System.getenv(Handshake.TOKEN_ENV);
        if (token == null || token.isEmpty()) {
            log.println("multiarch-agent: started without " + Handshake.TOKEN_ENV + ", the token by which its host"
                    + " proves itself: the container was not started by a host of this multiarch-junit build (protocol"
                    + " version " + Handshake.PROTOCOL_VERSION + "). Use the same multiarch-junit on both sides; exiting");
            log.flush();
            Runtime.getRuntime().halt(EXIT_NO_TOKEN);
            return;
        }
        OutputCapture.install();
        String warmUp = System.getenv(WARM_UP_ENV);
        if (keepAlive != null && warmUp != null) {
            warmUp(warmUp, log);
        }
        Connection host;
        try (ServerSocket server = new ServerSocket(port)) {
            console.println(LISTENING + " on port " + port + " (os.arch=" + System.getProperty("os.arch")
                    + ", java " + System.getProperty("java.version") + ")");
            console.flush();
            host = awaitHost(server, token.getBytes(StandardCharsets.US_ASCII),
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(acceptTimeoutSeconds), log);
        }
        if (host == null) {
            console.println("multiarch-agent: no host connected within " + acceptTimeoutSeconds + " s; exiting");
            console.flush();
            Runtime.getRuntime().halt(3);
            return;
        }
        host.socket().setTcpNoDelay(true);
        if (classDirs != null && keepAlive != null) {
            fillClassDirectories(classDirs);
        }
        Agent agent = new Agent(host.out());
        String archive = System.getProperty(ARCHIVE_PROPERTY);
        agent.send(new Message.Hello(System.getProperty("os.arch"), System.getProperty("java.version"),
                archive == null ? null : isMapped(archive)));
        try {
            agent.serve(host.in());
        } catch (EOFException e) {
            // the host closed the connection: done
        } catch (IOException e) {
            console.println("multiarch-agent: connection lost: " + e);
        }
        console.flush();
        Runtime.getRuntime().halt(0);
    }

    /**
     * Fills the class path directories ({@link #copyClassDirectories}) and says how long it took;
     * when that fails, says why and halts with {@link #EXIT_CLASS_DIRS}: tests must not run with a
     * directory half filled.
     */
    private static void fillClassDirectories(String classDirs) {
        PrintStream err = System.err;
        try {
            long t0 = System.nanoTime();
            Copied copied = copyClassDirectories(classDirs);
            err.println(String.format(java.util.Locale.ROOT, "multiarch-agent: copied the class path directories"
                    + " (%d files and directories, %.1f MiB) in %.3f s", copied.entries(),
                    copied.bytes() / (double) (1 << 20), (System.nanoTime() - t0) / 1e9));
            err.flush();
        } catch (IOException | RuntimeException e) {
            err.println("multiarch-agent: the class path directories could not be filled with copies of their"
                    + " contents (" + e + "), so the tests would not see their classes and files; exiting");
            err.flush();
            Runtime.getRuntime().halt(EXIT_CLASS_DIRS);
        }
    }

    /**
     * A kept-alive runtime's warm-up ({@link #WARM_UP_ENV}: "class architecture"): runs the class
     * as a training run does, its frames discarded, so that the next run's first class finds
     * JUnit loaded and compiled. A failure only costs the speed-up.
     */
    private static void warmUp(String spec, PrintStream log) {
        long t0 = System.nanoTime();
        try {
            String[] parts = spec.split(" ", 2);
            runUngated(Class.forName(parts[0]), parts[1], OutputStream.nullOutputStream());
            log.println(String.format(java.util.Locale.ROOT, "multiarch-agent: warmed up in %.1f s",
                    (System.nanoTime() - t0) / 1e9));
        } catch (Throwable e) { // (anything: the runtime still serves its host, only colder)
            log.println("multiarch-agent: warming up failed (" + e + "); serving without it");
        }
        log.flush();
    }

    /**
     * Accepts connections on {@code server} until one offers {@code token} in the {@link Handshake},
     * which is then answered and returned, or until {@code deadline} ({@link System#nanoTime})
     * passes: {@code null}. Every other connection is closed, with a line on {@code log} saying why.
     */
    static Connection awaitHost(ServerSocket server, byte[] token, long deadline, PrintStream log) throws IOException {
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return null;
            }
            server.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
            Socket socket;
            try {
                socket = server.accept();
            } catch (SocketTimeoutException e) {
                return null;
            }
            Connection host = handshake(socket, token, (int) Math.min(left, HANDSHAKE_TIMEOUT_MS), log);
            if (host != null) {
                return host;
            }
        }
    }

    /** The connection of {@code socket} if it offers {@code token}; else closed and logged, {@code null}. */
    private static Connection handshake(Socket socket, byte[] token, int timeoutMillis, PrintStream log) {
        String refusal;
        try {
            socket.setSoTimeout(timeoutMillis);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            refusal = Handshake.check(in, out, token);
            if (refusal == null) {
                Handshake.accept(out);
                socket.setSoTimeout(0);
                return new Connection(socket, in, out);
            }
        } catch (SocketTimeoutException e) {
            refusal = "it sent no complete handshake within " + timeoutMillis + " ms";
        } catch (EOFException e) {
            refusal = "it closed the connection before the end of its handshake";
        } catch (IOException e) {
            refusal = "its handshake broke off: " + e;
        }
        log.println("multiarch-agent: refused a connection from " + socket.getRemoteSocketAddress() + ": " + refusal
                + "; still waiting for the host that started this container");
        log.flush();
        try {
            socket.close();
        } catch (IOException e) {
            Log.debug("A refused connection did not close cleanly (refused anyway)", e);
        }
        return null;
    }

    /**
     * A training run for a class-data archive ({@code -XX:ArchiveClassesAtExit}): runs every test
     * of {@code testClass} as a session would, ungated and with its frames discarded, then exits
     * normally, which is when the JVM writes the archive.
     */
    private static void train(String testClass, String architecture) throws ClassNotFoundException {
        OutputCapture.install();
        runUngated(Class.forName(testClass), architecture, OutputStream.nullOutputStream());
        System.exit(0);
    }

    /**
     * Runs every test of {@code testClass} in this JVM as session 1 would for {@code architecture},
     * without waiting for a host's commands, and writes the frames it sends to {@code frames}.
     * For a training run, and for tests of the session's frames without a container.
     */
    static void runUngated(Class<?> testClass, String architecture, OutputStream frames) {
        Agent agent = new Agent(new DataOutputStream(frames));
        String selector = RemoteSelector.forClass(java.util.List.of(), testClass);
        new AgentSession(1, selector, Map.of(ARCHITECTURE_PARAMETER, architecture), agent, false).run();
    }

    /**
     * Fills each class path directory of {@code pairs} ({@link #CLASS_DIRS_PROPERTY}) with a copy
     * of the whole tree of its contents: directories, files with their modification times and
     * permissions ({@link StandardCopyOption#COPY_ATTRIBUTES}), symbolic links as links (not
     * followed). The directory itself gets its contents' time and permissions too, where this
     * process may set them (it owns the tmpfs when the runtime runs as the build's user). Each
     * directory must be empty and each contents a directory; any failure is thrown, and the caller
     * must not go on (a directory may be half filled).
     *
     * @return what was copied, for the agent's line
     */
    static Copied copyClassDirectories(String pairs) throws IOException {
        String[] paths = pairs.split(java.util.regex.Pattern.quote(CLASS_DIRS_SEPARATOR), -1);
        if (paths.length % 2 != 0) {
            throw new IOException(CLASS_DIRS_PROPERTY + " holds an odd number of paths: " + pairs);
        }
        long[] counts = new long[2]; // entries, bytes
        for (int i = 0; i < paths.length; i += 2) {
            Path dir = Path.of(paths[i]);
            Path contents = Path.of(paths[i + 1]);
            if (!Files.isDirectory(contents)) {
                throw new IOException("the contents of " + dir + ", " + contents + ", are no directory");
            }
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                if (entries.iterator().hasNext()) {
                    throw new IOException(dir + " is not empty before it is filled");
                }
            }
            copyTree(contents, dir, counts);
        }
        return new Copied(counts[0], counts[1]);
    }

    /** What {@link #copyClassDirectories} copied: files, links and directories below the class path directories, and the files' bytes. */
    record Copied(long entries, long bytes) {
    }

    /** Copies the tree below {@code from} into the existing, empty directory {@code to}. */
    private static void copyTree(Path from, Path to, long[] counts) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(from)) { // (its time and permissions once it is filled: a read-only one could not be)
                    Files.createDirectory(target(d));
                    counts[0]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                Files.copy(f, target(f), LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
                counts[0]++;
                counts[1] += attrs.isRegularFile() ? attrs.size() : 0;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                PosixFileAttributes attrs = Files.readAttributes(d, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                PosixFileAttributeView view = Files.getFileAttributeView(target(d), PosixFileAttributeView.class);
                try {
                    view.setPermissions(attrs.permissions());
                    view.setTimes(attrs.lastModifiedTime(), attrs.lastAccessTime(), null);
                } catch (IOException denied) {
                    if (!d.equals(from)) {
                        throw denied;
                    }
                    Log.debug("The class path directory " + to + " (a tmpfs of another user) keeps its own time and"
                            + " permissions; its contents are copied with theirs", denied);
                }
                return FileVisitResult.CONTINUE;
            }

            private Path target(Path p) {
                return to.resolve(from.relativize(p).toString());
            }
        });
    }

    /** Whether {@code file} is mapped into this process: the JVM took the archive (it ignores an unusable one). */
    private static boolean isMapped(String file) {
        try {
            // (" (deleted)": the file was replaced on disk after this JVM mapped it)
            return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .anyMatch(line -> line.endsWith(" " + file) || line.endsWith(" " + file + " (deleted)"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void serve(DataInputStream in) throws IOException {
        while (true) {
            Message message = Wire.read(in);
            if (message instanceof Message.Start start) {
                AgentSession session = new AgentSession(start.session(), start.selector(), start.params(), this, true,
                        prepared.take(start.selector(), start.params()));
                sessions.put(start.session(), session);
                Thread thread = new Thread(session, "multiarch-session-" + start.session());
                thread.setDaemon(true);
                thread.start();
            } else if (message instanceof Message.Beat beat) {
                send(beat); // the host's heartbeat: answered at once, whatever the sessions do
            } else if (message instanceof Message.Prepare prepare) {
                prepared.prepare(prepare.selector(), prepare.params());
            } else if (message instanceof Message.Run || message instanceof Message.End) {
                AgentSession target = sessions.get(message.session());
                if (target != null) {
                    target.command(message);
                } else if (message instanceof Message.Run run) {
                    send(new Message.Result(run.session(), run.key(), Outcome.NOT_RUN, null, null, null));
                }
            } else {
                throw new IOException("Unexpected message from the host: " + Wire.name(message));
            }
        }
    }

    /**
     * Writes {@code why} to the container's own error output (not a session's) and halts the JVM
     * with {@link #HALT_UNREPORTABLE}: the host sees the connection drop and quotes that output.
     */
    static void halt(String why) {
        try {
            FileOutputStream err = new FileOutputStream(FileDescriptor.err);
            err.write((why + "; halting\n").getBytes(StandardCharsets.UTF_8));
            err.flush();
        } catch (Throwable t) {
            Log.debug("The reason for halting could not be written (halting anyway)", t);
        }
        Runtime.getRuntime().halt(HALT_UNREPORTABLE);
    }

    @Override
    public void finished(AgentSession session) {
        sessions.remove(session.id(), session);
    }

    @Override
    public synchronized void send(Message message) {
        try {
            Wire.write(Wire.withinLimit(message), out);
        } catch (IOException e) {
            Log.debug("A frame for the host was not sent: the host is gone; the reader sees the end of the stream"
                    + " and halts the JVM", e);
        }
    }
}
