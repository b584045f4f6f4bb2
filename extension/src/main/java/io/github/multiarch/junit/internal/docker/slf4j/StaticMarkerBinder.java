package io.github.multiarch.junit.internal.docker.slf4j;

import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MarkerFactoryBinder;

/**
 * What SLF4J 1.7's {@code MarkerFactory} looks up as {@code org.slf4j.impl.StaticMarkerBinder}
 * (relocated here in the extension's jar): SLF4J's plain markers, which {@link SystemLoggerAdapter}
 * ignores. Present so that every reference of the relocated SLF4J resolves inside the jar.
 *
 * @since 0.2.0
 */
public final class StaticMarkerBinder implements MarkerFactoryBinder {

    /** The binder (older SLF4J versions read the field). */
    public static final StaticMarkerBinder SINGLETON = new StaticMarkerBinder();

    private final IMarkerFactory factory = new BasicMarkerFactory();

    private StaticMarkerBinder() {
    }

    /** The binder (SLF4J 1.7.14 and later call this). */
    public static StaticMarkerBinder getSingleton() {
        return SINGLETON;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return factory;
    }

    @Override
    public String getMarkerFactoryClassStr() {
        return BasicMarkerFactory.class.getName();
    }
}
