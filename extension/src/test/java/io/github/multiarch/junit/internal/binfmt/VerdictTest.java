package io.github.multiarch.junit.internal.binfmt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.multiarch.junit.internal.arch.Architecture;
import org.junit.jupiter.api.Test;

class VerdictTest {

    private static final String STATUS = """
            {"bundle":"0.1.0-amd64","host":"x86_64","mount":"/proc/sys/fs/binfmt_misc","architectures":[
             {"platform":"amd64","qemu":"x86_64","state":"native","entry":null},
             {"platform":"s390x","qemu":"s390x","state":"unusable","entry":"s390x-other","enabled":true,
              "flags":"OC","interpreter":"/usr/bin/qemu-s390x","reason":"no F flag: containers cannot see the interpreter"},
             {"platform":"arm64","qemu":"aarch64","state":"usable","entry":"qemu-aarch64","enabled":true,"flags":"F",
              "interpreter":"/usr/libexec/x/qemu-aarch64"},
             {"platform":"riscv64","qemu":"riscv64","state":"absent","entry":null}]}
            """;

    @Test
    void eachArchitectureGetsItsVerdictWithTheEntryThatDecidedIt() {
        Verdict s390x = Verdict.of(STATUS, Architecture.of("s390x"));
        assertThat(s390x.isUnusable()).isTrue();
        assertThat(s390x.entry()).isEqualTo("s390x-other");
        assertThat(s390x.reason()).startsWith("no F flag");
        assertThat(s390x.describeEntry()).isEqualTo("entry 's390x-other' (flags OC, interpreter /usr/bin/qemu-s390x)");

        assertThat(Verdict.of(STATUS, Architecture.of("aarch64")).isUsable()).isTrue();
        assertThat(Verdict.of(STATUS, Architecture.of("riscv64")).isAbsent()).isTrue();
        assertThat(Verdict.of(STATUS, Architecture.of("riscv64")).entry()).isNull();
        assertThat(Verdict.of(STATUS, Architecture.of("amd64")).state()).isEqualTo("native");
    }

    @Test
    void aRegistrarThatCouldNotReadBinfmtMiscSaysWhy() {
        String status = "{\"bundle\":\"x\",\"host\":\"x86_64\",\"mount\":\"/m\","
                + "\"error\":\"cannot mount binfmt_misc on /m: Permission denied\",\"architectures\":[]}";
        assertThatThrownBy(() -> Verdict.of(status, Architecture.of("s390x")))
                .hasMessageContaining("cannot mount binfmt_misc on /m: Permission denied");
    }

    @Test
    void malformedJsonIsReportedWithItsPosition() {
        assertThatThrownBy(() -> Json.parse("{\"a\":[1,2}")).hasMessageContaining("Malformed JSON at 9");
        assertThat(Json.parse(" {\"a\":[1,\"x\\\"y\",true,null]} ")).hasToString("{a=[1.0, x\"y, true, null]}");
    }
}
