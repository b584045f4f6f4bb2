/**
 * The SLF4J binding of the extension's jar: Testcontainers and docker-java, packaged inside the jar
 * with SLF4J 1.7's API (all relocated under {@code io.github.multiarch.junit.shaded}), log through
 * it to {@link System.Logger} ({@link io.github.multiarch.junit.internal.arch.Log#library}), under
 * their relocated class names, which lie below the extension's logger {@code io.github.multiarch.junit}.
 *
 * <p>The packaging (maven-shade-plugin in {@code extension/pom.xml}) relocates SLF4J's
 * {@code org.slf4j.impl} to this package, so the relocated SLF4J finds {@link StaticLoggerBinder}
 * and {@link StaticMDCBinder} here, and rewrites their references to SLF4J's classes to the
 * relocated ones. In this build's own tests (target/classes, SLF4J unrelocated) nothing loads
 * them: {@code slf4j-simple} is the binding there. A user's SLF4J, of whatever version, never meets
 * this one. Internal: not API.
 *
 * @since 0.2.0
 */
package io.github.multiarch.junit.internal.docker.slf4j;
