package io.github.multiarch.junit.remote;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Names a test method the same way on both sides of the wire:
 * {@code com.example.FooTest#bar(java.lang.String)}, with the test class (not the declaring
 * class) so inherited test methods are told apart per class.
 *
 * @since 0.1.0
 */
public final class MethodKey {

    private MethodKey() {
    }

    public static String of(Class<?> testClass, Method method) {
        return testClass.getName() + "#" + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getName).collect(Collectors.joining(",")) + ")";
    }
}
