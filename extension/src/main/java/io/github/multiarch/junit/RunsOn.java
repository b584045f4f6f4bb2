package io.github.multiarch.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class or test method in a JVM of another CPU architecture: inside a
 * Docker container of that platform, emulated by QEMU when the engine's CPU is a different one.
 *
 * <pre>{@code
 * @RunsOn("s390x")
 * class ByteOrderTest {
 *     @Test void nativeOrderIsBigEndian() {
 *         assertEquals(ByteOrder.BIG_ENDIAN, ByteOrder.nativeOrder());
 *     }
 * }
 * }</pre>
 *
 * <p>On a class, every test of the class (and of its {@code @Nested} classes) runs remotely,
 * together with {@code @BeforeAll}, {@code @BeforeEach}, {@code @AfterEach} and {@code @AfterAll};
 * the class is reported exactly as a local run reports it (same class and method names). On a
 * method, only that method (with its class's lifecycle methods) runs remotely; a method's
 * annotation wins over its class's. The annotation also works as a meta-annotation.
 *
 * <p>Repeated on a class, it runs the whole class once per architecture, in the order given:
 * {@code @RunsOn("s390x") @RunsOn("arm64")}. The class is then a JUnit class template (see
 * {@link List}), one run per architecture, each a node named after its architecture
 * ({@code [s390x]}); build tools that do not show JUnit's display names report the runs by
 * index (Surefire from 3.5.4: {@code checksum()[1]}); README, "Several architectures", shows how
 * to keep reports per architecture apart. One annotation names one architecture.
 *
 * <p>Without any annotation, the configuration parameter {@code multiarch.runsOn}
 * ({@link Settings#RUNS_ON}) runs every test class of the run on one architecture, or once on
 * each of several ({@code multiarch.runsOn=s390x,arm64}); an annotation wins over it.
 *
 * <p>Accepted names: Docker's platform names ({@code amd64}, {@code arm64}, {@code arm} /
 * {@code arm/v7}, {@code ppc64le}, {@code s390x}, {@code riscv64}, {@code 386}) and the
 * {@code uname -m} aliases ({@code x86_64}, {@code aarch64}, {@code armv7l}, {@code i686}, ...).
 *
 * <p>Configuration parameters ({@link Settings}): {@code multiarch.image.<arch>} /
 * {@code multiarch.image} (the JVM image), {@code multiarch.bundle.image} (the QEMU helper image),
 * {@code multiarch.binfmt.install} ({@code auto}, {@code never} or {@code replace}),
 * {@code multiarch.cds} and {@code multiarch.cds.dir} (the class-data archive).
 *
 * @since 0.1.0
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(RunsOn.List.class)
@ExtendWith(RunsOnExtension.class)
@TestMethodOrder(RemoteMethodOrder.class)
public @interface RunsOn {

    /**
     * The architecture: one name. (An array for compatibility with 0.1.0, which took several:
     * repeat the annotation instead.)
     */
    String[] value();

    /**
     * The container of a repeated {@link RunsOn}, which the compiler writes for
     * {@code @RunsOn("s390x") @RunsOn("arm64")}: a class template, one run of the class per
     * architecture. Not written by hand.
     *
     * @since 0.2.0
     */
    @Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @Inherited
    @ClassTemplate
    @ExtendWith(RunsOnExtension.class)
    @TestMethodOrder(RemoteMethodOrder.class)
    @interface List {
        RunsOn[] value();
    }
}
