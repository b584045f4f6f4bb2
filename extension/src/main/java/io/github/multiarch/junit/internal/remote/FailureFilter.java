package io.github.multiarch.junit.internal.remote;

import java.io.ObjectInputFilter;
import java.lang.reflect.Proxy;

/**
 * What the host deserializes of a remote failure ({@link ThrowableCodec}): the classes a
 * failure's object graph may hold, and how large that graph may be. One instance per stream; it
 * keeps why it rejected the stream ({@link #rejection}).
 *
 * <p>Allowed classes:
 * <ul>
 *   <li>every class the test's class loader loads from the class path (the host's: JUnit,
 *       opentest4j, the test's own types, its libraries); the stream names them, they are
 *       resolved there without being initialized;</li>
 *   <li>of the JDK, the {@code java.*} packages, and exceptions of {@code javax.*} and
 *       {@code jdk.*} (e.g. {@code javax.naming.NamingException});</li>
 *   <li>arrays of those, and primitives.</li>
 * </ul>
 * Rejected: every other JDK class ({@code sun.*}, {@code com.sun.*}, {@code jdk.internal.*} and
 * the like, where the classic deserialization gadgets live), dynamic proxy classes, and a
 * stream beyond the limits below. A JVM-wide filter ({@code jdk.serialFilter}) applies as well.
 *
 * @since 0.2.0
 */
final class FailureFilter implements ObjectInputFilter {

    /** Nesting of the object graph: a chain of 32 causes (as many as the description keeps) is about 40 deep. */
    static final long MAX_DEPTH = 100;

    /** Objects and references to them in the stream. */
    static final long MAX_REFERENCES = 1_000_000;

    /** Elements of one array (a stack trace has at most 1024 by default). */
    static final long MAX_ARRAY_LENGTH = 1_000_000;

    /** The serialized form's size; {@link ThrowableCodec#encode} leaves out a larger one. */
    static final long MAX_BYTES = 16L * 1024 * 1024;

    private String rejection;

    /** This filter, combined with the JVM-wide one if there is one. */
    ObjectInputFilter withJvmWide() {
        ObjectInputFilter jvmWide = ObjectInputFilter.Config.getSerialFilter();
        return jvmWide == null ? this : ObjectInputFilter.merge(this, jvmWide);
    }

    @Override
    public Status checkInput(FilterInfo info) {
        String problem = limitExceeded(info);
        if (problem == null && info.serialClass() != null) {
            problem = refusal(info.serialClass());
        }
        if (problem == null) {
            return Status.ALLOWED;
        }
        if (rejection == null) {
            rejection = problem;
        }
        return Status.REJECTED;
    }

    /** Why this filter rejected the stream, or {@code null} if it did not. */
    String rejection() {
        return rejection;
    }

    private static String limitExceeded(FilterInfo info) {
        if (info.depth() > MAX_DEPTH) {
            return "its object graph is nested deeper than " + MAX_DEPTH + " levels";
        }
        if (info.references() > MAX_REFERENCES) {
            return "it holds more than " + MAX_REFERENCES + " objects and references";
        }
        if (info.arrayLength() > MAX_ARRAY_LENGTH) {
            return "it holds an array of " + info.arrayLength() + " elements, more than " + MAX_ARRAY_LENGTH;
        }
        if (info.streamBytes() > MAX_BYTES) {
            return "it is larger than " + MAX_BYTES + " bytes";
        }
        return null;
    }

    /** Why {@code type} may not be deserialized here, or {@code null} if it may. */
    static String refusal(Class<?> type) {
        Class<?> c = type;
        while (c.isArray()) {
            c = c.getComponentType();
        }
        if (c.isPrimitive()) {
            return null;
        }
        if (Proxy.isProxyClass(c)) {
            return "it holds a dynamic proxy (" + c.getName() + ")";
        }
        if (!isJdk(c)) {
            return null; // loaded from the test's class path
        }
        String name = c.getName();
        if (name.startsWith("java.")) {
            return null;
        }
        if ((name.startsWith("javax.") || name.startsWith("jdk.")) && Throwable.class.isAssignableFrom(c)) {
            return null;
        }
        return "it holds an instance of " + name + ", a JDK class outside java.* that is not an exception";
    }

    /** Whether {@code c} is the JDK's own (boot or platform class loader), not the class path's. */
    private static boolean isJdk(Class<?> c) {
        ClassLoader loader = c.getClassLoader();
        return loader == null || loader == ClassLoader.getPlatformClassLoader();
    }
}
