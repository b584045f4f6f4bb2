package io.github.multiarch.junit.internal.docker.slf4j;

import org.slf4j.ILoggerFactory;
import org.slf4j.spi.LoggerFactoryBinder;

/**
 * What SLF4J 1.7's {@code LoggerFactory} looks up as {@code org.slf4j.impl.StaticLoggerBinder}
 * (relocated here in the extension's jar: see the package): the factory of
 * {@link SystemLoggerAdapter}s.
 *
 * @since 0.2.0
 */
public final class StaticLoggerBinder implements LoggerFactoryBinder {

    /** The SLF4J API version this binding is written for (SLF4J reads the field; not final, as SLF4J's own bindings). */
    public static String REQUESTED_API_VERSION = "1.6.99";

    private static final StaticLoggerBinder SINGLETON = new StaticLoggerBinder();

    private final ILoggerFactory factory = new SystemLoggerFactory();

    private StaticLoggerBinder() {
    }

    /** The binding (SLF4J calls this). */
    public static StaticLoggerBinder getSingleton() {
        return SINGLETON;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public String getLoggerFactoryClassStr() {
        return SystemLoggerFactory.class.getName();
    }
}
