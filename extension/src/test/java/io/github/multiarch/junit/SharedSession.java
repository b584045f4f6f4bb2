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

/**
 * One launcher-session store for the runs {@link Kit} makes in this test JVM: each of them runs as
 * a request of it, as the classes of one build run in one launcher session, so their warm
 * runtimes ({@link Runtimes}, in the session's store) are kept from one run to the next. The
 * store is closed, and with it the runtimes, when this JVM exits. (Not the build's own session,
 * which only a {@code LauncherSessionListener} could hand over: registered in this module's test
 * classes, its service file would clash with the extension jar's in the class-data archive's
 * layout check, which {@code ClassDataArchiveTest} runs on this very class path.)
 */
final class SharedSession {

    private static final NamespacedHierarchicalStore<Namespace> STORE =
            new NamespacedHierarchicalStore<>(null, NamespacedHierarchicalStore.CloseAction.closeAutoCloseables());

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(STORE::close, "kit-session-close"));
    }

    private SharedSession() {
    }

    /** The store of the session the runs of {@link Kit} share. */
    static NamespacedHierarchicalStore<Namespace> store() {
        return STORE;
    }

    /** The warm runtimes of this JVM's session. */
    static Runtimes runtimes() {
        return Runtimes.of(store());
    }

    /** The Docker engine, through the session's connection. */
    static Docker docker() {
        return runtimes().docker();
    }

    /**
     * The Jupiter engine (or another that runs it: the {@link MatrixEngine}), with each execution a
     * request of the {@link #store() shared session}.
     */
    static final class Engine implements TestEngine {
        private final TestEngine delegate;
        private final String id;

        Engine() {
            // (junit-jupiter is reserved for JUnit's own; test keys leave the engine out)
            this(new JupiterTestEngine(), "multiarch-shared-session");
        }

        Engine(TestEngine delegate, String id) {
            this.delegate = delegate;
            this.id = id;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public TestDescriptor discover(EngineDiscoveryRequest request, UniqueId uniqueId) {
            return delegate.discover(request, uniqueId);
        }

        @Override
        public void execute(ExecutionRequest request) {
            NamespacedHierarchicalStore<Namespace> requestStore = new NamespacedHierarchicalStore<>(store(),
                    NamespacedHierarchicalStore.CloseAction.closeAutoCloseables());
            try {
                delegate.execute(ExecutionRequest.create(request.getRootTestDescriptor(),
                        request.getEngineExecutionListener(), request.getConfigurationParameters(),
                        request.getOutputDirectoryCreator(), requestStore, request.getCancellationToken()));
            } finally {
                requestStore.close();
            }
        }
    }
}
