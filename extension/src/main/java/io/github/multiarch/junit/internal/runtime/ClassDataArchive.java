package io.github.multiarch.junit.internal.runtime;

import io.github.multiarch.junit.internal.docker.Docker;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.arch.Log;
import io.github.multiarch.junit.internal.remote.Agent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * An application class-data archive (AppCDS) of a runtime's jars: made once per image and class
 * path by a training run, kept in a cache directory on the host, and mapped by every later
 * runtime JVM of that image and class path, which then starts JUnit without parsing and
 * verifying its classes again. Under emulation that is most of a cold start (see README,
 * "Performance").
 *
 * <p>The JDK archives classes from jars only, a runtime's class path must begin with the one the
 * archive was made with, and the JDK takes an archive only while every directory of that class
 * path is empty when the JVM starts (at the training and at each later start). So the runtime
 * keeps the host's class path, in its order and at the same paths ({@link JvmSetup#remotePath}),
 * and with an archive each directory ({@code target/test-classes}, {@code target/classes}) is an
 * empty tmpfs at its own path when the JVM starts, the real directory mounted read-only at
 * {@link JvmSetup#copySource} ({@link #copiedDirectories}); the agent copies each real
 * directory's whole tree into its tmpfs before anything of the tests is looked up
 * ({@link Agent#CLASS_DIRS_PROPERTY}). The JDK's class path reads a directory lazily, path by
 * path, so from then on every resource is found where the host finds it (a directory's
 * {@code META-INF/LICENSE.txt} before a jar's, at the directory's own URL), and a class of a jar
 * comes from the archive, which the JDK asks before the class path. That is the host's class
 * only when no directory before the jar holds the same class file, so such a class path
 * ({@link #shadowedClass}) gets no archive, nor one with an entry inside a directory
 * ({@link #nested}), whose tmpfs would hide it, nor one whose directories hold more than
 * {@link #MAX_COPIED_BYTES} ({@link #tooLargeToCopy}); nor one where the agent's own classes are
 * in a directory (this project's own build), on a remote engine, or with
 * {@code multiarch.cds=false}. A runtime started without an archive file (none made yet, or none
 * possible) mounts its directories as {@link JvmSetup#binds(List)} does.
 *
 * <p>A copied directory is the real one as files too: a walk finds the same files, a resource
 * name with {@code ..} and a canonical path resolve as on the host. The one difference: what a
 * test writes into it (or deletes from it) stays in the container's tmpfs; the host's directory
 * is not changed (README, "The class-data archive").
 *
 * <p>When no archive exists yet, the first runtime starts without one and a training run
 * ({@code Agent --train}, in a container of the same image) makes it in the background. The
 * training container finishes its work on its own: it moves the archive into place (or writes
 * a {@code .failed} note) and removes itself, bounded by {@value #TRAINING_LIMIT_SECONDS} s, so
 * the host JVM never waits for it at exit (a build tool kills a test JVM that takes long to
 * exit: Surefire after 30 s) and a training outlives a killed host JVM only until it ends. A
 * JVM that does not take the archive (it ignores an unusable one) makes the host delete it, so
 * the next run trains again.
 *
 * @since 0.1.0
 */
public final class ClassDataArchive {

    /** Where the cache directory is mounted in containers. */
    static final String REMOTE_DIR = "/multiarch/cds";
    /** The longest a training container runs (under emulation on a slow host it takes minutes). */
    static final int TRAINING_LIMIT_SECONDS = 900;
    /** Of {@link #TRAINING_LIMIT_SECONDS}, what making an AOT cache from a recording may take. */
    private static final int CREATE_LIMIT_SECONDS = 180;
    /**
     * The training container's command, its arguments the agent's main class and arguments: the JVM
     * with the runtime's options ({@code @$ARGS}) and the training flags of {@code $KIND} (an AppCDS
     * archive written at exit; an AOT cache: a recording run, then the cache made from its
     * configuration, bounded together), then the archive moved into place, or the failure noted;
     * {@code $ARGS}, {@code $ARCHIVE}, {@code $TMP}, {@code $FAILED} are paths in the container. An
     * archive another training put in place meanwhile stays (a hard link never replaces a file; a
     * file system without them gets the file moved): a running JVM may have mapped it.
     */
    private static final String TRAINING_SCRIPT = """
            t=; t2=; command -v timeout >/dev/null 2>&1 && t="timeout %d" && t2="timeout %d"
            if [ "$KIND" = aot ]; then
              $t java "@$ARGS" -XX:AOTMode=record -XX:AOTConfiguration="$TMP.conf" "$@" >"$TMP.log" 2>&1 \
                && $t2 java "@$ARGS" -XX:AOTMode=create -XX:AOTConfiguration="$TMP.conf" -XX:AOTCache="$TMP" >>"$TMP.log" 2>&1
            else
              $t java "@$ARGS" -XX:ArchiveClassesAtExit="$TMP" "$@" >"$TMP.log" 2>&1
            fi
            rc=$?
            if [ $rc = 0 ] && [ -s "$TMP" ]; then ln "$TMP" "$ARCHIVE" 2>/dev/null || [ -e "$ARCHIVE" ] || mv -f "$TMP" "$ARCHIVE"
            else { echo "exit $rc"; tail -c 4000 "$TMP.log"; } >"$FAILED"; fi
            rm -f "$TMP" "$TMP.log" "$TMP.conf"
            """.formatted(TRAINING_LIMIT_SECONDS - CREATE_LIMIT_SECONDS, CREATE_LIMIT_SECONDS);
    private static final int KEEP = 4;
    /**
     * The most the class path directories of a class path may hold together (the sizes of their
     * files) for an archive: each runtime that maps it copies them into a tmpfs, whose pages are
     * the container's memory, before its tests start, and the copy takes time under emulation.
     */
    static final long MAX_COPIED_BYTES = 64L << 20;

    /**
     * The class path (the host's order, which the runtime keeps), the indices of its directories,
     * and why no archive can be used with it ({@code null}: one can).
     */
    record Layout(List<Path> classpath, List<Integer> directories, String whyNone) {

        /** The same class path, without an archive for {@code why}. */
        Layout without(String why) {
            return new Layout(classpath, directories, why);
        }
    }

    /**
     * Plans the archives of the runtimes of one launcher session ({@link Runtimes}): remembers each
     * class path's layout, and which trainings this session started.
     */
    static final class Planner {
        private final Map<List<Path>, Layout> layouts = new ConcurrentHashMap<>();
        private final Set<Path> trainings = ConcurrentHashMap.newKeySet();

        /**
         * The archive for a runtime of {@code imageId} with the host's {@code classpath}.
         *
         * @param cacheDir where archives are kept; {@code null} when they are switched off
         * @param trainingClass the test class a training run runs: the paths a real session takes
         */
        ClassDataArchive plan(Path cacheDir, Docker docker, Architecture arch, String imageId, List<Path> classpath,
                              String trainingClass, JvmSetup setup) {
            Layout layout;
            if (cacheDir == null) {
                layout = new Layout(List.copyOf(classpath), List.of(), "switched off (multiarch.cds=false)");
            } else if (!docker.isLocal()) {
                layout = new Layout(List.copyOf(classpath), List.of(), "the engine is remote");
            } else { // (reads the directories and jars: once per class path, and only when an archive may be used)
                layout = layouts.computeIfAbsent(List.copyOf(classpath), ClassDataArchive::layout);
                if (layout.whyNone == null) {
                    layout = mountable(layout, setup);
                }
            }
            if (layout.whyNone != null) {
                return new ClassDataArchive(this, layout, null, trainingClass);
            }
            Optional<String> ownSharing = setup.flags().stream().filter(ClassDataArchive::isSharingOption).findFirst();
            if (ownSharing.isPresent()) {
                return new ClassDataArchive(this, layout.without("multiarch.jvm.args sets class-data sharing itself ("
                        + ownSharing.get() + ")"), null, trainingClass);
            }
            return new ClassDataArchive(this, layout,
                    cacheDir.resolve(arch.qemu() + "-" + key(imageId, layout, setup.flags())), trainingClass);
        }
    }

    private final Planner planner;
    private final String trainingClass;
    private final Layout layout;
    /** The archive's path without its {@link Kind#suffix}; {@code null} when none can be used. */
    private final Path base;
    /**
     * The archive this runtime starts with: the one that existed when it was planned (decided once:
     * a training may finish meanwhile), an AOT cache before an AppCDS archive; {@code null}: none.
     */
    private final Path file;

    /**
     * What the image's JVM makes: JDK 24 and later an AOT cache (JEP 483: the classes loaded and
     * linked, and with JDK 25 method profiles), which starts JUnit faster than an AppCDS archive of
     * the same class path (README, "Performance"); earlier JDKs an AppCDS archive.
     */
    enum Kind {
        CDS(".jsa"), AOT(".aot");

        final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }

        /** The kind a JVM of {@code javaVersion} ({@code java.version}, e.g. {@code 17.0.19}, {@code 25}) makes. */
        static Kind of(String javaVersion) {
            return featureVersion(javaVersion) >= 24 ? AOT : CDS;
        }
    }

    private ClassDataArchive(Planner planner, Layout layout, Path base, String trainingClass) {
        this.planner = planner;
        this.trainingClass = trainingClass;
        this.layout = layout;
        this.base = base;
        this.file = base == null ? null : Stream.of(Kind.AOT, Kind.CDS).map(this::path).filter(Files::isRegularFile)
                .findFirst().orElse(null);
    }

    private Path path(Kind kind) {
        return base.resolveSibling(base.getFileName() + kind.suffix);
    }

    private Kind kind() {
        return file.getFileName().toString().endsWith(Kind.AOT.suffix) ? Kind.AOT : Kind.CDS;
    }

    /**
     * The feature version of a {@code java.version} ({@code 25.0.5} and {@code 25-ea}: 25,
     * {@code 1.8.0_392}: 8); 0 when it does not start with a number.
     */
    static int featureVersion(String javaVersion) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(?:\\.(\\d+))?").matcher(
                javaVersion == null ? "" : javaVersion);
        if (!m.lookingAt()) {
            return 0;
        }
        int first = Integer.parseInt(m.group(1));
        return first == 1 && m.group(2) != null ? Integer.parseInt(m.group(2)) : first;
    }

    /**
     * Whether a JVM option of {@code multiarch.jvm.args} sets class-data sharing itself (then the
     * runtime gets no archive: the JVM refuses an AOT cache beside any {@code -Xshare} option).
     */
    static boolean isSharingOption(String option) {
        return option.startsWith("-Xshare") || option.startsWith("-XX:SharedArchiveFile")
                || option.startsWith("-XX:ArchiveClassesAtExit") || option.startsWith("-XX:AOT")
                || option.startsWith("-XX:SharedClassListFile") || option.startsWith("-XX:+AutoCreateSharedArchive");
    }

    /** The class path of the runtime: the host's, in its order. */
    List<Path> classpath() {
        return layout.classpath;
    }

    /**
     * The indices of the class path directories that have an empty tmpfs at their own path, filled
     * by the agent with a copy of the real directory ({@link JvmSetup#copySource}): every directory
     * when the runtime starts with an archive file (also when its JVM then does not take it), else
     * none.
     */
    List<Integer> copiedDirectories() {
        return exists() ? layout.directories : List.of();
    }

    /** Whether the runtime starts with an archive (one exists for it). */
    boolean exists() {
        return file != null;
    }

    /** JVM flags of a runtime: the archive's, when there is one. */
    List<String> jvmFlags() {
        if (!exists()) {
            return List.of();
        }
        String remote = REMOTE_DIR + "/" + file.getFileName();
        List<String> flags = new ArrayList<>(List.of(
                (kind() == Kind.AOT ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + remote,
                "-D" + Agent.ARCHIVE_PROPERTY + "=" + remote));
        if (!layout.directories.isEmpty()) {
            List<String> pairs = new ArrayList<>();
            for (int i : layout.directories) {
                Path dir = layout.classpath.get(i);
                pairs.add(JvmSetup.remotePath(dir, i));
                pairs.add(JvmSetup.copySource(dir, i));
            }
            flags.add("-D" + Agent.CLASS_DIRS_PROPERTY + "=" + String.join(Agent.CLASS_DIRS_SEPARATOR, pairs));
        }
        return flags;
    }

    /** Mounts of a runtime: the cache directory, read-only, when there is an archive. */
    List<Bind> binds() {
        return exists() ? List.of(new Bind(file.getParent().toString(), new Volume(REMOTE_DIR), AccessMode.ro))
                : List.of();
    }

    /**
     * After a runtime started: makes the archive in the background when there is none, and deletes
     * one the JVM did not take.
     *
     * @return a few words for the runtime's "ready" line
     */
    String afterStart(Docker docker, Architecture arch, String imageId, RemoteRuntime runtime, JvmSetup setup) {
        if (base == null) {
            return "no class-data archive: " + layout.whyNone;
        }
        if (file != null && Boolean.TRUE.equals(runtime.archiveMapped())) {
            file.toFile().setLastModified(System.currentTimeMillis()); // in use: the clean-up keeps it
            return "class-data archive in use" + (kind() == Kind.AOT ? " (an AOT cache)" : "");
        }
        if (file != null && runtime.archiveMapped() != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                Log.debug("Could not delete the class-data archive " + file + " the JVM did not take; the next run"
                        + " tries it again and deletes it then", e);
            }
            return "class-data archive " + file + " was not taken by the JVM: deleted, the next run makes a new one";
        }
        if (failedBefore()) {
            return "no class-data archive: its training run failed before (" + failureFile() + ")";
        }
        Kind kind = Kind.of(runtime.remoteJava());
        train(docker, arch, imageId, setup, kind);
        return "making a class-data archive for later runs, in the background"
                + (kind == Kind.AOT ? " (an AOT cache: java " + runtime.remoteJava() + ")" : "");
    }

    /**
     * Starts the training container: the runtime's JVM flags ({@link JvmSetup#flags()}, which the
     * archive's key names) and class path, with its jars at their runtime paths and an empty tmpfs
     * at each directory's (the JDK archives a class path only while its directories are empty), as
     * the runtime's user, with the runtime's {@code /tmp} and {@code HOME}.
     */
    private void train(Docker docker, Architecture arch, String imageId, JvmSetup setup, Kind kind) {
        if (!planner.trainings.add(base)) {
            return; // this session started it already
        }
        Path target = path(kind);
        Path dir = target.getParent();
        String tmp = target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try {
            Files.createDirectories(dir);
            List<Bind> binds = new ArrayList<>(JvmSetup.trainingBinds(layout.classpath, layout.directories));
            binds.add(new Bind(dir.toString(), new Volume(REMOTE_DIR), AccessMode.rw));
            List<String> args = new ArrayList<>(List.of("-c", TRAINING_SCRIPT, "training"));
            args.addAll(List.of(Agent.class.getName(), Agent.TRAIN, trainingClass, arch.platform()));
            HostConfig hostConfig = HostConfig.newHostConfig().withAutoRemove(true).withBinds(binds)
                    .withTmpFs(JvmSetup.trainingTmpfs(layout.classpath, layout.directories));
            if (!setup.groups().isEmpty()) {
                hostConfig = hostConfig.withGroupAdd(setup.groups());
            }
            var create = docker.create(imageId, arch, "cds-training-" + arch.platform())
                    .withHostConfig(hostConfig)
                    .withEntrypoint("sh").withCmd(args)
                    .withEnv("HOME=" + JvmSetup.TMP, "TMPDIR=" + JvmSetup.TMP, "TMP=" + REMOTE_DIR + "/" + tmp,
                            "ARCHIVE=" + REMOTE_DIR + "/" + target.getFileName(), "ARGS=" + JvmSetup.ARGS_FILE,
                            "KIND=" + kind.name().toLowerCase(java.util.Locale.ROOT),
                            "FAILED=" + REMOTE_DIR + "/" + failureFile().getFileName());
            if (setup.user() != null) {
                create = create.withUser(setup.user());
            }
            docker.startDetached(create, Map.of(JvmSetup.ARGS_FILE, setup.trainingArgsFile(JvmSetup.remotePaths(layout.classpath))));
        } catch (IOException | RuntimeException e) {
            Log.warn(arch + ": no class-data archive made", e);
            return;
        }
        Thread watch = new Thread(() -> reportTraining(arch, target), "multiarch-cds-" + arch.platform());
        watch.setDaemon(true); // never holds up the JVM's exit
        watch.start();
    }

    /** Says when the training ends while this JVM still runs (the container does the work either way). */
    private void reportTraining(Architecture arch, Path target) {
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofSeconds(TRAINING_LIMIT_SECONDS + 30).toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (Files.isRegularFile(target)) {
                    Log.progress(String.format("%s: class-data archive made in %.1f s for later runs: %s", arch,
                            (System.nanoTime() - t0) / 1e9, target));
                    removeOldArchives(target.getParent(), arch);
                    return;
                }
                if (failedBefore()) {
                    Log.warn(arch + ": the training run for a class-data archive failed; "
                            + "runtimes start without one. Its output: " + failureFile());
                    return;
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Path failureFile() {
        return base.resolveSibling(base.getFileName() + ".failed");
    }

    private boolean failedBefore() {
        return Files.exists(failureFile());
    }

    /**
     * Keeps the cache small: archives (and failure notes) unused for 30 days go, and of one
     * architecture's archives only the {@value #KEEP} most recently used stay (each rebuilt
     * snapshot jar makes a new one).
     */
    private static void removeOldArchives(Path dir, Architecture arch) {
        long cutoff = System.currentTimeMillis() - Duration.ofDays(30).toMillis();
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> mine = new ArrayList<>();
            for (Path p : files.toList()) {
                if (p.toFile().lastModified() < cutoff) {
                    Files.deleteIfExists(p);
                } else if (p.getFileName().toString().startsWith(arch.qemu() + "-")
                        && Stream.of(Kind.values()).anyMatch(k -> p.getFileName().toString().endsWith(k.suffix))) {
                    mine.add(p);
                }
            }
            mine.sort(java.util.Comparator.comparingLong((Path p) -> p.toFile().lastModified()).reversed());
            for (Path old : mine.subList(Math.min(KEEP, mine.size()), mine.size())) {
                Files.deleteIfExists(old);
            }
        } catch (IOException e) {
            Log.debug("Cleaning old class-data archives out of " + dir + " failed; the next archive made tries again", e);
        }
    }

    /**
     * The host's class path, with the reason no archive can be used with it, if any: the agent is
     * not in a jar, an entry lies inside a directory ({@link #nested}), the directories hold too
     * much to copy ({@link #tooLargeToCopy}), or a class file of a directory is also in a later jar
     * ({@link #shadowedClass}).
     */
    private static Layout layout(List<Path> classpath) {
        List<Integer> dirs = new ArrayList<>();
        for (int i = 0; i < classpath.size(); i++) {
            if (Files.isDirectory(classpath.get(i))) {
                dirs.add(i);
            }
        }
        Layout layout = new Layout(List.copyOf(classpath), List.copyOf(dirs), null);
        Path agent = codeSource(Agent.class);
        if (agent == null || !classpath.contains(agent) || Files.isDirectory(agent)) {
            return layout.without("the agent's classes are not in a jar (" + agent + ")");
        }
        Optional<String> why = nested(classpath).or(() -> tooLargeToCopy(classpath)).or(() -> shadowedClass(classpath));
        return why.map(layout::without).orElse(layout);
    }

    /**
     * Whether the runtime's mounts allow copied directories: a directory must not hold the working
     * or the output directory (mounted at their own paths), and must still be one.
     */
    static Layout mountable(Layout layout, JvmSetup setup) {
        for (int i : layout.directories) {
            Path dir = layout.classpath.get(i);
            if (!Files.isDirectory(dir)) {
                return layout.without("the class path directory " + dir + " is gone");
            }
            for (Path own : java.util.Arrays.asList(setup.workDir(), setup.outputDir())) {
                if (own != null && JvmSetup.remotePath(dir, i).equals(dir.toString()) && own.startsWith(dir)) {
                    return layout.without("the class path directory " + dir + " holds " + own + ", which is mounted"
                            + " on its own");
                }
            }
        }
        return layout;
    }

    /**
     * Why the directories of {@code classpath} are too large to copy into each runtime, if they are:
     * their files hold more than {@link #MAX_COPIED_BYTES} together (sizes as the host reads them;
     * links are not followed, as the agent copies them as links).
     */
    static Optional<String> tooLargeToCopy(List<Path> classpath) {
        long total = 0;
        for (Path dir : classpath) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path f : (Iterable<Path>) walk::iterator) {
                    var attrs = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    total += attrs.isRegularFile() ? attrs.size() : 0;
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                return Optional.of("the class path directory " + dir + " is unreadable (" + e.getMessage() + ")");
            }
        }
        if (total <= MAX_COPIED_BYTES) {
            return Optional.empty();
        }
        long tenths = (total * 10 + (1 << 20) - 1) >> 20; // MiB/10, rounded up: never "64.0 MiB, more than 64 MiB"
        return Optional.of("the class path directories hold " + tenths / 10 + "." + tenths % 10 + " MiB, more than the "
                + (MAX_COPIED_BYTES >> 20) + " MiB a runtime copies");
    }

    /** An entry of {@code classpath} that lies inside one of its directories, if any (the directory's tmpfs would hide it). */
    static Optional<String> nested(List<Path> classpath) {
        for (Path dir : classpath) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            for (Path other : classpath) {
                if (!other.equals(dir) && other.startsWith(dir)) {
                    return Optional.of("the class path entry " + other + " lies inside the class path directory " + dir);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A class file that a directory of {@code classpath} holds and a jar after it holds too, if any:
     * the archive would serve the jar's class where the host loads the directory's. (Resources of a
     * directory are looked up in it as on the host; a class file in a jar before the directory is
     * the host's too.) {@code module-info.class} does not count, and a multi-release jar's
     * {@code META-INF/versions/<n>/} classes count as the classes they stand for.
     */
    static Optional<String> shadowedClass(List<Path> classpath) {
        Map<String, Path> classes = new java.util.HashMap<>(); // of the directories so far: name -> directory
        for (Path entry : classpath) {
            if (Files.isDirectory(entry)) {
                try (Stream<Path> walk = Files.walk(entry)) {
                    for (Path f : walk.filter(Files::isRegularFile).toList()) {
                        String name = entry.relativize(f).toString().replace('\\', '/');
                        if (isClass(name)) {
                            classes.putIfAbsent(name, entry);
                        }
                    }
                } catch (IOException | java.io.UncheckedIOException e) {
                    return Optional.of("the class path directory " + entry + " is unreadable (" + e.getMessage() + ")");
                }
            } else if (!classes.isEmpty()) {
                try (ZipFile zip = new ZipFile(entry.toFile())) {
                    Optional<String> both = zip.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName)
                            .map(ClassDataArchive::unversioned).filter(classes::containsKey).findFirst();
                    if (both.isPresent()) {
                        return Optional.of(both.get() + " is both in the class path directory " + classes.get(both.get())
                                + " and in the later jar " + entry + ": the archive would serve the jar's class");
                    }
                } catch (IOException e) {
                    return Optional.of("the class path entry " + entry + " is unreadable as a jar (" + e.getMessage() + ")");
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code name} is a class file that counts: not {@code module-info.class}. */
    private static boolean isClass(String name) {
        return name.endsWith(".class") && !name.equals("module-info.class");
    }

    /** {@code META-INF/versions/<n>/rest} as {@code rest}; any other name as it is. */
    static String unversioned(String name) {
        if (name.startsWith("META-INF/versions/")) {
            int slash = name.indexOf('/', "META-INF/versions/".length());
            if (slash > 0) {
                return name.substring(slash + 1);
            }
        }
        return name;
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize();
        } catch (Exception e) {
            Log.debug("Where " + type.getName() + " was loaded from is unknown: no class-data archive", e);
            return null;
        }
    }

    /**
     * Image, JVM flags ({@link JvmSetup#flags()}: the heap, collector and {@code multiarch.jvm.args}
     * among them), and the class path in its order: each jar's remote path, size and time, each
     * directory's remote path: a change in any makes a new archive.
     */
    static String key(String imageId, Layout layout, List<String> jvmFlags) {
        StringBuilder sb = new StringBuilder(imageId).append('\n').append(jvmFlags).append('\n');
        List<String> remote = JvmSetup.remotePaths(layout.classpath);
        for (int i = 0; i < remote.size(); i++) {
            sb.append(remote.get(i)).append(' ');
            if (layout.directories.contains(i)) {
                sb.append("directory");
            } else {
                java.io.File f = layout.classpath.get(i).toFile();
                sb.append(f.length()).append(' ').append(f.lastModified());
            }
            sb.append('\n');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
