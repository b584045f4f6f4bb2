package io.github.multiarch.junit.internal.binfmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.arch.MultiarchException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictTest {

    private static final String BUNDLE = "multiarch-qemu-bundle:test";

    /** {@code registrar.sh status --tsv} as it prints it, with tabs written as {@code |}. */
    private static final String STATUS = tsv("""
            #bundle|0.1.0-amd64
            #host|x86_64
            #mount|/proc/sys/fs/binfmt_misc
            platform|qemu|state|entry|enabled|flags|interpreter|reason
            amd64|x86_64|native|-|-|-|-|-
            386|i386|native|-|-|-|-|the CPU runs 386 programs itself
            s390x|s390x|unusable|s390x-other|enabled|OC|/usr/bin/qemu-s390x|no F flag: containers cannot see the interpreter
            arm64|aarch64|usable|qemu-aarch64|enabled|F|/usr/libexec/x/qemu-aarch64|-
            ppc64le|ppc64le|unusable|qemu-ppc64le|enabled|-|/usr/bin/qemu-ppc64le|no F flag: containers cannot see the interpreter
            riscv64|riscv64|absent|-|-|-|-|-
            """);

    @Test
    void eachArchitectureGetsItsVerdictWithTheEntryThatDecidedIt() {
        Verdict s390x = Verdict.of(STATUS, Architecture.of("s390x"), BUNDLE);
        assertThat(s390x.isUnusable()).isTrue();
        assertThat(s390x.entry()).isEqualTo("s390x-other");
        assertThat(s390x.reason()).isEqualTo("no F flag: containers cannot see the interpreter");
        assertThat(s390x.describeEntry()).isEqualTo("entry 's390x-other' (flags OC, interpreter /usr/bin/qemu-s390x)");

        Verdict arm64 = Verdict.of(STATUS, Architecture.of("aarch64"), BUNDLE);
        assertThat(arm64).isEqualTo(new Verdict("arm64", "usable", "qemu-aarch64", "F", "/usr/libexec/x/qemu-aarch64", null));
        assertThat(arm64.isUsable()).isTrue();
        assertThat(Verdict.of(STATUS, Architecture.of("ppc64le"), BUNDLE).describeEntry())
                .isEqualTo("entry 'qemu-ppc64le' (flags none, interpreter /usr/bin/qemu-ppc64le)");
        Verdict riscv64 = Verdict.of(STATUS, Architecture.of("riscv64"), BUNDLE);
        assertThat(riscv64.isAbsent()).isTrue();
        assertThat(riscv64.entry()).isNull();
        assertThat(riscv64.reason()).isNull();
        assertThat(Verdict.of(STATUS, Architecture.of("amd64"), BUNDLE).isNative()).isTrue();
        assertThat(Verdict.of(STATUS, Architecture.of("i686"), BUNDLE).reason()).isEqualTo("the CPU runs 386 programs itself");
    }

    @Test
    void aRegistrarThatCouldNotReadBinfmtMiscSaysWhy() {
        String status = tsv("""
                #bundle|x
                #host|x86_64
                #mount|/m
                #error|cannot mount binfmt_misc on /m: Permission denied
                platform|qemu|state|entry|enabled|flags|interpreter|reason
                """);
        assertThatThrownBy(() -> Verdict.of(status, Architecture.of("s390x"), BUNDLE))
                .isInstanceOf(MultiarchException.class)
                .hasMessageStartingWith("The registrar of " + BUNDLE + " could not read binfmt_misc:"
                        + " cannot mount binfmt_misc on /m: Permission denied\n");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', quoteCharacter = '~', textBlock = """
            no header;               #bundle|x\\ns390x|s390x|absent|-|-|-|-|-\\n;           line 2 `s390x<TAB>s390x<TAB>absent<TAB>-<TAB>-<TAB>-<TAB>-<TAB>-` is neither a fact line `#key<TAB>value` nor the header
            facts but no header;     #bundle|x\\n;                                          there is no header line `platform<TAB>qemu
            a row short of a column; H\\ns390x|s390x|absent|-|-|-|-\\n;                     line 2 `s390x<TAB>s390x<TAB>absent<TAB>-<TAB>-<TAB>-<TAB>-` has 7 values, not 8 as the header
            an empty value;          H\\ns390x|s390x|absent||-|-|-|-\\n;                    has an empty value (none is written '-')
            an unknown state;        H\\ns390x|s390x|fine|-|-|-|-|-\\n;                     has the unknown state 'fine'
            usable without an entry; H\\ns390x|s390x|usable|-|-|-|-|-\\n;                   has state usable but no entry
            absent with an entry;    H\\ns390x|s390x|absent|e|enabled|F|/q|-\\n;            has state absent and an entry
            a platform twice;        H\\ns390x|s390x|absent|-|-|-|-|-\\ns390x|s390x|absent|-|-|-|-|-\\n; line 3 `s390x<TAB>s390x<TAB>absent<TAB>-<TAB>-<TAB>-<TAB>-<TAB>-` repeats platform s390x
            a fact after the header; H\\n#error|late\\n;                                    line 2 `#error<TAB>late` has 2 values, not 8
            a fact without a value;  #error\\nH\\n;                                         line 1 `#error` is not a fact line `#key<TAB>value`
            a stray line;            mount: oops\\nH\\n;                                    line 1 `mount: oops` is neither a fact line
            cut short;               H\\ns390x|s390x|abs;                                   its last line has no newline (output cut short?)
            empty;                   ~~;                                                    the output is empty
            JSON of an older bundle; {"bundle":"x","architectures":[]}\\n;                It answered JSON: the bundle image is older than this extension.
            """)
    void aMalformedTableIsAnErrorNamingWhatIsWrongWithTheRawOutput(String name, String table, String what) {
        String raw = tsv(table.replace("\\n", "\n").replace("H\n", Verdict.HEADER.replace('\t', '|') + "\n"));
        assertThatThrownBy(() -> Verdict.of(raw, Architecture.of("s390x"), BUNDLE))
                .isInstanceOf(MultiarchException.class)
                .hasMessageContaining(what)
                .hasMessageStartingWith("The registrar of " + BUNDLE + " answered `status --tsv` with a malformed table: ")
                .hasMessageContaining("qemu-bundle/build.sh")
                .hasMessageEndingWith("\nThe registrar's output:\n" + raw);
    }

    @Test
    void aTableWithoutTheArchitectureNamesWhatItHas() {
        assertThatThrownBy(() -> Verdict.of(tsv("""
                #bundle|x
                platform|qemu|state|entry|enabled|flags|interpreter|reason
                amd64|x86_64|native|-|-|-|-|-
                arm64|aarch64|absent|-|-|-|-|-
                """), Architecture.of("s390x"), BUNDLE))
                .isInstanceOf(MultiarchException.class)
                .hasMessageContaining("has no row for s390x in its status table (its rows: amd64, arm64)")
                .hasMessageContaining("The registrar's output:\n#bundle\tx\n");
    }

    private static String tsv(String text) {
        return text.replace('|', '\t');
    }
}
