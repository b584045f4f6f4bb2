package io.github.multiarch.junit.internal.runtime;

import io.github.multiarch.junit.internal.arch.Log;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Opens the Docker connection in the background as soon as a JUnit launcher session opens in a
 * JVM that has this extension on its class path, so the second or so it costs (mostly loading
 * the Docker client's classes) overlaps test discovery instead of delaying the first
 * {@code @RunsOn} class. Registered through {@code META-INF/services}; nothing happens in a
 * runtime's own JVM, and {@code -Dmultiarch.docker.early=false} switches it off. A failure here
 * is silent: the first {@code @RunsOn} class connects again and reports what is wrong.
 *
 * @since 0.1.0
 */
public final class EarlyConnect implements LauncherSessionListener {

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        if (Boolean.getBoolean("multiarch.agent")
                || !Boolean.parseBoolean(System.getProperty("multiarch.docker.early", "true"))) {
            return;
        }
        try {
            Runtimes.of(session.getStore()).connectInBackground();
        } catch (LinkageError tooOld) {
            Log.debug("No early Docker connection: JUnit older than 5.13 (no session store); the discovery that"
                    + " follows fails naming the version", tooOld);
        }
    }
}
