package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.MultiarchException;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** Every misuse fails with a message that names the problem and the fix; nothing passes by accident. */
class MisuseTest {

    @Test
    void anUnknownArchitectureListsTheAcceptedNames() {
        Kit.run(UnknownArchitecture.class).containerEvents().assertThatEvents().haveExactly(1, event(
                container(UnknownArchitecture.class),
                finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("Unknown architecture 'sparc64'") && m.contains("s390x")
                                && m.contains("arm64 (aarch64")))));
    }

    @Test
    void aMethodNamesOneArchitectureAndTheMessageShowsTheClassMatrix() {
        Kit.run(TwoOnAMethod.class).testEvents().assertThatEvents().haveExactly(1, event(test("onTwo"),
                finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("names 2 architectures [s390x, arm64]; on a method, name one")
                                && m.contains("annotate the class: @RunsOn(\"s390x\") @RunsOn(\"arm64\")")))));
    }

    @Test
    void anArchitectureNamedTwiceIsAMistake() {
        Kit.run(TwiceOnAClass.class).allEvents().assertThatEvents().haveExactly(1, finishedWithFailure(
                instanceOf(ExtensionConfigurationException.class), message(m -> m.contains("names s390x twice"))));
    }

    @Test
    void severalArchitecturesInOneAnnotationAskForTheRepeatedForm() {
        Kit.run(TwoInOneAnnotation.class).containerEvents().assertThatEvents().haveExactly(1, event(
                container(TwoInOneAnnotation.class),
                finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("names 2 architectures in one annotation [s390x, arm64]")
                                && m.contains("repeat the annotation: @RunsOn(\"s390x\") @RunsOn(\"arm64\")")))));
        Kit.run(TwoInOneAnnotation.class).testEvents().assertStatistics(s -> s.started(0));
    }

    @Test
    void anUnknownOrRepeatedArchitectureInTheSettingFailsWithTheAcceptedNames() {
        Kit.run(Unannotated.class, "multiarch.runsOn", "sparc64", RunsOnSetting.AUTODETECTION, "true")
                .allEvents().assertThatEvents().haveAtLeastOne(finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("multiarch.runsOn=sparc64 is not valid: Unknown architecture 'sparc64'")
                                && m.contains("s390x"))));
        // (several names are a run per architecture: MatrixEngineTest; the same one twice is a mistake)
        Kit.run(Unannotated.class, "multiarch.runsOn", "s390x, arm64, s390x", RunsOnSetting.AUTODETECTION, "true")
                .allEvents().assertThatEvents().haveAtLeastOne(finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("multiarch.runsOn=s390x, arm64, s390x names s390x twice: name each"
                                + " architecture once") && m.contains("riscv64"))));
    }

    @Test
    void anUnknownRunsOnMethodArchitectureFailsThatTestOnly() {
        EngineExecutionResults results = Kit.run(UnknownOnMethod.class);
        results.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        results.testEvents().assertThatEvents().haveExactly(1, event(test("onMips"),
                finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("Unknown architecture 'mips'")))));
    }

    @Test
    void anInvalidInstallModeNamesTheValidOnes() {
        Kit.run(ValidClass.class, "multiarch.binfmt.install", "sometimes").allEvents().assertThatEvents()
                .haveExactly(1, finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("multiarch.binfmt.install=sometimes") && m.contains("auto")
                                && m.contains("never"))));
    }

    @Test
    void anInvalidUnavailableSettingNamesTheValidOnes() {
        Kit.run(ValidClass.class, "multiarch.unavailable", "ignore").allEvents().assertThatEvents()
                .haveExactly(1, finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("multiarch.unavailable=ignore is not valid") && m.contains("fail")
                                && m.contains("skip"))));
    }

    @Test
    void anInvalidClassDataSettingNamesTheValidOnes() {
        Kit.run(ValidClass.class, "multiarch.cds", "sometimes").allEvents().assertThatEvents()
                .haveExactly(1, finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
                        message(m -> m.contains("multiarch.cds=sometimes") && m.contains("true")
                                && m.contains("false"))));
    }

    @Test
    void invalidRunAheadAndDiscoverAheadSettingsSayWhatEachValueDoes() {
        Kit.run(ValidClass.class, "multiarch.runAhead", "Sometimes").allEvents().assertThatEvents()
                .haveExactly(1, finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
                        message("Configuration parameter multiarch.runAhead=sometimes is not valid: use true (the remote"
                                + " JVM runs a class's plain tests without waiting for the host to ask for each) or false"
                                + " (each waits, the default).")));
        Kit.run(ValidClass.class, "multiarch.discoverAhead", "yes").allEvents().assertThatEvents()
                .haveExactly(1, finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
                        message("Configuration parameter multiarch.discoverAhead=yes is not valid: use true (the remote"
                                + " JVM discovers the next class while the current one runs, the default) or false (each"
                                + " class is discovered when it starts).")));
    }

    @Test
    void aMissingImageSaysSoAndHowToFixIt() {
        Kit.run(ValidClass.class, "multiarch.image.s390x", "multiarch-no-such-image:1").allEvents().assertThatEvents()
                .haveExactly(1, finishedWithFailure(instanceOf(MultiarchException.class),
                        message(m -> m.contains("Image multiarch-no-such-image:1 is not present on the Docker engine")
                                && m.contains("pulling it for linux/s390x failed")
                                && m.contains("multiarch.image.s390x"))));
    }

    @Test
    void anImageOfAnotherArchitectureIsNeverUsed() {
        Kit.run(ValidClass.class, "multiarch.image.s390x", Kit.ARM64_IMAGE).allEvents().assertThatEvents()
                .haveExactly(1, finishedWithFailure(instanceOf(MultiarchException.class),
                        message(m -> m.contains("is present on the Docker engine ")
                                && m.contains("for linux/arm64") && m.contains(", not for linux/s390x"))));
    }

    @Test
    void twoImageKeysForOneArchitectureMustAgree() {
        Kit.run(ValidClass.class, "multiarch.image.aarch64", "a:1", "multiarch.image.arm64", "b:2",
                        "multiarch.image.s390x", Kit.S390X_IMAGE)
                .testEvents().assertStatistics(s -> s.started(1).succeeded(1)); // arm64 is not used here
        Kit.run(Arm64Class.class, "multiarch.image.aarch64", "a:1", "multiarch.image.arm64", "b:2")
                .allEvents().assertThatEvents().haveExactly(1, finishedWithFailure(
                        instanceOf(ExtensionConfigurationException.class), message(m -> m.contains("name two images for arm64"))));
    }

    @RunsOn("sparc64")
    static class UnknownArchitecture {
        @Test
        void test() {
        }
    }

    static class TwoOnAMethod {
        @Test
        @RunsOn({"s390x", "arm64"})
        void onTwo() {
        }
    }

    @RunsOn("s390x")
    @RunsOn("s390x")
    static class TwiceOnAClass {
        @Test
        void test() {
        }
    }

    @RunsOn({"s390x", "arm64"})
    static class TwoInOneAnnotation {
        @Test
        void test() {
        }
    }

    static class Unannotated {
        @Test
        void test() {
        }
    }

    static class UnknownOnMethod {
        @Test
        @RunsOn("mips")
        void onMips() {
        }

        @Test
        void onHost() {
        }
    }

    @RunsOn("s390x")
    static class ValidClass {
        @Test
        void test() {
            org.junit.jupiter.api.Assertions.assertEquals("s390x", System.getProperty("os.arch"));
        }
    }

    @RunsOn("arm64")
    static class Arm64Class {
        @Test
        void test() {
        }
    }
}
