package io.github.multiarch.junit.internal.docker.slf4j;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/**
 * One {@link SystemLoggerAdapter} per SLF4J logger name.
 *
 * @since 0.2.0
 */
final class SystemLoggerFactory implements ILoggerFactory {

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, SystemLoggerAdapter::new);
    }
}
