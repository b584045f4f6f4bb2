package io.github.multiarch.junit.internal.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.UniqueId;

/**
 * {@link TestKey}'s string searches give what the regular expressions and {@link UniqueId#parse}
 * they replace gave, on the ids JUnit makes and on odd ones.
 */
class TestKeyTest {

    /** The definition the string searches replace (the extension's until 0.2.0). */
    private static String byPatterns(String uniqueId) {
        return uniqueId.replaceFirst("^.*\\[engine:[^\\]]*\\]/", "")
                .replaceAll("\\[class-template-invocation:#\\d+\\]", "[class-template-invocation]");
    }

    private static final List<String> IDS = List.of(
            "[engine:junit-jupiter]/[class:a.B]/[method:c()]",
            "[engine:junit-jupiter]/[class-template:a.B]/[class-template-invocation:#1]/[method:c()]",
            "[engine:junit-jupiter]/[class-template:a.B]/[class-template-invocation:#12]/[nested-class:C]"
                    + "/[test-template:d(int)]/[test-template-invocation:#3]",
            "[engine:junit-platform-suite]/[suite:a.S]/[engine:junit-jupiter]/[class:a.B]/[method:c()]",
            "[engine:multiarch]/[engine:junit-jupiter]/[class:a.B]/[method:c()]",
            "[engine:junit-jupiter]",
            "[engine:junit-jupiter]/[class:a.B]",
            "[engine:x]/[class:a.B]/[engine:y]",
            "[class:a.B]/[method:c()]",
            "[engine:junit-jupiter]/[class-template:a.B]/[class-template-invocation:#]/[method:c()]",
            "[engine:junit-jupiter]/[class-template:a.B]/[class-template-invocation:#12a]/[method:c()]",
            "[engine:junit-jupiter]/[class-template:a.B]/[class-template-invocation:#7]",
            "[engine:junit-jupiter]/[class-template:a.B]/[class-template-invocation:#1]/[nested-class-template:C]"
                    + "/[class-template-invocation:#2]/[method:c()]",
            "[engine:junit-jupiter]/[class:a.B]/[method:x(java.lang.String%5B%5D, a%2Fb%5Dc%3Ad)]",
            "[class-template-invocation:#1][class-template-invocation:#22]",
            "");

    @Test
    void normalizesAsThePatternsDid() {
        for (String id : IDS) {
            assertThat(TestKey.normalize(id)).as(id).isEqualTo(byPatterns(id));
        }
    }

    @Test
    void readsTheLastSegmentsTypeAsUniqueIdParseDoes() {
        UniqueId method = UniqueId.forEngine("junit-jupiter").append("class", "a.B")
                .append("method", "x(java.lang.String[], a/b]c:d)");
        List<UniqueId> ids = List.of(UniqueId.forEngine("junit-jupiter"), method,
                UniqueId.forEngine("junit-jupiter").append("class-template", "a.B").append("class-template-invocation", "#1")
                        .append("test-template", "t(int)").append("test-template-invocation", "#4"),
                UniqueId.forEngine("junit-jupiter").append("class", "a.B").append("test-factory", "f()"),
                UniqueId.forEngine("junit-jupiter").append("class", "a.B").append("test-factory", "f()")
                        .append("dynamic-test", "#1"));
        for (UniqueId id : ids) {
            assertThat(TestKey.lastType(id.toString())).as(id.toString()).isEqualTo(id.getLastSegment().getType());
        }
    }
}
