/**
 * The leaf everything else uses: the one table of architectures
 * ({@link io.github.multiarch.junit.internal.arch.Architecture}, read from {@code architectures.tsv},
 * which the QEMU bundle's registrar reads too) and the error a failed remote run reports
 * ({@link io.github.multiarch.junit.internal.arch.MultiarchException}). Internal: not API.
 *
 * @since 0.2.0
 */
package io.github.multiarch.junit.internal.arch;
