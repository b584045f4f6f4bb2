package io.github.multiarch.junit;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import io.github.multiarch.junit.remote.RemoteSelector;

/**
 * Where a test runs, read from the nearest {@link RunsOn}: the method's, else its class's, else
 * an enclosing class's (for {@code @Nested} classes). Also names the scope that owns the remote
 * session: the annotated method, or the annotated class.
 *
 * @since 0.1.0
 */
final class Target {

    final Architecture architecture;
    /** The annotated class (class scope) or the test's class (method scope). */
    final Class<?> scopeClass;
    /** The annotated method, for method scope; {@code null} for class scope. */
    final Method scopeMethod;

    private Target(Architecture architecture, Class<?> scopeClass, Method scopeMethod) {
        this.architecture = architecture;
        this.scopeClass = scopeClass;
        this.scopeMethod = scopeMethod;
    }

    /** The target of a test method's or a class's context; empty if nothing is annotated. */
    static Optional<Target> of(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        if (method.isPresent()) {
            Optional<RunsOn> onMethod = AnnotationSupport.findAnnotation(method.get(), RunsOn.class);
            if (onMethod.isPresent()) {
                return Optional.of(new Target(parse(onMethod.get(), method.get().toString()),
                        context.getRequiredTestClass(), method.get()));
            }
        }
        Optional<Class<?>> testClass = context.getTestClass();
        for (Class<?> c = testClass.orElse(null); c != null; c = enclosingOfInner(c)) {
            Optional<RunsOn> onClass = AnnotationSupport.findAnnotation(c, RunsOn.class);
            if (onClass.isPresent()) {
                return Optional.of(new Target(parse(onClass.get(), c.getName()), c, null));
            }
        }
        return Optional.empty();
    }

    boolean isMethodScope() {
        return scopeMethod != null;
    }

    /** Whether {@code context} is the context that owns this target's session. */
    boolean isScope(ExtensionContext context) {
        return isMethodScope()
                ? context.getTestMethod().filter(scopeMethod::equals).isPresent()
                : context.getTestMethod().isEmpty() && context.getTestClass().filter(scopeClass::equals).isPresent();
    }

    /** What the remote session runs. */
    String selector() {
        List<Class<?>> enclosing = enclosingClasses(scopeClass);
        return isMethodScope()
                ? RemoteSelector.forMethod(enclosing, scopeClass, scopeMethod)
                : RemoteSelector.forClass(enclosing, scopeClass);
    }

    String key() {
        return architecture.platform() + ":" + scopeClass.getName() + (isMethodScope() ? "#" + scopeMethod : "");
    }

    private static Architecture parse(RunsOn runsOn, String where) {
        String[] names = runsOn.value();
        if (names.length == 0) {
            throw new ExtensionConfigurationException("@RunsOn on " + where + " names no architecture."
                    + " Name one, e.g. @RunsOn(\"s390x\"). Accepted names: " + Architecture.acceptedNames());
        }
        if (names.length > 1) {
            throw new ExtensionConfigurationException("@RunsOn on " + where + " names " + names.length
                    + " architectures " + java.util.Arrays.toString(names) + "; this version runs a test on one"
                    + " architecture per annotation. Keep one, or split the test.");
        }
        try {
            return Architecture.of(names[0]);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@RunsOn on " + where + ": " + e.getMessage());
        }
    }

    private static Class<?> enclosingOfInner(Class<?> c) {
        return c.isMemberClass() && !Modifier.isStatic(c.getModifiers()) ? c.getEnclosingClass() : null;
    }

    private static List<Class<?>> enclosingClasses(Class<?> c) {
        List<Class<?>> result = new ArrayList<>();
        for (Class<?> e = enclosingOfInner(c); e != null; e = enclosingOfInner(e)) {
            result.add(e);
        }
        Collections.reverse(result);
        return result;
    }
}
