package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Log;
import java.lang.reflect.Method;
import java.util.Optional;
import org.junit.platform.commons.JUnitException;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;

/**
 * Fails a run once, at discovery, when the JUnit on the test class path is older than this
 * extension needs (5.13: class templates, launcher-session stores), naming the version found and
 * the fix, instead of a {@code NoSuchMethodError} in every class. A build's parent POM that pins
 * an older {@code junit-bom} is the usual cause.
 *
 * <p>Registered through {@code META-INF/services}; not API.
 *
 * @since 0.2.0
 */
public final class JUnitVersionCheck implements LauncherDiscoveryListener {

    /** The oldest JUnit this extension runs with. */
    static final String REQUIRED = "5.13";

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        problem().ifPresent(message -> {
            throw new JUnitException(message);
        });
    }

    /** What is too old, if anything: a JUnit Jupiter without class templates, or a Platform without session stores. */
    static Optional<String> problem() {
        ClassLoader loader = JUnitVersionCheck.class.getClassLoader();
        Class<?> test = load("org.junit.jupiter.api.Test", loader);
        if (test == null) {
            return Optional.empty(); // no JUnit Jupiter: nothing of this extension runs
        }
        boolean jupiter = load("org.junit.jupiter.api.ClassTemplate", loader) != null
                && load("org.junit.jupiter.api.extension.ExtensionContext$StoreScope", loader) != null;
        boolean platform = hasMethod(load("org.junit.platform.launcher.LauncherSession", loader), "getStore");
        if (jupiter && platform) {
            return Optional.empty();
        }
        Class<?> launcher = load("org.junit.platform.launcher.Launcher", loader);
        return Optional.of("multiarch-junit needs JUnit " + REQUIRED + " or newer (JUnit Jupiter " + REQUIRED
                + "+ and JUnit Platform 1.13+, or JUnit 6), but this run has JUnit Jupiter " + version(test)
                + " and JUnit Platform " + version(launcher) + ". A junit-bom imported by a parent POM often pins"
                + " the older one: import junit-bom " + REQUIRED + ".0 or newer (6.1.3 is what multiarch-junit is built"
                + " with) in this project's dependencyManagement, before the parent's.");
    }

    private static String version(Class<?> type) {
        if (type == null) {
            return "(absent)";
        }
        Package p = type.getPackage();
        String version = p == null ? null : p.getImplementationVersion();
        if (version == null && type.getProtectionDomain().getCodeSource() != null) {
            return "of " + type.getProtectionDomain().getCodeSource().getLocation();
        }
        return version == null ? "(unknown version)" : version;
    }

    private static Class<?> load(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            Log.debug("JUnit class " + name + " is not loadable: its JUnit is absent or older, which the check reports", e);
            return null;
        }
    }

    private static boolean hasMethod(Class<?> type, String name) {
        if (type == null) {
            return false;
        }
        for (Method m : type.getMethods()) {
            if (m.getName().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
