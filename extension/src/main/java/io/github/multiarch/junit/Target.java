package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;
import io.github.multiarch.junit.internal.remote.RemoteSelector;

/**
 * Where a test runs, read from the nearest {@link RunsOn}: the method's, else its class's, else
 * an enclosing class's (for {@code @Nested} classes), else the {@code multiarch.runsOn} setting
 * (for the outermost class). Also names the scope that owns the remote session: the annotated
 * method, or the annotated (outermost) class.
 *
 * @since 0.1.0
 */
final class Target {

    final Architecture architecture;
    /** The annotated class (class scope) or the test's class (method scope). */
    final Class<?> scopeClass;
    /** The annotated method, for method scope; {@code null} for class scope. */
    final Method scopeMethod;
    /** Whether the {@code multiarch.runsOn} setting chose it, not an annotation. */
    final boolean bySetting;
    /** The context it was read from: the host's run, whose order the remote run follows. */
    private final ExtensionContext context;

    private Target(Architecture architecture, Class<?> scopeClass, Method scopeMethod, boolean bySetting,
                   ExtensionContext context) {
        this.architecture = architecture;
        this.scopeClass = scopeClass;
        this.scopeMethod = scopeMethod;
        this.bySetting = bySetting;
        this.context = context;
    }

    /** The target of a test method's or a class's context; empty if nothing is annotated. */
    static Optional<Target> of(ExtensionContext context) {
        Optional<Method> method = context.getTestMethod();
        if (method.isPresent()) {
            List<RunsOn> onMethod = declared(method.get());
            if (!onMethod.isEmpty()) {
                List<String> names = onMethod.stream().flatMap(r -> java.util.Arrays.stream(r.value())).toList();
                if (names.size() > 1) {
                    throw new ExtensionConfigurationException("@RunsOn on " + method.get() + " names " + names.size()
                            + " architectures " + names + "; on a method, name one. To run tests on several"
                            + " architectures, annotate the class: " + repeated(names) + " runs the whole class"
                            + " once per architecture.");
                }
                List<Architecture> archs = parse(onMethod, method.get().toString());
                return Optional.of(new Target(archs.get(0), context.getRequiredTestClass(), method.get(), false, context));
            }
        }
        Class<?> outermost = null;
        for (Class<?> c = context.getTestClass().orElse(null); c != null; c = enclosingOfInner(c)) {
            List<RunsOn> onClass = declared(c);
            if (!onClass.isEmpty()) {
                List<Architecture> archs = parse(onClass, c.getName());
                // the run of the class template this context belongs to says which one it is
                Architecture chosen = context.getStore(RunsOnExtension.NAMESPACE)
                        .get(invocationKey(c), Architecture.class);
                return Optional.of(new Target(chosen != null ? chosen : archs.get(0), c, null, false, context));
            }
            outermost = c;
        }
        if (outermost != null) {
            Optional<Architecture> setting = Configuration.get(context).runsOn();
            if (setting.isPresent()) {
                return Optional.of(new Target(setting.get(), outermost, null, true, context));
            }
        }
        return Optional.empty();
    }

    /**
     * The target of a class the host's run has not reached yet ({@link NextClass}), read as
     * {@link #of} would read it then: its own single {@link RunsOn}, else, when it names none,
     * the {@code multiarch.runsOn} setting; empty for a matrix class or one that runs here.
     * {@code context} is the current class's: the run's configuration.
     */
    static Optional<Target> ofClass(Class<?> testClass, ExtensionContext context) {
        if (isMatrix(testClass)) {
            return Optional.empty();
        }
        if (isAnnotated(testClass)) {
            return Optional.of(new Target(architectures(testClass).get(0), testClass, null, false, context));
        }
        List<Architecture> setting = Configuration.get(context).runsOnAll(); // (several: the matrix engine's classes)
        return setting.size() == 1 ? Optional.of(new Target(setting.get(0), testClass, null, true, context))
                : Optional.empty();
    }

    /** Where a class template invocation records its architecture, in its context's store. */
    static String invocationKey(Class<?> annotatedClass) {
        return "architecture:" + annotatedClass.getName();
    }

    /** The architectures a class's annotations name, in order; validated. */
    static List<Architecture> architectures(Class<?> annotatedClass) {
        return parse(declared(annotatedClass), annotatedClass.getName());
    }

    /** The architectures a method's annotations name, in order; validated; empty when it has none. */
    static List<Architecture> architectures(Method method) {
        List<RunsOn> declared = declared(method);
        return declared.isEmpty() ? List.of() : parse(declared, method.toString());
    }

    /**
     * The {@link RunsOn} annotations of {@code element}, as written: a repeated one through its
     * container (every one, also one written twice), else a single one, direct or meta-present.
     */
    private static List<RunsOn> declared(java.lang.reflect.AnnotatedElement element) {
        Optional<RunsOn.List> repeated = AnnotationSupport.findAnnotation(element, RunsOn.List.class);
        if (repeated.isPresent()) {
            return List.of(repeated.get().value());
        }
        return AnnotationSupport.findAnnotation(element, RunsOn.class).map(List::of).orElse(List.of());
    }

    /**
     * Whether {@code testClass} names its own architecture: a {@link RunsOn} on it (direct,
     * meta-present or inherited). Such a class is not one of those {@code multiarch.runsOn} moves.
     */
    static boolean isAnnotated(Class<?> testClass) {
        return !declared(testClass).isEmpty();
    }

    /** Whether {@code testClass} runs once per architecture: a repeated {@link RunsOn} (a class template). */
    static boolean isMatrix(Class<?> testClass) {
        return AnnotationSupport.isAnnotated(testClass, RunsOn.List.class);
    }

    /** {@code @RunsOn("s390x") @RunsOn("arm64")}: the way to name several architectures. */
    private static String repeated(List<String> names) {
        return names.stream().map(n -> "@RunsOn(\"" + n + "\")").collect(java.util.stream.Collectors.joining(" "));
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

    /**
     * The host's parameters that decide which tests the remote run has and in which order
     * ({@link HostOrder}), for the remote run to take as its own.
     */
    Map<String, String> hostOrder() {
        return HostOrder.parameters(context, scopeClass);
    }

    String key() {
        return architecture.platform() + ":" + scopeClass.getName() + (isMethodScope() ? "#" + scopeMethod : "");
    }

    private static List<Architecture> parse(List<RunsOn> annotations, String where) {
        List<String> names = new ArrayList<>();
        for (RunsOn runsOn : annotations) {
            if (runsOn.value().length == 0) {
                throw new ExtensionConfigurationException("@RunsOn on " + where + " names no architecture."
                        + " Name one, e.g. @RunsOn(\"s390x\"). Accepted names: " + Architecture.acceptedNames());
            }
            if (runsOn.value().length > 1) {
                throw new ExtensionConfigurationException("@RunsOn on " + where + " names "
                        + runsOn.value().length + " architectures in one annotation " + java.util.Arrays.toString(runsOn.value())
                        + ": one annotation names one architecture. To run the class once per architecture, repeat"
                        + " the annotation: " + repeated(java.util.Arrays.asList(runsOn.value())) + ".");
            }
            names.add(runsOn.value()[0]);
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
                        + " twice " + names + ": name each architecture once.");
            }
            archs.add(arch);
        }
        return archs;
    }

    static Class<?> enclosingOfInner(Class<?> c) {
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
