package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import io.github.multiarch.junit.internal.remote.RemoteSelector;

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
                List<Architecture> archs = parse(onMethod.get(), method.get().toString());
                if (archs.size() > 1) {
                    throw new ExtensionConfigurationException("@RunsOn on " + method.get() + " names " + archs.size()
                            + " architectures " + archs + "; on a method, name one. To run tests on several"
                            + " architectures, annotate the class: @RunsOn(" + quoted(archs) + ") runs the whole class"
                            + " once per architecture.");
                }
                return Optional.of(new Target(archs.get(0), context.getRequiredTestClass(), method.get()));
            }
        }
        Optional<Class<?>> testClass = context.getTestClass();
        for (Class<?> c = testClass.orElse(null); c != null; c = enclosingOfInner(c)) {
            Optional<RunsOn> onClass = AnnotationSupport.findAnnotation(c, RunsOn.class);
            if (onClass.isPresent()) {
                List<Architecture> archs = parse(onClass.get(), c.getName());
                // the run of the class template this context belongs to says which one it is
                Architecture chosen = context.getStore(RunsOnExtension.NAMESPACE)
                        .get(invocationKey(c), Architecture.class);
                return Optional.of(new Target(chosen != null ? chosen : archs.get(0), c, null));
            }
        }
        return Optional.empty();
    }

    /** Where a class template invocation records its architecture, in its context's store. */
    static String invocationKey(Class<?> annotatedClass) {
        return "architecture:" + annotatedClass.getName();
    }

    /** The architectures a class annotation names, in order; validated. */
    static List<Architecture> architectures(Class<?> annotatedClass) {
        return parse(AnnotationSupport.findAnnotation(annotatedClass, RunsOn.class).orElseThrow(),
                annotatedClass.getName());
    }

    private static String quoted(List<Architecture> archs) {
        return archs.stream().map(a -> "\"" + a.platform() + "\"").collect(java.util.stream.Collectors.joining(", "));
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

    private static List<Architecture> parse(RunsOn runsOn, String where) {
        String[] names = runsOn.value();
        if (names.length == 0) {
            throw new ExtensionConfigurationException("@RunsOn on " + where + " names no architecture."
                    + " Name one, e.g. @RunsOn(\"s390x\"). Accepted names: " + Architecture.acceptedNames());
        }
        List<Architecture> archs = new ArrayList<>();
        for (String name : names) {
            Architecture arch;
            try {
                arch = Architecture.of(name);
            } catch (IllegalArgumentException e) {
                throw new ExtensionConfigurationException("@RunsOn on " + where + ": " + e.getMessage());
            }
            if (archs.contains(arch)) {
                throw new ExtensionConfigurationException("@RunsOn on " + where + " names " + arch
                        + " twice " + java.util.Arrays.toString(names) + ": name each architecture once.");
            }
            archs.add(arch);
        }
        return archs;
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
