/**
 * QEMU emulators in binfmt_misc of the Docker engine's kernel: proof by running, the registrar's
 * verdicts ({@link io.github.multiarch.junit.internal.binfmt.Verdict}) and registration through the QEMU
 * bundle image ({@link io.github.multiarch.junit.internal.binfmt.Emulators}). Internal: not API.
 *
 * @since 0.1.0
 */
package io.github.multiarch.junit.internal.binfmt;
