package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.docker.Docker;
import io.github.multiarch.junit.internal.runtime.Runtimes;
import org.junit.jupiter.engine.JupiterTestEngine;
import org.junit.platform.engine.EngineDiscoveryRequest;
import org.junit.platform.engine.ExecutionRequest;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.store.Namespace;
import org.junit.platform.engine.support.store.NamespacedHierarchicalStore;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * The launcher session of this test JVM (Surefire's), shared with the runs {@link Kit} makes:
 * each of them runs as a request of that session, as the classes of one build run in one session,
 * so their warm runtimes ({@link Runtimes}, in the session's store) are kept from one run to the
 * next and closed by JUnit when the session ends.
 */
public final class SharedSession implements LauncherSessionListener {

    private static volatile LauncherSession outermost;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        synchronized (SharedSession.class) {
            if (outermost == null) {
                outermost = session;
            }
        }
    }

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        synchronized (SharedSession.class) {
            if (outermost == session) {
                outermost = null;
            }
        }
    }

    /** The store of this JVM's outermost launcher session. */
    static NamespacedHierarchicalStore<Namespace> store() {
        LauncherSession session = outermost;
        if (session == null) {
            throw new IllegalStateException("No launcher session is open in this JVM: run the tests through JUnit's"
                    + " Launcher (Surefire does), which opens one");
        }
        return session.getStore();
    }

    /** The warm runtimes of this JVM's session. */
    static Runtimes runtimes() {
        return Runtimes.of(store());
    }

    /** The Docker engine, through the session's connection. */
    static Docker docker() {
        return runtimes().docker();
    }

    /** The Jupiter engine, with each execution a request of the {@link #store() shared session}. */
    static final class Engine implements TestEngine {
        private final JupiterTestEngine jupiter = new JupiterTestEngine();

        @Override
        public String getId() {
            return jupiter.getId(); // the same unique ids as the remote runs'
        }

        @Override
        public TestDescriptor discover(EngineDiscoveryRequest request, UniqueId uniqueId) {
            return jupiter.discover(request, uniqueId);
        }

        @Override
        public void execute(ExecutionRequest request) {
            NamespacedHierarchicalStore<Namespace> requestStore = new NamespacedHierarchicalStore<>(store(),
                    NamespacedHierarchicalStore.CloseAction.closeAutoCloseables());
            try {
                jupiter.execute(ExecutionRequest.create(request.getRootTestDescriptor(),
                        request.getEngineExecutionListener(), request.getConfigurationParameters(),
                        request.getOutputDirectoryCreator(), requestStore, request.getCancellationToken()));
            } finally {
                requestStore.close();
            }
        }
    }
}
