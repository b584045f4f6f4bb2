/**
 * Run JUnit tests on other CPU architectures: {@link io.github.multiarch.junit.RunsOn} on a test
 * class or method, and the configuration parameters it reads ({@link io.github.multiarch.junit.Settings}).
 * Those two are the API; everything else here is package-private, and the packages below
 * {@code io.github.multiarch.junit.internal} are internal: not API, they change without notice.
 *
 * <p>The story, package by package, each using only the ones after it:
 * <ul>
 *   <li>this package: the annotation, the settings, and the extension, which is {@code HostSide}
 *       in the build's test JVM and {@code AgentSide} in a runtime;</li>
 *   <li>{@code internal.runtime}: the warm JVM per architecture in its container, kept per JUnit
 *       launcher session ({@code Runtimes}), with its class-data archive;</li>
 *   <li>{@code internal.remote}: what both JVMs share: the messages and their wire format, the
 *       handshake, how tests are named and failures travel, and the agent in the container;</li>
 *   <li>{@code internal.binfmt}: the emulators in the engine kernel's binfmt_misc: proof by
 *       running, the registrar's verdicts, registration through the QEMU bundle image;</li>
 *   <li>{@code internal.docker}: the engine, its images and containers;</li>
 *   <li>{@code internal.arch}: the architecture table and the error type.</li>
 * </ul>
 *
 * @since 0.1.0
 */
package io.github.multiarch.junit;
