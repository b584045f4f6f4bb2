package io.github.multiarch.junit.internal.docker.slf4j;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.spi.MDCAdapter;

/**
 * What SLF4J 1.7's {@code MDC} looks up as {@code org.slf4j.impl.StaticMDCBinder} (relocated here
 * in the extension's jar): a plain thread-local map, as SLF4J's own binding for
 * java.util.logging has. Testcontainers' audit log and process runner put values in it; without a
 * binder SLF4J would print a notice on stderr.
 *
 * @since 0.2.0
 */
public final class StaticMDCBinder {

    /** The binder (older SLF4J versions read the field). */
    public static final StaticMDCBinder SINGLETON = new StaticMDCBinder();

    private StaticMDCBinder() {
    }

    /** The binder (SLF4J 1.7.14 and later call this). */
    public static StaticMDCBinder getSingleton() {
        return SINGLETON;
    }

    /** A new adapter (SLF4J keeps the one it gets). */
    public MDCAdapter getMDCA() {
        return new BasicMDCAdapter();
    }

    /** The adapter's class name. */
    public String getMDCAdapterClassStr() {
        return BasicMDCAdapter.class.getName();
    }
}
