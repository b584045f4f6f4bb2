package io.github.multiarch.junit.internal.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.multiarch.junit.internal.runtime.ClassDataArchive.Kind;
import org.junit.jupiter.api.Test;

/**
 * Which archive a runtime's JVM makes, read from the {@code java.version} its agent reports: an
 * AOT cache from JDK 24 on, an AppCDS archive before; and which of the user's JVM options set
 * class-data sharing themselves (then the runtime gets none: the JVM refuses an AOT cache beside
 * any {@code -Xshare} option).
 */
class ClassDataArchiveKindTest {

    @Test
    void theFeatureVersionOfEveryVersionStringShape() {
        assertThat(ClassDataArchive.featureVersion("17.0.19")).isEqualTo(17);
        assertThat(ClassDataArchive.featureVersion("25.0.5")).isEqualTo(25);
        assertThat(ClassDataArchive.featureVersion("25")).isEqualTo(25);
        assertThat(ClassDataArchive.featureVersion("26-ea")).isEqualTo(26);
        assertThat(ClassDataArchive.featureVersion("1.8.0_392")).isEqualTo(8);
        assertThat(ClassDataArchive.featureVersion("unknown")).isZero();
        assertThat(ClassDataArchive.featureVersion(null)).isZero();
    }

    @Test
    void jdk24AndLaterMakeAnAotCacheEarlierOnesAnAppCdsArchive() {
        assertThat(Kind.of("17.0.19")).isEqualTo(Kind.CDS);
        assertThat(Kind.of("21.0.9")).isEqualTo(Kind.CDS);
        assertThat(Kind.of("23.0.2")).isEqualTo(Kind.CDS);
        assertThat(Kind.of("24")).isEqualTo(Kind.AOT);
        assertThat(Kind.of("25.0.5")).isEqualTo(Kind.AOT);
        assertThat(Kind.of(null)).as("unknown: the archive every JDK takes").isEqualTo(Kind.CDS);
        assertThat(Kind.AOT.suffix).isEqualTo(".aot");
        assertThat(Kind.CDS.suffix).isEqualTo(".jsa");
    }

    @Test
    void optionsThatSetClassDataSharingThemselves() {
        assertThat(java.util.List.of("-Xshare:off", "-Xshare:auto", "-XX:SharedArchiveFile=/a.jsa",
                "-XX:ArchiveClassesAtExit=/b.jsa", "-XX:AOTCache=/c.aot", "-XX:AOTMode=off",
                "-XX:SharedClassListFile=/l", "-XX:+AutoCreateSharedArchive"))
                .allMatch(ClassDataArchive::isSharingOption);
        assertThat(java.util.List.of("-XX:TieredStopAtLevel=4", "-Xmx1g", "-XX:+UseG1GC", "-Dx=-Xshare:off"))
                .noneMatch(ClassDataArchive::isSharingOption);
    }
}
