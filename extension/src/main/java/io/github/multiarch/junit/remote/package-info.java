/**
 * What the host and the remote JVM share: the wire format ({@link io.github.multiarch.junit.remote.Frame}),
 * how a test is named and selected on both sides, how failures travel
 * ({@link io.github.multiarch.junit.remote.ThrowableCodec}), and the agent that runs in the container
 * ({@link io.github.multiarch.junit.remote.Agent}). Internal.
 *
 * @since 0.1.0
 */
package io.github.multiarch.junit.remote;
