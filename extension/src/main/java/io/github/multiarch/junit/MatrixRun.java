package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.platform.engine.ConfigurationParameters;
import org.junit.platform.engine.EngineExecutionListener;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;

/**
 * One architecture's run of the suite in the {@link MatrixEngine}: the node {@code [s390x]}
 * ({@code [engine:multiarch]/[arch:s390x]}) above the copies of the classes it runs
 * ({@link MatrixDescriptor}), and what it runs: the tree JUnit Jupiter discovered with
 * {@code multiarch.runsOn=s390x}, executed as an ordinary run on one architecture. While Jupiter
 * runs it, this run reports each event of an original node for its copy, making copies of what
 * Jupiter registers on the way (dynamic tests, template invocations).
 *
 * @since 0.2.0
 */
final class MatrixRun extends AbstractTestDescriptor {

    private final Architecture architecture;
    private final TestDescriptor jupiterTree;
    private final ConfigurationParameters configuration;
    /** Each original node's copy, by the original's unique id; in the tree's order (parents first). */
    private final Map<UniqueId, TestDescriptor> copies = new ConcurrentHashMap<>();
    private final Map<UniqueId, TestDescriptor> originals = new LinkedHashMap<>();
    /** Whether this node's start and end were reported (Jupiter's engine node's). */
    private volatile boolean started;
    private volatile boolean finished;

    MatrixRun(UniqueId uniqueId, Architecture architecture, TestDescriptor jupiterTree,
              ConfigurationParameters configuration) {
        super(uniqueId, MatrixDescriptor.suffix(architecture));
        this.architecture = architecture;
        this.jupiterTree = jupiterTree;
        this.configuration = configuration;
    }

    @Override
    public Type getType() {
        return Type.CONTAINER;
    }

    /**
     * {@code [s390x]}, in brackets, without a source: Surefire then takes the tests below it for a
     * parameterized test's invocations, and names each by its legacy name ({@code crc()[s390x]},
     * see {@link MatrixDescriptor}) instead of its bare method name ({@code crc}), which would be
     * the same on every architecture.
     */
    @Override
    public String getLegacyReportingName() {
        return MatrixDescriptor.suffix(architecture);
    }

    Architecture architecture() {
        return architecture;
    }

    /** Jupiter's tree of this architecture's run. */
    TestDescriptor jupiterTree() {
        return jupiterTree;
    }

    /** The configuration of this architecture's run: the build's, with {@code multiarch.runsOn} set to this one. */
    ConfigurationParameters configuration() {
        return configuration;
    }

    /** Copies {@code original}, a class of Jupiter's tree, with everything below it, as a child of this node. */
    void copyClass(TestDescriptor original) {
        copy(original, this);
    }

    private void copy(TestDescriptor original, TestDescriptor parent) {
        TestDescriptor copy = MatrixDescriptor.of(original, this);
        parent.addChild(copy);
        copies.put(original.getUniqueId(), copy);
        originals.put(original.getUniqueId(), original);
        for (TestDescriptor child : original.getChildren()) {
            copy(child, copy);
        }
    }

    /**
     * Makes Jupiter's tree match this node's after the launcher's filters and pruning: an original
     * whose copy the build's filters removed (Surefire's {@code -Dtest=Class#method}, tags) is
     * removed too, so that Jupiter runs exactly what the build tool was shown.
     */
    void alignWithCopies() {
        Set<TestDescriptor> kept = new HashSet<>();
        accept(kept::add);
        for (TestDescriptor original : List.copyOf(originals.values())) {
            TestDescriptor copy = copies.get(original.getUniqueId());
            if (!kept.contains(copy) && original.getParent().isPresent()) {
                original.removeFromHierarchy();
            }
        }
    }

    /** The listener Jupiter runs this architecture's tree with: each event, reported for the copy. */
    EngineExecutionListener reportingTo(EngineExecutionListener listener) {
        return new EngineExecutionListener() {
            @Override
            public void dynamicTestRegistered(TestDescriptor original) {
                copyOf(original, listener);
            }

            @Override
            public void executionSkipped(TestDescriptor original, String reason) {
                listener.executionSkipped(copyOf(original, listener), reason);
            }

            @Override
            public void executionStarted(TestDescriptor original) {
                started |= original == jupiterTree;
                listener.executionStarted(copyOf(original, listener));
            }

            @Override
            public void executionFinished(TestDescriptor original, TestExecutionResult result) {
                finished |= original == jupiterTree;
                listener.executionFinished(copyOf(original, listener), result);
            }

            @Override
            public void reportingEntryPublished(TestDescriptor original, ReportEntry entry) {
                listener.reportingEntryPublished(copyOf(original, listener), entry);
            }

            @Override
            public void fileEntryPublished(TestDescriptor original, FileEntry file) {
                listener.fileEntryPublished(copyOf(original, listener), file);
            }
        };
    }

    /** Reports this run as failed with what Jupiter's engine threw instead of running it to the end. */
    void failed(EngineExecutionListener listener, Throwable thrown) {
        if (!started) {
            listener.executionStarted(this);
        }
        if (!finished) {
            listener.executionFinished(this, TestExecutionResult.failed(thrown));
        }
    }

    /**
     * The copy of {@code original}: this node for Jupiter's engine node, else the one made at
     * discovery, else (a node Jupiter registers while it runs) a new one, added below its
     * parent's copy and registered with the build's listener.
     */
    private TestDescriptor copyOf(TestDescriptor original, EngineExecutionListener listener) {
        if (original == jupiterTree) {
            return this;
        }
        TestDescriptor copy = copies.get(original.getUniqueId());
        if (copy != null) {
            return copy;
        }
        TestDescriptor parent = copyOf(original.getParent().orElseThrow(() -> new IllegalStateException(
                "Jupiter reported " + original.getUniqueId() + ", which has no parent in the " + architecture + " run")),
                listener);
        synchronized (this) { // (Jupiter may register dynamic tests on several threads)
            copy = copies.get(original.getUniqueId());
            if (copy != null) {
                return copy;
            }
            copy = MatrixDescriptor.of(original, this);
            parent.addChild(copy);
            copies.put(original.getUniqueId(), copy);
        }
        listener.dynamicTestRegistered(copy);
        return copy;
    }
}
