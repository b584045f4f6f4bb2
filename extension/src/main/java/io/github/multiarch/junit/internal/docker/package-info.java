/**
 * The Docker engine as this project uses it ({@link io.github.multiarch.junit.internal.docker.Docker}):
 * the connection Testcontainers' discovery finds, images of a given platform, labelled containers,
 * and the removal of what dead runs left behind. Internal: not API.
 *
 * @since 0.2.0
 */
package io.github.multiarch.junit.internal.docker;
