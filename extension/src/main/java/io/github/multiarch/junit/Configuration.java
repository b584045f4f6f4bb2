package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.arch.Log;
import io.github.multiarch.junit.internal.binfmt.Emulators;
import io.github.multiarch.junit.internal.runtime.Classpath;
import io.github.multiarch.junit.internal.runtime.RemoteRuntime;
import io.github.multiarch.junit.internal.runtime.Runtimes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The extension's configuration parameters ({@link Settings}), read once per test run and cached
 * in the root {@link ExtensionContext.Store}.
 *
 * @since 0.1.0
 */
final class Configuration {

    private static final String IMAGE = Settings.IMAGE;
    private static final String BUNDLE_IMAGE = Settings.BUNDLE_IMAGE;
    private static final String BINFMT_INSTALL = Settings.BINFMT_INSTALL;
    private static final String CDS = Settings.CDS;
    private static final String CDS_DIR = Settings.CDS_DIR;

    /** This library's version, which tags the default bundle image. */
    static final String VERSION = readVersion();

    /** The run's configuration parameters: JUnit's (system properties, then {@code junit-platform.properties}). */
    private final java.util.function.Function<String, Optional<String>> params;
    private final String bundleImage;
    private final Emulators.Install install;
    private final Path cdsDir;
    /** {@code multiarch.unavailable=skip}: tests this machine cannot run are aborted, not failed. */
    private final boolean skipUnavailable;
    /** {@code multiarch.runsOn}: the architectures of every class that names none, in order; empty when not set. */
    private final java.util.List<Architecture> runsOn;
    /** {@code multiarch.runtime.startTimeout} and {@code multiarch.runtime.livenessTimeout}. */
    private final RemoteRuntime.Timeouts timeouts;
    /** {@code multiarch.keepAlive}: how long a runtime left for the next run waits; {@code null}: none is left. */
    private final Duration keepAlive;
    /** JUnit's own {@code junit.jupiter.execution.parallel.enabled}, which the remote sessions must respect. */
    private final boolean parallelExecution;
    /** {@code multiarch.runAhead}. */
    private final boolean runAhead;
    /** {@code multiarch.discoverAhead}. */
    private final boolean discoverAhead;

    private Configuration(java.util.function.Function<String, Optional<String>> params) {
        this.params = params;
        this.bundleImage = params.apply(BUNDLE_IMAGE).map(String::trim).filter(s -> !s.isEmpty())
                .orElse("multiarch-qemu-bundle:" + VERSION);
        String installValue = params.apply(BINFMT_INSTALL).orElse("auto").trim();
        try {
            this.install = Emulators.Install.valueOf(installValue.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("Configuration parameter " + BINFMT_INSTALL + "=" + installValue
                    + " is not valid: use auto (register missing emulators), never (only check) or replace (also"
                    + " replace another tool's unusable entry).");
        }
        boolean cds = flag(CDS, true, "runtimes map a class-data archive of their jars, made once", null);
        String unavailable = params.apply(Settings.UNAVAILABLE).orElse("fail").trim()
                .toLowerCase(Locale.ROOT);
        if (!unavailable.equals("fail") && !unavailable.equals("skip")) {
            throw new ExtensionConfigurationException("Configuration parameter " + Settings.UNAVAILABLE + "="
                    + unavailable + " is not valid: use fail (a test this machine cannot run fails, the default) or"
                    + " skip (it is reported as aborted, with the reason).");
        }
        this.skipUnavailable = unavailable.equals("skip");
        this.runAhead = flag(Settings.RUN_AHEAD, false, "the remote JVM runs a class's plain tests without waiting for"
                + " the host to ask for each", "each waits, the default");
        this.discoverAhead = flag(Settings.DISCOVER_AHEAD, true, "the remote JVM discovers the next class while the"
                + " current one runs, the default", "each class is discovered when it starts");
        this.runsOn = params.apply(Settings.RUNS_ON).map(Configuration::runsOn).orElse(java.util.List.of());
        this.timeouts = new RemoteRuntime.Timeouts(
                duration(Settings.START_TIMEOUT, RemoteRuntime.Timeouts.DEFAULT.start()),
                duration(Settings.LIVENESS_TIMEOUT, RemoteRuntime.Timeouts.DEFAULT.liveness()));
        this.keepAlive = keepAlive(params.apply(Settings.KEEP_ALIVE).orElse(""));
        this.parallelExecution = params.apply("junit.jupiter.execution.parallel.enabled")
                .map(v -> v.trim().equalsIgnoreCase("true")).orElse(false);
        this.cdsDir = !cds ? null : params.apply(CDS_DIR)
                .map(String::trim).filter(s -> !s.isEmpty()).map(Path::of)
                .orElseGet(Configuration::defaultCacheDir).toAbsolutePath();
    }

    /**
     * The boolean configuration parameter {@code key} ({@code fallback} when unset): {@code true}
     * or {@code false}, in any case; anything else is refused, saying what each value does
     * ({@code whenFalse} {@code null}: nothing to say).
     */
    private boolean flag(String key, boolean fallback, String whenTrue, String whenFalse) {
        String value = params.apply(key).orElse(Boolean.toString(fallback)).trim().toLowerCase(Locale.ROOT);
        if (!value.equals("true") && !value.equals("false")) {
            throw new ExtensionConfigurationException("Configuration parameter " + key + "=" + value + " is not valid:"
                    + " use true (" + whenTrue + ") or false" + (whenFalse == null ? "" : " (" + whenFalse + ")") + ".");
        }
        return value.equals("true");
    }

    /**
     * The duration configuration parameter {@code key}: a number of seconds, or a number with
     * {@code ms}, {@code s}, {@code m} or {@code h} ({@code 90}, {@code 90 s}, {@code 10m}).
     */
    private Duration duration(String key, Duration fallback) {
        Optional<String> value = params.apply(key).map(String::trim).filter(s -> !s.isEmpty());
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return duration(value.get());
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("Configuration parameter " + key + "=" + value.get()
                    + " is not valid: give a positive number of seconds, or a number with ms, s, m or h (e.g. 90,"
                    + " 90 s, 10m). Default: " + fallback.toSeconds() + " s.");
        }
    }

    /** {@code multiarch.keepAlive}'s value: empty or 0 is none; else a duration of at most a day. */
    static Duration keepAlive(String value) {
        String v = value.trim();
        if (v.isEmpty() || v.matches("0+\\s*(ms|s|m|h)?")) {
            return null;
        }
        try {
            Duration d = duration(v);
            if (d.compareTo(Duration.ofDays(1)) <= 0 && d.toSeconds() >= 1) {
                return d;
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new ExtensionConfigurationException("Configuration parameter " + Settings.KEEP_ALIVE + "=" + value
                + " is not valid: give how long a JVM left for the next run may wait for it, from 1 s to 24 h: a"
                + " number of seconds, or a number with s, m or h (e.g. 10m); 0 or nothing leaves none (the default).");
    }

    /** {@code multiarch.keepAlive}; {@code null}: nothing outlives the run. */
    Duration keepAlive() {
        return keepAlive;
    }

    /** Parses a duration as {@link #duration(String, Duration)} describes. */
    static Duration duration(String value) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h)?")
                .matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw new IllegalArgumentException(value);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "multiarch-junit", "cds");
        }
        // (a uid without an account, as on some CI platforms, gets user.home "?": then $HOME, else the temp dir)
        String home = System.getProperty("user.home");
        if (home == null || home.isBlank() || home.equals("?")) {
            String env = System.getenv("HOME");
            home = env != null && !env.isBlank() ? env : System.getProperty("java.io.tmpdir");
        }
        return Path.of(home, ".cache", "multiarch-junit", "cds");
    }

    @SuppressWarnings("deprecation") // getOrComputeIfAbsent: JUnit 5.13 and 5.14 have no computeIfAbsent
    static Configuration get(ExtensionContext context) {
        return context.getRoot().getStore(RunsOnExtension.NAMESPACE)
                .getOrComputeIfAbsent(Configuration.class, k -> new Configuration(context.getRoot()::getConfigurationParameter),
                        Configuration.class);
    }

    /**
     * The configuration of a test plan's run, read from its parameters: the same values
     * {@link #get} reads from an extension context of that run ({@link EarlyStart} starts
     * runtimes with it before any class runs). Not cached.
     */
    static Configuration of(org.junit.platform.engine.ConfigurationParameters parameters) {
        return new Configuration(parameters::get);
    }

    /** What a runtime of {@code arch} is made of in this run: image, JVM options, class path, .... */
    Runtimes.Spec spec(Architecture arch, String trainingClass) {
        return new Runtimes.Spec(arch, imageFor(arch), bundleImage(), install(), Classpath.current(), cdsDir(),
                trainingClass, jvmArgs(), timeouts(), keepAlive());
    }

    /** The JVM image for {@code arch}. */
    String imageFor(Architecture arch) {
        String found = null;
        String foundKey = null;
        for (String name : arch.names()) {
            String key = Settings.IMAGE_PREFIX + name;
            Optional<String> value = params.apply(key).map(String::trim).filter(s -> !s.isEmpty());
            if (value.isPresent()) {
                if (found != null && !found.equals(value.get())) {
                    throw new ExtensionConfigurationException("Configuration parameters " + foundKey + "=" + found
                            + " and " + key + "=" + value.get() + " name two images for " + arch + ": keep one.");
                }
                found = value.get();
                foundKey = key;
            }
        }
        if (found != null) {
            return found;
        }
        return params.apply(IMAGE).map(String::trim).filter(s -> !s.isEmpty())
                .orElse("eclipse-temurin:" + Runtime.version().feature() + "-jre");
    }

    /**
     * Parses {@code multiarch.runsOn}: the architectures it names, in order, separated by commas;
     * empty for a blank value. One name runs every unannotated class on that architecture; several
     * run the suite once per architecture ({@link MatrixEngine}).
     *
     * @throws ExtensionConfigurationException for an unknown name or a name given twice, with the fix
     */
    static java.util.List<Architecture> runsOn(String value) {
        String trimmed = value.trim();
        if (trimmed.isEmpty()) {
            return java.util.List.of();
        }
        java.util.List<Architecture> archs = new java.util.ArrayList<>();
        for (String name : trimmed.split("\\s*,\\s*")) {
            Architecture arch;
            try {
                arch = Architecture.of(name);
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("Configuration parameter " + Settings.RUNS_ON + "=" + trimmed
                        + " is not valid: " + e.getMessage());
            }
            if (archs.contains(arch)) {
                throw new ExtensionConfigurationException("Configuration parameter " + Settings.RUNS_ON + "=" + trimmed
                        + " names " + arch + " twice: name each architecture once (accepted names: "
                        + Architecture.acceptedNames() + ").");
            }
            archs.add(arch);
        }
        return java.util.List.copyOf(archs);
    }

    /** Whether a test this machine cannot run is reported as aborted instead of failed. */
    boolean skipUnavailable() {
        return skipUnavailable;
    }

    /**
     * The architecture {@code multiarch.runsOn} gives every class that names none, in a run on one
     * architecture (each run of {@link MatrixEngine} is one).
     *
     * @throws ExtensionConfigurationException when the setting names several: then the
     *     {@link MatrixEngine} runs those classes, and a class that reaches this point was not
     *     given to it (its engine filtered out of the run), so nothing would run where it should
     */
    Optional<Architecture> runsOn() {
        if (runsOn.size() > 1) {
            throw new ExtensionConfigurationException(Settings.RUNS_ON + "=" + names(runsOn) + " names several"
                    + " architectures: the test engine '" + MatrixEngine.ID + "' of multiarch-junit runs each class"
                    + " without @RunsOn once per architecture, but this class reached JUnit Jupiter's own engine"
                    + " instead, so it would run on none of them. Is the engine '" + MatrixEngine.ID + "' excluded"
                    + " from this run (Surefire's excludeJUnit5Engines, an EngineFilter, a launcher without"
                    + " auto-registered listeners)? Include it, or name one architecture per run.");
        }
        return runsOn.stream().findFirst();
    }

    /** Every architecture {@code multiarch.runsOn} names, in order; empty when it is not set. */
    java.util.List<Architecture> runsOnAll() {
        return runsOn;
    }

    /** {@code s390x,arm64}: architectures as the setting names them. */
    static String names(java.util.List<Architecture> archs) {
        return archs.stream().map(Architecture::platform).collect(java.util.stream.Collectors.joining(","));
    }

    String bundleImage() {
        return bundleImage;
    }

    Emulators.Install install() {
        return install;
    }

    /** Whether JUnit runs tests in parallel in this run at all. */
    boolean parallelExecution() {
        return parallelExecution;
    }

    /** {@code multiarch.runAhead}: whether remote classes run their plain tests ahead of the host ({@link RunAhead}). */
    boolean runAhead() {
        return runAhead;
    }

    /** {@code multiarch.discoverAhead}: whether the remote JVM discovers the next class ahead of it ({@link NextClass}). */
    boolean discoverAhead() {
        return discoverAhead;
    }

    /** How long a remote JVM may take to start, and stay silent. */
    RemoteRuntime.Timeouts timeouts() {
        return timeouts;
    }

    /** Where class-data archives are kept, or {@code null} when they are switched off. */
    Path cdsDir() {
        return cdsDir;
    }

    /**
     * {@code multiarch.jvm.args}: JVM options the remote JVMs get after those taken from this JVM.
     *
     * @throws ExtensionConfigurationException when a quote in it is not closed
     */
    java.util.List<String> jvmArgs() {
        String value = params.apply(Settings.JVM_ARGS).orElse("");
        try {
            return io.github.multiarch.junit.internal.runtime.Runtimes.jvmArgs(value);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("Configuration parameter " + Settings.JVM_ARGS + "=" + value
                    + " is not valid: " + e.getMessage() + ". Options are split at white space; double or single"
                    + " quotes group one that holds white space.");
        }
    }

    private static String readVersion() {
        Properties p = new Properties();
        try (InputStream in = Configuration.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            Log.debug("version.properties of the extension's jar is unreadable: the QEMU bundle image's tag"
                    + " defaults to 'latest'", e);
        }
        String v = p.getProperty("version", "");
        return v.isEmpty() || v.startsWith("${") ? "latest" : v;
    }
}
