package io.github.multiarch.junit.internal.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void dockerNamesAndUnameAliasesNameTheSameRow() {
        assertThat(Architecture.of("arm64")).isSameAs(Architecture.of("aarch64")).isSameAs(Architecture.of("linux/arm64"));
        assertThat(Architecture.of("amd64")).isSameAs(Architecture.of("x86_64"));
        assertThat(Architecture.of("arm")).isSameAs(Architecture.of("arm/v7")).isSameAs(Architecture.of("armv7l"));
        assertThat(Architecture.of("386")).isSameAs(Architecture.of("i686")).isSameAs(Architecture.of("i386"));
        assertThat(Architecture.of("ppc64le")).isSameAs(Architecture.of("ppc64el"));
        assertThat(Architecture.of(" S390X ")).isSameAs(Architecture.of("s390x"));
    }

    @Test
    void eachRowCarriesWhatTheRegistrarAndTheProbeNeed() {
        Architecture s390x = Architecture.of("s390x");
        assertThat(s390x.dockerPlatform()).isEqualTo("linux/s390x");
        assertThat(s390x.uname()).isEqualTo("s390x");
        assertThat(s390x.qemu()).isEqualTo("s390x");
        // big-endian: the machine field is \x00\x16 at bytes 18-19
        assertThat(s390x.magic()).endsWith("\\x00\\x02\\x00\\x16");
        assertThat(Architecture.of("arm/v7").imageArchitecture()).isEqualTo("arm");
        assertThat(Architecture.of("386").qemu()).isEqualTo("i386");
        assertThat(Architecture.all()).extracting(Architecture::platform)
                .containsExactly("amd64", "386", "arm64", "arm/v7", "ppc64le", "s390x", "riscv64");
        for (Architecture a : Architecture.all()) {
            // 20 bytes each: \xNN escapes plus the literal "ELF"
            assertThat(a.magic().replaceAll("\\\\x[0-9a-f]{2}", "#")).hasSize(20);
            assertThat(a.mask().replaceAll("\\\\x[0-9a-f]{2}", "#")).hasSize(20);
        }
    }

    @Test
    void anUnknownNameListsTheAcceptedOnes() {
        assertThatThrownBy(() -> Architecture.of("sparc64"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown architecture 'sparc64'")
                .hasMessageContaining("s390x")
                .hasMessageContaining("arm64 (aarch64");
    }
}
