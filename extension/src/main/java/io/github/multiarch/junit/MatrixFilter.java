package io.github.multiarch.junit;

import java.util.Optional;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * Keeps JUnit Jupiter's own engine from running a test class that the {@link MatrixEngine} runs
 * once per architecture in the same run ({@code multiarch.runsOn=s390x,arm64}): what Jupiter
 * discovered of such a class is excluded, and the class runs only as the matrix engine's
 * {@code [s390x]} and {@code [arm64]} copies. Which classes those are, the engine notes in the
 * same discovery ({@link MatrixHandover}); in every other run this filter excludes nothing.
 *
 * <p>Registered through {@code META-INF/services} (JUnit Platform 1.7+ loads post-discovery
 * filters that way); not API.
 *
 * @since 0.2.0
 */
public final class MatrixFilter implements PostDiscoveryFilter {

    /** For JUnit's {@code ServiceLoader}. */
    public MatrixFilter() {
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (!descriptor.getUniqueId().getEngineId().filter(MatrixEngine.JUPITER::equals).isPresent()) {
            return FilterResult.included("not JUnit Jupiter's");
        }
        Optional<String> topClass = topClass(descriptor);
        if (topClass.isPresent() && MatrixHandover.isTakenOver(topClass.get())) {
            return FilterResult.excluded("run once per architecture by the engine '" + MatrixEngine.ID + "' ("
                    + Settings.RUNS_ON + ")");
        }
        return FilterResult.included("not run by the engine '" + MatrixEngine.ID + "'");
    }

    /** The class of the top-level node {@code descriptor} belongs to (its ancestor just below the engine). */
    private static Optional<String> topClass(TestDescriptor descriptor) {
        TestDescriptor top = descriptor;
        while (top.getParent().isPresent() && top.getParent().get().getParent().isPresent()) {
            top = top.getParent().get();
        }
        if (top.isRoot()) {
            return Optional.empty();
        }
        return top.getSource().filter(ClassSource.class::isInstance).map(s -> ((ClassSource) s).getClassName());
    }
}
