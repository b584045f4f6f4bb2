package io.github.multiarch.junit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.launcher.LauncherDiscoveryListener;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Makes {@code multiarch.runsOn} ({@link Settings#RUNS_ON}) one setting. A class without
 * {@link RunsOn} does not bring the extension along, so the setting needs JUnit to register the
 * extension for every class: its extension auto-detection ({@code META-INF/services} lists
 * {@link RunsOnExtension}). When a run sets {@code multiarch.runsOn} and configures nothing about
 * auto-detection, this listener switches it on for the run, for this extension alone (JUnit's
 * {@code junit.jupiter.extensions.autodetection.enabled} and {@code .include}, as system
 * properties, below anything the build configures), and takes them back when the run ends.
 * It validates the setting once, at discovery: a bad value fails the run there. With several
 * architectures ({@code multiarch.runsOn=s390x,arm64}), the {@link MatrixEngine} runs the
 * unannotated classes, once per architecture; this listener opens and closes the record of each
 * discovery through which that engine tells {@link MatrixFilter} which classes it took over
 * ({@link MatrixHandover}).
 *
 * <p>It also pins the random seed of JUnit's orderers when the run sets none, so that the remote
 * runs can order tests as the host does ({@link HostOrder#pinSeed}).
 *
 * <p>Registered through {@code META-INF/services} as a discovery and an execution listener; not
 * API.
 *
 * @since 0.2.0
 */
public final class RunsOnSetting implements LauncherDiscoveryListener, TestExecutionListener {

    /** JUnit's switch of extension auto-detection. */
    static final String AUTODETECTION = "junit.jupiter.extensions.autodetection.enabled";
    /** JUnit's include pattern of auto-detected extensions. */
    static final String AUTODETECTION_INCLUDE = "junit.jupiter.extensions.autodetection.include";
    /** The system property that says which of the two this listener set, so that they are taken back. */
    private static final String SET_BY_MULTIARCH = "multiarch.runsOn.autodetectionSetByMultiarch";

    @Override
    public void launcherDiscoveryStarted(LauncherDiscoveryRequest request) {
        if (!Boolean.getBoolean("multiarch.agent")) { // (a runtime's own runs get these parameters from the host, explicitly)
            ConfigurationParameters config = request.getConfigurationParameters();
            // (first: a bad value throws, and JUnit then calls no launcherDiscoveryFinished)
            config.get(Settings.RUNS_ON).filter(v -> !v.isBlank()).ifPresent(runsOn -> switchOnAutodetection(config, runsOn));
            HostOrder.pinSeed(config); // before JUnit orders anything: the remote runs take the same seed
        }
        MatrixHandover.discoveryStarted();
    }

    @Override
    public void launcherDiscoveryFinished(LauncherDiscoveryRequest request) {
        MatrixHandover.discoveryFinished();
    }

    /** Validates {@code multiarch.runsOn} and switches auto-detection on for this extension alone, if it must. */
    private static void switchOnAutodetection(ConfigurationParameters config, String runsOn) {
        Configuration.runsOn(runsOn); // fails the run here, once, naming the problem
        Optional<Boolean> autodetection = config.getBoolean(AUTODETECTION);
        if (autodetection.isPresent() && !autodetection.get()) {
            throw new org.junit.jupiter.api.extension.ExtensionConfigurationException(Settings.RUNS_ON + "="
                    + runsOn.trim() + " needs JUnit's extension auto-detection, which " + AUTODETECTION
                    + "=false switches off in this run; nothing would run on " + runsOn.trim()
                    + ". Remove that setting: " + Settings.RUNS_ON + " switches auto-detection on for this extension"
                    + " alone (or set " + AUTODETECTION_INCLUDE + " to name the extensions you want).");
        }
        List<String> set = new ArrayList<>();
        if (autodetection.isEmpty() && System.getProperty(AUTODETECTION) == null) {
            System.setProperty(AUTODETECTION, "true");
            set.add(AUTODETECTION);
            if (config.get(AUTODETECTION_INCLUDE).isEmpty() && System.getProperty(AUTODETECTION_INCLUDE) == null) {
                System.setProperty(AUTODETECTION_INCLUDE, RunsOnExtension.class.getName());
                set.add(AUTODETECTION_INCLUDE);
            }
        }
        if (!set.isEmpty()) {
            System.setProperty(SET_BY_MULTIARCH, String.join(",", set));
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        String set = System.getProperty(SET_BY_MULTIARCH);
        if (set != null) {
            for (String key : set.split(",")) {
                System.clearProperty(key);
            }
            System.clearProperty(SET_BY_MULTIARCH);
        }
    }
}
