/**
 * The Docker side: the engine and its images ({@link io.github.multiarch.junit.internal.docker.Docker}),
 * the host class path, and the warm JVM per architecture
 * ({@link io.github.multiarch.junit.internal.runtime.RemoteRuntime}, {@link io.github.multiarch.junit.internal.runtime.RuntimePool}),
 * with its class-data archive ({@link io.github.multiarch.junit.internal.runtime.ClassDataArchive}) and the early
 * Docker connection ({@link io.github.multiarch.junit.internal.runtime.EarlyConnect}).
 * Internal.
 *
 * @since 0.1.0
 */
package io.github.multiarch.junit.internal.runtime;
