/**
 * What the host and the remote JVM share: the wire format ({@link io.github.multiarch.junit.internal.remote.Message}, encoded by {@link io.github.multiarch.junit.internal.remote.Wire},
 * bounded per frame), the handshake that opens a connection
 * ({@link io.github.multiarch.junit.internal.remote.Handshake}: the host's token and the protocol version), how
 * a test is named and selected on both sides, how failures travel
 * ({@link io.github.multiarch.junit.internal.remote.ThrowableCodec}, read on the host through a deserialization
 * filter), and the agent that runs in the container ({@link io.github.multiarch.junit.internal.remote.Agent}).
 * Internal: not API.
 *
 * @since 0.1.0
 */
package io.github.multiarch.junit.internal.remote;
