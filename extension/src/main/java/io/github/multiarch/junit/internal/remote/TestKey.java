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
    private static final String ENGINE = "[engine:";
    private static final String INVOCATION = "[class-template-invocation:#";

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

    /**
     * The key of a unique id given as text: what follows the last engine segment that has a
     * segment after it, with each class template invocation's index left out. (A segment's value
     * has no ']' or '/': JUnit escapes them.) Plain string searches, no regular expressions or
     * {@link UniqueId#parse}: this runs for every test and container in the emulated JVM, where a
     * pattern compiled per call, or a unique id parsed, costs milliseconds until the JIT has
     * compiled it.
     */
    public static String normalize(String uniqueId) {
        String key = uniqueId;
        for (int at = key.lastIndexOf(ENGINE); at >= 0; at = key.lastIndexOf(ENGINE, at - 1)) {
            int close = key.indexOf(']', at);
            if (close >= 0 && close + 1 < key.length() && key.charAt(close + 1) == '/') {
                key = key.substring(close + 2);
                break;
            }
        }
        int at = key.indexOf(INVOCATION);
        if (at < 0) {
            return key;
        }
        StringBuilder normalized = new StringBuilder(key.length());
        int copied = 0;
        for (; at >= 0; at = key.indexOf(INVOCATION, at + 1)) {
            int digits = at + INVOCATION.length();
            int end = digits;
            while (end < key.length() && key.charAt(end) >= '0' && key.charAt(end) <= '9') {
                end++;
            }
            if (end > digits && end < key.length() && key.charAt(end) == ']') {
                normalized.append(key, copied, at).append("[class-template-invocation]");
                copied = end + 1;
                at = end;
            }
        }
        return normalized.append(key, copied, key.length()).toString();
    }

    /** The type of the last segment of {@code uniqueId} ({@code method} of {@code [class:A]/[method:b()]}). */
    static String lastType(String uniqueId) {
        int start = uniqueId.lastIndexOf("/[") + 1; // (0 for an engine's own id)
        int colon = uniqueId.indexOf(':', start);
        if (start >= uniqueId.length() || uniqueId.charAt(start) != '[' || colon < 0) {
            return UniqueId.parse(uniqueId).getLastSegment().getType(); // (not JUnit's default format)
        }
        return uniqueId.substring(start + 1, colon);
    }

    /** Whether {@code context}'s node is a plain test method (not a template invocation or a factory). */
    public static boolean isPlainMethod(ExtensionContext context) {
        return isPlainMethodId(context.getUniqueId());
    }

    /** Whether the node of {@code uniqueId} is a plain test method (not a template invocation or a factory). */
    public static boolean isPlainMethodId(String uniqueId) {
        return lastType(uniqueId).equals("method");
    }

    /**
     * Whether the host asks for {@code context}'s node one by one: a test method, an invocation of
     * a test template, or a {@code @TestFactory} (whose dynamic tests then run with it).
     */
    public static boolean isTest(ExtensionContext context) {
        return TESTS.contains(lastType(context.getUniqueId()));
    }
}
