/**
 * Run JUnit tests on other CPU architectures: {@link io.github.multiarch.junit.RunsOn} on a test
 * class or method, and the configuration parameters it reads ({@code multiarch.*}).
 *
 * <p>The story, package by package: this package holds the annotation, the configuration and the
 * extension; {@code binfmt} makes sure the engine's kernel can run the architecture (proof by
 * running, the registrar's verdicts, registration); {@code runtime} talks to Docker (images, the
 * warm per-architecture JVM in its container); {@code remote} is what both JVMs share: the wire
 * format, the agent that runs tests in the container, and how failures travel back.
 *
 * @since 0.1.0
 */
package io.github.multiarch.junit;
