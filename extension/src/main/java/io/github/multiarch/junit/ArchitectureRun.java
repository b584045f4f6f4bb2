package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import org.junit.jupiter.api.extension.ClassTemplateInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One run of an annotated class, on one architecture: {@code [s390x]} in the report. It records
 * its architecture in its context's store, where {@link Target} finds it.
 *
 * @since 0.1.0
 */
final class ArchitectureRun implements ClassTemplateInvocationContext {

    private final Class<?> annotated;
    private final Architecture architecture;

    ArchitectureRun(Class<?> annotated, Architecture architecture) {
        this.annotated = annotated;
        this.architecture = architecture;
    }

    @Override
    public String getDisplayName(int invocationIndex) {
        return "[" + architecture.platform() + "]";
    }

    @Override
    public void prepareInvocation(ExtensionContext context) {
        context.getStore(RunsOnExtension.NAMESPACE).put(Target.invocationKey(annotated), architecture);
    }
}
