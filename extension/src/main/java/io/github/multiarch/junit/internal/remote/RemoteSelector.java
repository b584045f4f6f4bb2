package io.github.multiarch.junit.internal.remote;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * What a remote session runs, as text on the wire: a class (with its {@code @Nested} classes),
 * a {@code @Nested} class, or one method. The host encodes, the agent decodes to JUnit's
 * {@link DiscoverySelector}.
 *
 * @since 0.1.0
 */
public final class RemoteSelector {

    private static final String SEP = "\t";

    private RemoteSelector() {
    }

    /** The class and everything in it; {@code enclosing} lists the outer classes of a {@code @Nested} class. */
    public static String forClass(List<Class<?>> enclosing, Class<?> testClass) {
        return enclosing.isEmpty()
                ? "class" + SEP + testClass.getName()
                : "nested" + SEP + names(enclosing) + SEP + testClass.getName();
    }

    /** One method of the class. */
    public static String forMethod(List<Class<?>> enclosing, Class<?> testClass, Method method) {
        String params = Arrays.stream(method.getParameterTypes()).map(Class::getName).collect(Collectors.joining(","));
        return "method" + SEP + names(enclosing) + SEP + testClass.getName() + SEP + method.getName() + SEP + params;
    }

    /** Decodes the text made by {@link #forClass} or {@link #forMethod}. */
    public static DiscoverySelector decode(String text) {
        String[] f = text.split(SEP, -1);
        switch (f[0]) {
            case "class":
                return DiscoverySelectors.selectClass(f[1]);
            case "nested":
                return DiscoverySelectors.selectNestedClass(list(f[1]), f[2]);
            case "method":
                List<String> enclosing = list(f[1]);
                return enclosing.isEmpty()
                        ? DiscoverySelectors.selectMethod(f[2], f[3], f[4])
                        : DiscoverySelectors.selectNestedMethod(enclosing, f[2], f[3], f[4]);
            default:
                throw new IllegalArgumentException("Unknown remote selector: " + text);
        }
    }

    private static String names(List<Class<?>> classes) {
        return classes.stream().map(Class::getName).collect(Collectors.joining(","));
    }

    private static List<String> list(String csv) {
        return csv.isEmpty() ? List.of() : new ArrayList<>(Arrays.asList(csv.split(",")));
    }
}
