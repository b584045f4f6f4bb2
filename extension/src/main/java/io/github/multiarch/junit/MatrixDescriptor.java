package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import java.util.Set;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.AbstractTestDescriptor;
import org.junit.platform.engine.support.descriptor.ClassSource;

/**
 * The {@link MatrixEngine}'s copy of one node JUnit Jupiter discovered (or registered while it
 * ran) in one architecture's run: a class, a test method, a test template, a dynamic test. It is
 * what the build tool sees; Jupiter runs the original, and {@link MatrixRun} reports each of the
 * original's events for its copy.
 *
 * <p>A copy says the same as its original (type, tags, source, display name), but for its
 * architecture, which it carries where build tools read names:
 * <ul>
 *   <li>a class is named after it: its {@link ClassSource}'s class name and its legacy reporting
 *       name are {@code com.example.ChecksumTest[s390x]}, its display name ends in
 *       {@code [s390x]}. Surefire writes one report file (and test set) per such class name, so
 *       one run on two architectures gets two: {@code TEST-com.example.ChecksumTest[s390x].xml}
 *       and {@code ...[arm64].xml}, each counting its own tests. (Surefire 3.2.5 takes the class
 *       name from the {@code ClassSource} alone; two classes of the same name would write one
 *       file, the second run's.) That source names no loadable class: a tool that loads it finds
 *       none (Surefire does not load it).</li>
 *   <li>every other node's legacy reporting name ends in {@code [s390x]}:
 *       {@code crc()[s390x]}, {@code param(int)[1][s390x]}. Under a node without a source whose
 *       legacy name is in brackets ({@link MatrixRun}'s {@code [s390x]}), Surefire (3.2.5 to
 *       3.6.x) names a test's XML report entry by that legacy name, so each test case names its
 *       architecture, also where Surefire 3.6 takes the case's class name from the test's own
 *       {@code MethodSource}, which is left as it is (an IDE still finds the test's code).</li>
 * </ul>
 *
 * @since 0.2.0
 */
final class MatrixDescriptor extends AbstractTestDescriptor {

    private final Type type;
    private final Set<TestTag> tags;
    private final String legacyReportingName;
    private final boolean mayRegisterTests;

    private MatrixDescriptor(UniqueId uniqueId, String displayName, TestSource source, TestDescriptor original,
                             String legacyReportingName) {
        super(uniqueId, displayName, source);
        this.type = original.getType();
        this.tags = Set.copyOf(original.getTags());
        this.legacyReportingName = legacyReportingName;
        this.mayRegisterTests = original.mayRegisterTests();
    }

    /**
     * The copy of {@code original} (a node of the Jupiter tree of {@code run}'s architecture):
     * its unique id is {@code run}'s followed by the original's segments below its engine
     * ({@code [engine:multiarch]/[arch:s390x]/[class:com.example.ChecksumTest]/[method:crc()]}).
     */
    static MatrixDescriptor of(TestDescriptor original, MatrixRun run) {
        UniqueId id = run.getUniqueId();
        for (UniqueId.Segment segment : original.getUniqueId().getSegments().subList(1,
                original.getUniqueId().getSegments().size())) {
            id = id.append(segment);
        }
        String suffix = suffix(run.architecture());
        TestSource source = original.getSource().orElse(null);
        String displayName = original.getDisplayName();
        String legacyName = original.getLegacyReportingName() + suffix;
        if (source instanceof ClassSource classSource) {
            source = ClassSource.from(classSource.getClassName() + suffix, classSource.getPosition().orElse(null));
            displayName = displayName + " " + suffix;
        }
        return new MatrixDescriptor(id, displayName, source, original, legacyName);
    }

    /** {@code [s390x]}: what the names of a copy end in. */
    static String suffix(Architecture architecture) {
        return "[" + architecture.platform() + "]";
    }

    @Override
    public Type getType() {
        return type;
    }

    @Override
    public Set<TestTag> getTags() {
        return tags;
    }

    @Override
    public String getLegacyReportingName() {
        return legacyReportingName;
    }

    @Override
    public boolean mayRegisterTests() {
        return mayRegisterTests;
    }
}
