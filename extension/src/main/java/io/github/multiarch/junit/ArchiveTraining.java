package io.github.multiarch.junit;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;

/**
 * What a runtime JVM runs once to make its class-data archive: the paths a real session takes
 * (lifecycle methods, a passing, a failing and an aborted test, output, a report entry, a test
 * template, a factory, a nested class), so the archive holds the classes they load. Only the
 * agent's training run ({@code Agent --train}) selects it; the architecture in the annotation is
 * replaced by the runtime's own.
 *
 * @since 0.1.0
 */
@RunsOn("s390x")
class ArchiveTraining {

    @BeforeAll
    static void beforeAll() {
    }

    @BeforeEach
    void beforeEach(TestInfo info) {
        info.getDisplayName();
    }

    @Test
    void passes(TestReporter reporter) {
        System.out.println("stdout of a test");
        System.err.println("stderr of a test");
        reporter.publishEntry("key", "value");
    }

    @Test
    void fails() {
        Assertions.assertEquals(1, 2, "a failure, as the host's codec sees it");
    }

    @Test
    void throwsException() {
        throw new IllegalStateException("an exception with a cause", new RuntimeException("cause"));
    }

    @Test
    void aborts() {
        Assumptions.assumeTrue(false, "an aborted test");
    }

    @RepeatedTest(2)
    void repeated() {
    }

    @TestFactory
    Stream<DynamicTest> dynamic() {
        return Stream.of(DynamicTest.dynamicTest("a dynamic test", () -> { }));
    }

    @Nested
    class Inner {
        @Test
        void nested() {
        }
    }

    @AfterEach
    void afterEach() {
    }

    @AfterAll
    static void afterAll() {
    }
}
