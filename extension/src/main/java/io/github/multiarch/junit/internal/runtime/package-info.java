/**
 * The warm JVM per architecture ({@link io.github.multiarch.junit.internal.runtime.RemoteRuntime}),
 * kept per JUnit launcher session and closed with it
 * ({@link io.github.multiarch.junit.internal.runtime.Runtimes}, which also owns the session's Docker
 * connection and decides how a runtime comes to be: start, check the emulator, start again), with
 * its class-data archive ({@link io.github.multiarch.junit.internal.runtime.ClassDataArchive}) and the
 * host class path. Internal: not API.
 *
 * @since 0.1.0
 */
package io.github.multiarch.junit.internal.runtime;
