package io.github.multiarch.junit.internal.remote;

import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.UniqueId;

/**
 * Names a test the same way on both sides of the wire: its JUnit unique id from the class on
 * ({@code [class:com.example.FooTest]/[method:bar()]}, or
 * {@code [class-template:com.example.FooTest]/[class-template-invocation]/[method:bar()]}). Unique
 * ids derive from the classes and methods, not from how they were selected, so the host's run and
 * the remote run agree on them, except for what is above the class: the engine, and, under a
 * {@code @Suite}, the suite's engine and the suite ({@code [engine:junit-platform-suite]/[suite:..]/[engine:junit-jupiter]/..}),
 * which the remote run, selecting the class itself, does not have. So a key leaves out everything
 * up to the last engine segment, and the index of a class template's run.
 *
 * @since 0.1.0
 */
public final class TestKey {

    /** The node types that are tests (leaves) rather than containers. */
    private static final Set<String> TESTS = Set.of("method", "test-template-invocation", "test-factory");

    private TestKey() {
    }

    /**
     * The key of {@code context}. The index of a class template's run is left out: the host's
     * {@code [s390x]} run may be its second, while the runtime of s390x runs only that one, as its
     * first; within one session there is only one run of each class.
     */
    public static String of(ExtensionContext context) {
        return normalize(context.getUniqueId());
    }

    /** The key of a unique id given as text. */
    public static String normalize(String uniqueId) {
        return uniqueId.replaceFirst("^.*\\[engine:[^\\]]*\\]/", "") // (a segment's value has no ']' : JUnit escapes it)
                .replaceAll("\\[class-template-invocation:#\\d+\\]", "[class-template-invocation]");
    }

    /** Whether {@code context}'s node is a plain test method (not a template invocation or a factory). */
    public static boolean isPlainMethod(ExtensionContext context) {
        return UniqueId.parse(context.getUniqueId()).getLastSegment().getType().equals("method");
    }

    /**
     * Whether the host asks for {@code context}'s node one by one: a test method, an invocation of
     * a test template, or a {@code @TestFactory} (whose dynamic tests then run with it).
     */
    public static boolean isTest(ExtensionContext context) {
        return TESTS.contains(UniqueId.parse(context.getUniqueId()).getLastSegment().getType());
    }
}
