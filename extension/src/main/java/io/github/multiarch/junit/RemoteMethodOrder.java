package io.github.multiarch.junit;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.MethodOrdererContext;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The method order of a {@code @RunsOn} class (a meta-annotation of {@link RunsOn}; a
 * {@code @TestMethodOrder} on the class itself takes precedence): JUnit's own, or the orderer
 * configured with {@code junit.jupiter.testmethod.order.default}. Like every orderer, it makes
 * the class's methods run one at a time ({@link #getDefaultExecutionMode()}), even where JUnit's
 * parallel mode is {@code concurrent} by default: their remote JVM runs them one at a time, in
 * this order, and the host asks for them the same way. Classes still run in parallel.
 *
 * @since 0.1.0
 */
class RemoteMethodOrder implements MethodOrderer {

    @Override
    public void orderMethods(MethodOrdererContext context) {
        context.getConfigurationParameter(DEFAULT_ORDER_PROPERTY_NAME).map(String::trim)
                .filter(name -> !name.isEmpty() && !name.equals(MethodOrderer.Default.class.getName()))
                .flatMap(name -> ReflectionSupport.tryToLoadClass(name).toOptional())
                .filter(MethodOrderer.class::isAssignableFrom)
                .map(type -> (MethodOrderer) ReflectionSupport.newInstance(type))
                .ifPresent(configured -> configured.orderMethods(context));
    }
}
