package io.github.multiarch.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
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
 * together with {@code @BeforeAll}, {@code @BeforeEach}, {@code @AfterEach} and {@code @AfterAll}.
 * Naming several architectures runs the whole class once per architecture:
 * {@code @RunsOn({"s390x", "arm64"})}. Each run is a node of its own in the report, named after
 * its architecture ({@code [s390x]}); a class annotated with one architecture gets one such node.
 * On a method, only that method (with its class's lifecycle methods) runs remotely; a method's
 * annotation wins over its class's. The annotation also works as a meta-annotation.
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
@ClassTemplate
@ExtendWith(RunsOnExtension.class)
@TestMethodOrder(RemoteMethodOrder.class)
public @interface RunsOn {

    /** The architectures to run on: one or more on a class, one on a method. */
    String[] value();
}
