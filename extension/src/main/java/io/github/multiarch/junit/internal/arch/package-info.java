/**
 * The leaf everything else uses: the one table of architectures
 * ({@link io.github.multiarch.junit.internal.arch.Architecture}, read from {@code architectures.tsv},
 * which the QEMU bundle's registrar reads too), the error a failed remote run reports
 * ({@link io.github.multiarch.junit.internal.arch.MultiarchException}) and the extension's own
 * messages ({@link io.github.multiarch.junit.internal.arch.Log}). Internal: not API.
 *
 * @since 0.2.0
 */
package io.github.multiarch.junit.internal.arch;
