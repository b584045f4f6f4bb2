package io.github.multiarch.junit.internal.runtime;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import io.github.multiarch.junit.internal.arch.Log;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How a runtime's JVM is set up like the build's test JVM (Surefire's fork), from what this JVM
 * has when the runtime starts (a runtime serves every class of the run, so it is taken once):
 *
 * <ul>
 *   <li><b>Files.</b> The working directory is this JVM's {@code user.dir} (the module's base
 *       directory under Surefire), mounted read-only at the same absolute path; the build's output
 *       directory ({@link #outputDir}: {@code target/}) is mounted writable at its own path; the
 *       other class path entries read-only at their own paths ({@link #remotePath}). With a
 *       class-data archive each class path directory is an empty tmpfs at its own path instead,
 *       which the agent fills with a copy of the real directory, mounted read-only at
 *       {@link #copySource} (see {@link ClassDataArchive}); what a test writes there stays in the
 *       container. The JVM runs
 *       as this process's uid:gid (and supplementary groups), so what it writes is the build
 *       user's. {@code /tmp} is a tmpfs of the container (executable: native libraries unpacked
 *       there load), the remote {@code java.io.tmpdir}, {@code user.home}, {@code TMPDIR} and
 *       {@code HOME}.</li>
 *   <li><b>System properties</b> ({@link #carriedProperties}) and <b>environment variables</b>
 *       ({@link #carriedEnvironment}): all but those that describe this JVM or this machine.</li>
 *   <li><b>Memory and JVM options</b> ({@link #flags}): the heap size and collector of this JVM,
 *       the sizes and assertion and module options its command line set, then the user's
 *       {@code multiarch.jvm.args}.</li>
 * </ul>
 *
 * README, "What the remote JVM gets", is the user's copy of these rules.
 *
 * @since 0.2.0
 */
final class JvmSetup {

    /** Where the JVM's argument file is put in each container ({@code java @/multiarch/java.args}). */
    static final String ARGS_FILE = "/multiarch/java.args";
    /** Where class path entries that cannot keep their own path are mounted: {@code /multiarch/cp/<index>/<name>}. */
    static final String CP_DIR = "/multiarch/cp";
    /**
     * Where a runtime with a class-data archive mounts class path directory {@code <index>},
     * read-only: {@code /multiarch/classdirs/<index>/<name>}; its own path is an empty tmpfs that
     * the agent fills with a copy of it ({@link #copySource}).
     */
    static final String CLASS_DIRS = "/multiarch/classdirs";
    /** The container's temporary directory: a tmpfs. */
    static final String TMP = "/tmp";
    /**
     * Its options: executable (Docker's default is noexec, where an unpacked JNI library does not
     * load), for everyone; no size of its own (the kernel's default: half the memory).
     */
    static final String TMP_OPTIONS = "rw,exec,nosuid,nodev,mode=1777";
    /**
     * The options of a copied class path directory's tmpfs ({@link #tmpfs(List, Collection)}), but
     * its owner: executable and unbounded as {@link #TMP_OPTIONS} (a native library among the
     * class path's resources loads from it; the copy is bounded by
     * {@link ClassDataArchive#MAX_COPIED_BYTES}, what tests write there only by memory).
     */
    static final String CLASS_DIR_OPTIONS = "rw,exec,nosuid,nodev";

    /**
     * The runtime JVM's JIT: tiered, with C2 held back until a method is 10 times as hot as the
     * JVM's default asks (its four tier-4 thresholds). Under emulation a C2 compilation costs the
     * test run the CPU it runs on, so C2 only for the code a long CPU-bound test keeps running. C1
     * only ({@code -XX:TieredStopAtLevel=1}) reaches a first result about a second sooner, but made
     * Commons Text's suite 44% slower; the JVM's own thresholds made short runs twice as slow
     * (README, Performance: "The JIT").
     * A user's {@code -XX:TieredStopAtLevel=1} in {@code multiarch.jvm.args} comes later and wins.
     */
    static final List<String> JIT_FLAGS = List.of("-XX:TieredStopAtLevel=4", "-XX:Tier4InvocationThreshold=50000",
            "-XX:Tier4MinInvocationThreshold=6000", "-XX:Tier4CompileThreshold=150000",
            "-XX:Tier4BackEdgeThreshold=400000");

    /**
     * The runtime JVM's own flags, whatever the host's: {@link #JIT_FLAGS}, {@code vfork} for child
     * processes (under QEMU), the agent's mark. (The JDK's class-data sharing is on by default; an
     * {@code -Xshare} option here would make the JVM refuse an AOT cache.)
     */
    static final List<String> BASE_FLAGS = Stream.concat(JIT_FLAGS.stream(),
            Stream.of("-Djdk.lang.Process.launchMechanism=vfork", "-Dmultiarch.agent=true")).toList();

    /** Property prefixes that are not carried: the JVM's own, the machine's, Surefire's, JUnit's and this extension's settings. */
    static final List<String> PROPERTY_PREFIXES_KEPT_BACK = List.of("java.", "jdk.", "sun.", "os.", "surefire.",
            "junit.", "multiarch.", "com.sun.management.");
    /** Properties that are not carried: the platform's, the user account's and the working directory (which is the same). */
    static final Set<String> PROPERTIES_KEPT_BACK = Set.of("file.separator", "path.separator", "line.separator",
            "native.encoding", "stdout.encoding", "stderr.encoding", "user.home", "user.name", "user.dir");
    /** {@code java.*} properties that a build sets for its tests and that mean the same on every machine: carried. */
    static final Set<String> PORTABLE_JAVA_PROPERTIES = Set.of("java.locale.providers", "java.locale.useOldISOCodes",
            "java.awt.headless", "java.net.preferIPv4Stack", "java.net.preferIPv6Addresses",
            "java.util.logging.config.file", "java.util.logging.config.class",
            "java.util.concurrent.ForkJoinPool.common.parallelism");

    /** Environment variables that are not carried: this machine's programs, paths, user, shell and locale. */
    static final Set<String> ENV_KEPT_BACK = Set.of("PATH", "HOME", "PWD", "OLDPWD", "SHLVL", "_", "HOSTNAME", "USER",
            "LOGNAME", "SHELL", "MAIL", "TMPDIR", "TMP", "TEMP", "JAVA_HOME", "JDK_HOME", "JRE_HOME", "CLASSPATH",
            "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "LANG", "LANGUAGE", "DISPLAY", "XAUTHORITY",
            "DBUS_SESSION_BUS_ADDRESS");
    /** Prefixes of environment variables that are not carried (the dynamic linker's, locale, desktop, ssh, this extension's). */
    static final List<String> ENV_PREFIXES_KEPT_BACK = List.of("LD_", "DYLD_", "LC_", "XDG_", "SSH_", "MULTIARCH_");

    /** Directories a mount must not be (nor contain): the image's own system, and this extension's. */
    private static final Set<String> SYSTEM_DIRS = Set.of("/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32",
            "/lib64", "/libx32", "/opt", "/proc", "/run", "/sbin", "/sys", "/tmp", "/usr", "/var", "/multiarch");
    private static final List<String> SYSTEM_TREES = List.of("/proc/", "/sys/", "/dev/", "/multiarch/");

    /** Collectors every HotSpot port has: carried as the host has them. */
    private static final List<String> PORTABLE_COLLECTORS = List.of("G1", "Parallel", "Serial");
    private static final Pattern GC_OPTION =
            Pattern.compile("-XX:\\+Use(Serial|Parallel|ParallelOld|G1|Z|Shenandoah|Epsilon|ConcMarkSweep)GC");
    private static final Pattern HEAP_OPTION =
            Pattern.compile("-Xmx\\S+|-XX:(MaxHeapSize|MaxRAMPercentage|MaxRAMFraction|MaxRAM)=\\S+");
    private static final Pattern ASSERTION_OPTION = Pattern.compile(
            "-(ea|da|esa|dsa|enableassertions|disableassertions|enablesystemassertions|disablesystemassertions)(:.*)?");
    private static final List<String> MODULE_OPTIONS = List.of("--add-opens=", "--add-exports=", "--add-reads=",
            "--add-modules=", "--enable-native-access=");
    /** Sizes the build may set on its test JVM, carried when its command line (or JAVA_TOOL_OPTIONS) set them. */
    static final List<String> SIZE_FLAGS = List.of("ThreadStackSize", "MaxDirectMemorySize", "MaxMetaspaceSize");

    /**
     * What the setup is taken from: this JVM ({@link #current}), or a made-up one in tests.
     *
     * @param maxHeap the JVM's maximum heap ({@code MaxHeapSize}), in bytes
     * @param collector {@code G1}, {@code Parallel}, {@code Serial}, {@code Z}, ...; {@code null}: unknown
     * @param sizeFlags the {@link #SIZE_FLAGS} the command line set, by name
     * @param inputArguments the JVM's command-line options
     * @param assertions whether the test classes' class loader enables assertions by default (Surefire's
     *                   {@code enableAssertions} sets that without a command-line option)
     * @param user {@code uid:gid}, {@code null} when unknown (not Linux)
     * @param groups the supplementary group ids
     */
    record Host(Path userDir, Properties properties, Map<String, String> env, long maxHeap, String collector,
                Map<String, String> sizeFlags, List<String> inputArguments, boolean assertions, String user,
                List<String> groups) {

        /** This JVM, now. */
        static Host current() {
            Properties properties = new Properties();
            System.getProperties().forEach(properties::put); // (a copy: a test may change them meanwhile)
            Map<String, String> sizes = new LinkedHashMap<>();
            String collector = null;
            long maxHeap = Runtime.getRuntime().maxMemory();
            try {
                com.sun.management.HotSpotDiagnosticMXBean vm =
                        ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
                maxHeap = Long.parseLong(vm.getVMOption("MaxHeapSize").getValue());
                for (String gc : List.of("G1", "Parallel", "Serial", "Z", "Shenandoah", "Epsilon")) {
                    if (collector == null && booleanOption(vm, "Use" + gc + "GC")) {
                        collector = gc;
                    }
                }
                for (String flag : SIZE_FLAGS) {
                    com.sun.management.VMOption option = vm.getVMOption(flag);
                    switch (option.getOrigin()) {
                        case VM_CREATION, ENVIRON_VAR, CONFIG_FILE -> sizes.put(flag, option.getValue());
                        default -> { }
                    }
                }
            } catch (RuntimeException | LinkageError e) {
                Log.debug("This JVM's flags are unreadable (not HotSpot, or without jdk.management): the remote JVM gets"
                        + " the heap as Runtime says, and its collector is its own choice", e);
            }
            String[] ids = ids();
            return new Host(Path.of(System.getProperty("user.dir")).toAbsolutePath().normalize(), properties,
                    Map.copyOf(System.getenv()), maxHeap, collector, sizes,
                    List.copyOf(ManagementFactory.getRuntimeMXBean().getInputArguments()),
                    JvmSetup.class.desiredAssertionStatus(), ids[0], ids[1] == null ? List.of() : List.of(ids[1].split(" ")));
        }

        private static boolean booleanOption(com.sun.management.HotSpotDiagnosticMXBean vm, String name) {
            try {
                return Boolean.parseBoolean(vm.getVMOption(name).getValue());
            } catch (IllegalArgumentException e) {
                Log.debug("This JVM has no flag " + name + " (a collector it is built without): not its collector");
                return false;
            }
        }

        /** {@code uid:gid} and the supplementary groups (space-separated) of this process, from /proc (Linux). */
        private static String[] ids() {
            try {
                String uid = null;
                String gid = null;
                String groups = null;
                for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                    String[] f = line.split("\\s+");
                    if (line.startsWith("Uid:") && f.length > 2) {
                        uid = f[2]; // effective
                    } else if (line.startsWith("Gid:") && f.length > 2) {
                        gid = f[2];
                    } else if (line.startsWith("Groups:")) {
                        groups = line.substring("Groups:".length()).trim();
                    }
                }
                if (uid == null || gid == null) {
                    return new String[2];
                }
                String primary = gid;
                String others = groups == null ? "" : String.join(" ", java.util.Arrays.stream(groups.split("\\s+"))
                        .filter(g -> !g.isEmpty() && !g.equals(primary)).toList());
                return new String[] {uid + ":" + gid, others.isEmpty() ? null : others};
            } catch (IOException | RuntimeException e) {
                Log.debug("This process's uid and gid are unreadable from /proc/self/status (not Linux?): runtimes run"
                        + " as their image's user", e);
                return new String[2];
            }
        }
    }

    private final Path workDir;
    private final Path outputDir;
    private final String user;
    private final List<String> groups;
    private final List<String> flags;
    private final List<String> userArgs;
    private final Map<String, String> properties;
    private final List<String> env;
    private final String heap;
    private final String collector;
    private final List<String> notes;

    private JvmSetup(Path workDir, Path outputDir, String user, List<String> groups, List<String> flags,
                     List<String> userArgs, Map<String, String> properties, List<String> env, String heap,
                     String collector, List<String> notes) {
        this.workDir = workDir;
        this.outputDir = outputDir;
        this.user = user;
        this.groups = groups;
        this.flags = flags;
        this.userArgs = userArgs;
        this.properties = properties;
        this.env = env;
        this.heap = heap;
        this.collector = collector;
        this.notes = notes;
    }

    /**
     * The setup of a runtime started now from this JVM.
     *
     * @param userArgs {@code multiarch.jvm.args}, parsed
     * @param rootless whether the engine runs rootless (its root is the user who runs it)
     * @param imageEnv the image's own environment ({@code KEY=value})
     */
    static JvmSetup capture(List<Path> classpath, List<String> userArgs, boolean rootless, List<String> imageEnv) {
        return of(Host.current(), classpath, userArgs, rootless, imageEnv);
    }

    /** The setup of a runtime from {@code host}'s facts. */
    static JvmSetup of(Host host, List<Path> classpath, List<String> userArgs, boolean rootless, List<String> imageEnv) {
        List<String> notes = new ArrayList<>();
        Path workDir = host.userDir();
        if (!mountable(workDir) || !Files.isDirectory(workDir)) {
            notes.add("working directory " + workDir + " not mounted (a system directory)");
            workDir = null;
        }
        Path outputDir = workDir == null ? null : outputDir(workDir, classpath);

        Properties hostProperties = host.properties();
        Map<String, String> properties = carriedProperties(hostProperties);
        String hostTmp = hostProperties.getProperty("java.io.tmpdir", TMP);
        String tmpdir = outputDir != null && under(Path.of(hostTmp).toAbsolutePath().normalize(), outputDir)
                ? hostTmp : TMP;
        properties.put("java.io.tmpdir", tmpdir);
        properties.put("user.home", tmpdir); // (JDK 17 says "?" for a uid the image has no account for)
        if (blank(hostProperties.getProperty("user.timezone"))) { // set once the host JVM first needs it
            properties.put("user.timezone", TimeZone.getDefault().getID());
        }

        List<String> env = new ArrayList<>();
        carriedEnvironment(host.env()).forEach((k, v) -> env.add(k + "=" + v));
        env.add("HOME=" + tmpdir);
        env.add("TMPDIR=" + tmpdir);
        boolean imageLocale = imageEnv.stream().anyMatch(e -> e.startsWith("LANG=") || e.startsWith("LC_ALL="));
        if (!imageLocale && "UTF-8".equalsIgnoreCase(hostProperties.getProperty("sun.jnu.encoding"))) {
            env.add("LANG=C.UTF-8"); // file names and arguments in UTF-8, as on the host
        }

        List<String> flags = new ArrayList<>(BASE_FLAGS);
        String heap;
        if (userArgs.stream().anyMatch(a -> HEAP_OPTION.matcher(a).matches())) {
            heap = heapOf(userArgs);
        } else {
            flags.add("-Xmx" + host.maxHeap());
            heap = mib(host.maxHeap());
        }
        String collector = host.collector();
        if (userArgs.stream().anyMatch(a -> GC_OPTION.matcher(a).matches())) {
            collector = userArgs.stream().map(GC_OPTION::matcher).filter(Matcher::matches).reduce((a, b) -> b)
                    .map(m -> m.group(1)).orElseThrow() + " (multiarch.jvm.args)";
        } else if (collector != null) {
            if (!PORTABLE_COLLECTORS.contains(collector)) {
                notes.add(collector + "GC is not built for every architecture: G1 instead");
                collector = "G1";
            }
            flags.add("-XX:+Use" + collector + "GC");
        } else {
            collector = "the JVM's choice";
        }
        host.sizeFlags().forEach((name, value) -> flags.add("-XX:" + name + "=" + value));
        boolean ea = false;
        for (String a : host.inputArguments()) {
            if (ASSERTION_OPTION.matcher(a).matches() || a.equals("--enable-preview")
                    || MODULE_OPTIONS.stream().anyMatch(a::startsWith)) {
                flags.add(a);
                ea |= a.equals("-ea") || a.equals("-enableassertions");
            }
        }
        if (host.assertions() && !ea) {
            flags.add("-ea"); // Surefire's enableAssertions (its default) sets no command-line option
        }

        String user = rootless ? null : host.user(); // rootless: the container's root is the user who runs the engine
        return new JvmSetup(workDir, outputDir, user, rootless ? List.of() : host.groups(), List.copyOf(flags),
                List.copyOf(userArgs), properties, List.copyOf(env), heap, collector, List.copyOf(notes));
    }

    /** The system properties carried: all of {@code host} except the ones named in README (see the constants). */
    static Map<String, String> carriedProperties(Properties host) {
        Map<String, String> carried = new TreeMap<>();
        for (String key : host.stringPropertyNames()) {
            boolean keptBack = PROPERTIES_KEPT_BACK.contains(key)
                    || (PROPERTY_PREFIXES_KEPT_BACK.stream().anyMatch(key::startsWith) && !PORTABLE_JAVA_PROPERTIES.contains(key));
            if (!keptBack && !key.isEmpty()) {
                carried.put(key, host.getProperty(key));
            }
        }
        return carried;
    }

    /** The environment variables carried: all of {@code host} except the ones named in README (see the constants). */
    static Map<String, String> carriedEnvironment(Map<String, String> host) {
        Map<String, String> carried = new TreeMap<>();
        host.forEach((name, value) -> {
            boolean keptBack = ENV_KEPT_BACK.contains(name) || ENV_PREFIXES_KEPT_BACK.stream().anyMatch(name::startsWith);
            if (!keptBack && !name.isEmpty() && name.indexOf('=') < 0) {
                carried.put(name, value);
            }
        });
        return carried;
    }

    /**
     * The build's output directory, writable in the container: the top directory of
     * {@code workDir} that holds the first class path directory in it ({@code target/} for
     * Maven, {@code build/} for Gradle); else, when the first class path directory lies outside
     * {@code workDir}, its parent; else {@code workDir/target} if there is one; else none.
     */
    static Path outputDir(Path workDir, List<Path> classpath) {
        for (Path entry : classpath) {
            if (!Files.isDirectory(entry)) {
                continue;
            }
            if (entry.startsWith(workDir)) {
                Path relative = workDir.relativize(entry);
                if (relative.getNameCount() >= 2) {
                    return workDir.resolve(relative.getName(0));
                }
                continue; // a directory right in the module (src/test/resources as such): not an output
            }
            Path parent = entry.getParent();
            return parent != null && mountable(parent) ? parent : null;
        }
        Path target = workDir.resolve("target");
        return Files.isDirectory(target) ? target : null;
    }

    /** Whether {@code path} can be mounted at its own path in a container: absolute, and none of the system's directories. */
    static boolean mountable(Path path) {
        String p = path.toString();
        if (!p.startsWith("/") || SYSTEM_DIRS.contains(p)) {
            return false;
        }
        return SYSTEM_TREES.stream().noneMatch(p::startsWith);
    }

    private static boolean under(Path path, Path dir) {
        return dir != null && path.startsWith(dir);
    }

    /** Where class path entry {@code index} is in containers: its own path, or {@code /multiarch/cp/<index>/<name>}. */
    static String remotePath(Path entry, int index) {
        return mountable(entry) ? entry.toString() : CP_DIR + "/" + index + "/" + entry.getFileName();
    }

    /** The paths of {@code classpath} in containers. */
    static List<String> remotePaths(List<Path> classpath) {
        List<String> remote = new ArrayList<>();
        for (int i = 0; i < classpath.size(); i++) {
            remote.add(remotePath(classpath.get(i), i));
        }
        return remote;
    }

    /**
     * Where class path directory {@code index} is mounted, read-only, in a runtime whose class path
     * directories are copies: {@code /multiarch/classdirs/<index>/<name>}.
     */
    static String copySource(Path dir, int index) {
        Path name = dir.getFileName();
        return CLASS_DIRS + "/" + index + "/" + (name == null ? "root" : name.toString());
    }

    /**
     * A training run's mounts: each entry of {@code classpath} but the {@code directories} read-only
     * at its {@link #remotePath} (the directories are empty tmpfs mounts: {@link #trainingTmpfs}).
     */
    static List<Bind> trainingBinds(List<Path> classpath, Collection<Integer> directories) {
        List<Bind> binds = new ArrayList<>();
        for (int i = 0; i < classpath.size(); i++) {
            if (!directories.contains(i)) {
                binds.add(new Bind(classpath.get(i).toString(), new Volume(remotePath(classpath.get(i), i)),
                        AccessMode.ro));
            }
        }
        return binds;
    }

    /** The runtime's mounts: the working directory (read-only), the output directory (writable), the rest of the class path. */
    List<Bind> binds(List<Path> classpath) {
        return binds(classpath, List.of());
    }

    /**
     * The runtime's mounts ({@link #binds(List)}), where each class path directory whose index is in
     * {@code copied} has an empty tmpfs at its own path ({@link #tmpfs(List, Collection)}) and is
     * mounted read-only at {@link #copySource}, from where the agent copies it.
     */
    List<Bind> binds(List<Path> classpath, Collection<Integer> copied) {
        List<Bind> binds = new ArrayList<>();
        if (workDir != null) {
            binds.add(new Bind(workDir.toString(), new Volume(workDir.toString()), AccessMode.ro));
        }
        if (outputDir != null) {
            binds.add(new Bind(outputDir.toString(), new Volume(outputDir.toString()), AccessMode.rw));
        }
        for (int i = 0; i < classpath.size(); i++) {
            Path entry = classpath.get(i);
            String remote = remotePath(entry, i);
            if (copied.contains(i)) {
                binds.add(new Bind(entry.toString(), new Volume(copySource(entry, i)), AccessMode.ro));
                continue;
            }
            boolean seen = remote.equals(entry.toString()) && (under(entry, workDir) || under(entry, outputDir));
            if (!seen) {
                binds.add(new Bind(entry.toString(), new Volume(remote), AccessMode.ro));
            }
        }
        return binds;
    }

    /** The container's tmpfs mounts. */
    static Map<String, String> tmpfs() {
        return Map.of(TMP, TMP_OPTIONS);
    }

    /**
     * The runtime's tmpfs mounts: {@link #TMP}, and an empty one ({@link #CLASS_DIR_OPTIONS}) at the
     * own path of each class path directory whose index is in {@code copied}, which the agent fills
     * with a copy (owned by the runtime's user, so it can; by everyone's when that user is the
     * image's).
     */
    Map<String, String> tmpfs(List<Path> classpath, Collection<Integer> copied) {
        Map<String, String> tmpfs = new LinkedHashMap<>(tmpfs());
        String owner = user == null ? "mode=1777"
                : "mode=755,uid=" + user.substring(0, user.indexOf(':')) + ",gid=" + user.substring(user.indexOf(':') + 1);
        for (int i : copied) {
            tmpfs.put(remotePath(classpath.get(i), i), CLASS_DIR_OPTIONS + "," + owner);
        }
        return tmpfs;
    }

    /** A training run's tmpfs mounts: {@link #TMP}, and an empty read-only one at the own path of each of {@code directories}. */
    static Map<String, String> trainingTmpfs(List<Path> classpath, Collection<Integer> directories) {
        Map<String, String> tmpfs = new LinkedHashMap<>(tmpfs());
        for (int i : directories) {
            tmpfs.put(remotePath(classpath.get(i), i), "ro,nosuid,nodev,mode=755");
        }
        return tmpfs;
    }

    /**
     * The JVM options: {@link #BASE_FLAGS}, the host's heap size and collector, the sizes, assertion
     * and module options of its command line, then {@code multiarch.jvm.args}. A class-data
     * archive is made with these and keyed by them; the carried system properties are not among them.
     */
    List<String> flags() {
        List<String> all = new ArrayList<>(flags);
        all.addAll(userArgs);
        return all;
    }

    /**
     * The runtime JVM's argument file: {@link #flags()} with {@code extra} (the archive's) and the
     * carried system properties before the user's {@code multiarch.jvm.args} (which win), and the
     * class path.
     */
    byte[] argsFile(List<String> extra, List<String> remoteClasspath) {
        List<String> args = new ArrayList<>(flags);
        args.addAll(extra);
        properties.forEach((k, v) -> args.add("-D" + k + "=" + v));
        args.addAll(userArgs);
        args.add("-cp");
        args.add(String.join(":", remoteClasspath));
        return argsFile(args);
    }

    /** A training run's argument file: {@link #flags()} and the class path. */
    byte[] trainingArgsFile(List<String> remoteClasspath) {
        List<String> args = new ArrayList<>(flags());
        args.add("-cp");
        args.add(String.join(":", remoteClasspath));
        return argsFile(args);
    }

    /**
     * A {@code java @file} argument file of {@code args}, one per line, each quoted: in quotes the
     * launcher reads {@code \\}, {@code \"}, {@code \n}, {@code \r}, {@code \t}, {@code \f} as escapes.
     */
    static byte[] argsFile(List<String> args) {
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            sb.append('"');
            for (char c : a.toCharArray()) {
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\f' -> sb.append("\\f");
                    default -> sb.append(c);
                }
            }
            sb.append("\"\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Splits {@code multiarch.jvm.args} into options: at white space, except inside double or
     * single quotes, which group and are removed.
     *
     * @throws IllegalArgumentException for an unclosed quote
     */
    static List<String> parseArgs(String value) {
        List<String> args = new ArrayList<>();
        StringBuilder current = null;
        char quote = 0;
        for (char c : value.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    current.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                current = current == null ? new StringBuilder() : current;
            } else if (Character.isWhitespace(c)) {
                if (current != null) {
                    args.add(current.toString());
                    current = null;
                }
            } else {
                current = current == null ? new StringBuilder() : current;
                current.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("a quote (" + quote + ") is not closed");
        }
        if (current != null) {
            args.add(current.toString());
        }
        return List.copyOf(args);
    }

    /** The heap the last heap option of {@code args} sets, for messages. */
    private static String heapOf(List<String> args) {
        String last = args.stream().filter(a -> HEAP_OPTION.matcher(a).matches()).reduce((a, b) -> b).orElseThrow();
        String size = last.startsWith("-Xmx") ? last.substring(4)
                : last.startsWith("-XX:MaxHeapSize=") ? last.substring("-XX:MaxHeapSize=".length()) : null;
        Long bytes = size == null ? null : bytes(size);
        return bytes == null ? "as " + last + " sets it" : mib(bytes);
    }

    /** {@code 200m}, {@code 2g}, {@code 1048576}, ... in bytes; {@code null} if it is none of those. */
    static Long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([kKmMgGtT]?)").matcher(size);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            case "t" -> n << 40;
            default -> n;
        };
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The working directory in the container (the host's {@code user.dir}), or {@code null} for the image's. */
    Path workDir() {
        return workDir;
    }

    /** The directory mounted writable, or {@code null}. */
    Path outputDir() {
        return outputDir;
    }

    /** {@code uid:gid} the container runs as, or {@code null} for the image's user. */
    String user() {
        return user;
    }

    List<String> groups() {
        return groups;
    }

    /** The container's environment (without the runtime's token). */
    List<String> env() {
        return env;
    }

    /** The system properties given to the runtime JVM. */
    Map<String, String> properties() {
        return properties;
    }

    /** The heap the runtime JVM gets, for messages: {@code 6026 MiB}. */
    String heap() {
        return heap;
    }

    /** A few words for the runtime's "ready" line. */
    String describe() {
        StringBuilder sb = new StringBuilder("heap ").append(heap).append(", ").append(collector);
        if (user != null) {
            sb.append(", as ").append(user);
        }
        if (workDir != null) {
            sb.append(", in ").append(workDir);
            if (outputDir != null) {
                sb.append(" (").append(outputDir.startsWith(workDir) ? workDir.relativize(outputDir) + "/" : outputDir)
                        .append(" writable)");
            }
        }
        notes.forEach(n -> sb.append("; ").append(n));
        return sb.toString();
    }
}
