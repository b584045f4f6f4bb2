package io.github.multiarch.junit;

/**
 * The names of the configuration parameters {@link RunsOn} reads. Set them as any JUnit
 * configuration parameter: in {@code junit-platform.properties}, in Surefire's
 * {@code configurationParameters}, or as {@code -D} system properties of the test JVM. They are
 * read once per test run.
 *
 * @since 0.2.0
 */
public final class Settings {

    /**
     * Runs every test class of the run on this architecture, as if each were annotated with
     * {@code @RunsOn}: {@code multiarch.runsOn=s390x}. Several, comma-separated
     * ({@code multiarch.runsOn=s390x,arm64}), run every such class once per architecture, in that
     * order, in one run, each run reported as a class named after its architecture
     * ({@code ChecksumTest[s390x]}); or run the suite once per architecture, one Surefire execution
     * or Gradle test task each, to keep the names exactly as at home (README shows both). An
     * annotation on a class or method wins over it. It needs JUnit's extension auto-detection,
     * which it switches on for this extension alone when nothing else configures auto-detection.
     */
    public static final String RUNS_ON = "multiarch.runsOn";

    /**
     * The JVM image for every architecture that has no image of its own
     * ({@link #IMAGE_PREFIX}); default {@code eclipse-temurin:<the host's Java feature version>-jre}.
     */
    public static final String IMAGE = "multiarch.image";

    /**
     * Prefix of the JVM image for one architecture, keyed by Docker's platform name or any alias:
     * {@code multiarch.image.s390x}, {@code multiarch.image.aarch64}.
     */
    public static final String IMAGE_PREFIX = "multiarch.image.";

    /** The QEMU bundle image that registers missing emulators; default {@code multiarch-qemu-bundle:<version>}. */
    public static final String BUNDLE_IMAGE = "multiarch.bundle.image";

    /**
     * What may be done about a missing emulator: {@code auto} (default: register it), {@code never}
     * (only check; the test fails with the command that registers it) or {@code replace} (also
     * replace another tool's unusable entry).
     */
    public static final String BINFMT_INSTALL = "multiarch.binfmt.install";

    /** Whether runtimes use a class-data archive of their jars: {@code true} (default) or {@code false}. */
    public static final String CDS = "multiarch.cds";

    /**
     * Where class-data archives are kept; default {@code $XDG_CACHE_HOME/multiarch-junit/cds} or
     * {@code ~/.cache/multiarch-junit/cds}.
     */
    public static final String CDS_DIR = "multiarch.cds.dir";

    /**
     * JVM options added to the remote JVMs' command line, after the ones taken from the test JVM
     * (its heap size and collector among them), so they win: {@code multiarch.jvm.args=-Xmx2g
     * -XX:+UseParallelGC}. Split at white space; double or single quotes group. Default: none.
     */
    public static final String JVM_ARGS = "multiarch.jvm.args";

    /**
     * What a test that needs an architecture this machine cannot run gets (no Docker engine in
     * reach, no emulator that can be registered): {@code fail} (default: the test fails with what
     * is missing and how to fix it) or {@code skip} (it is reported as aborted with that reason;
     * for developer machines without Docker). Any other failure still fails.
     */
    public static final String UNAVAILABLE = "multiarch.unavailable";

    /**
     * How long a remote JVM may take to start, until its agent listens: {@code multiarch.runtime.startTimeout=10m}.
     * A number of seconds, or a number with {@code ms}, {@code s}, {@code m} or {@code h}. Default: 5 minutes.
     */
    public static final String START_TIMEOUT = "multiarch.runtime.startTimeout";

    /**
     * How long a remote JVM may answer nothing at all, not even the host's heartbeat (every few
     * seconds), before it is given up: its test fails with the evidence (a paused container, a JVM
     * that no longer runs), the container is removed, and the next test gets a fresh JVM. A test
     * that runs long is not silent (its JVM answers the heartbeat); bound those with
     * {@code @Timeout}. Same format as {@link #START_TIMEOUT}. Default: 2 minutes.
     */
    public static final String LIVENESS_TIMEOUT = "multiarch.runtime.livenessTimeout";

    /**
     * Leave a runtime per architecture running after the run, for the next run of the same project
     * ({@code mvn test} again), for up to this long: {@code multiarch.keepAlive=10m}. The next run
     * whose set-up is the same (image, JVM options, environment, class path and its files' identity)
     * connects to it instead of starting one: its JVM has started and warmed up, and loads the
     * classes and files of that moment. Same format as {@link #START_TIMEOUT}; {@code 0} or unset:
     * nothing outlives the run (the default).
     *
     * @since 0.3.0
     */
    public static final String KEEP_ALIVE = "multiarch.keepAlive";

    /**
     * Let the remote JVM run a class's plain {@code @Test} methods one after the other without
     * waiting for the host to ask for each: {@code multiarch.runAhead=true}. Only the methods the
     * host's discovered test plan holds (its selection and filters apply), each reported on the
     * host when the host reaches it, as before. The host's and the remote JVM's work then overlap,
     * instead of taking turns. One difference: a test the host's own conditions disable but the
     * remote JVM's enable (a condition on the architecture, say) still runs remotely, its outcome
     * unreported, as the host reports it skipped. Default: {@code false}.
     *
     * @since 0.3.0
     */
    public static final String RUN_AHEAD = "multiarch.runAhead";

    /**
     * Let the remote JVM discover the class the host's run reaches next while the current one runs,
     * so its session starts with its test plan made: {@code multiarch.discoverAhead=false} turns it
     * off. Only a top-level class that runs on the same architecture right after the current one,
     * in a run without parallel classes; discovery has no side effects beyond JUnit's own (no class
     * is initialized), and a class the run does not reach after all is discarded. Default:
     * {@code true}.
     *
     * @since 0.3.0
     */
    public static final String DISCOVER_AHEAD = "multiarch.discoverAhead";

    private Settings() {
    }
}
