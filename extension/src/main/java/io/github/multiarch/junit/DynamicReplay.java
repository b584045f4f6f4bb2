package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.remote.Frame;
import io.github.multiarch.junit.internal.remote.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.opentest4j.TestAbortedException;

/**
 * The host's side of a remote {@code @TestFactory}: the dynamic tests the remote factory made,
 * rebuilt with their names and nesting from the DYNAMIC frames, each replaying its remote
 * outcome (output, then pass, failure or abort) when JUnit runs it here.
 *
 * @since 0.1.0
 */
final class DynamicReplay {

    private DynamicReplay() {
    }

    /** The dynamic nodes directly below the factory {@code factoryKey}, in the remote order. */
    static Stream<DynamicNode> of(String factoryKey, List<Frame> frames) {
        Map<String, List<Frame>> children = new LinkedHashMap<>();
        for (Frame f : frames) {
            children.computeIfAbsent(f.params().get("parent"), k -> new ArrayList<>()).add(f);
        }
        return nodes(factoryKey, children);
    }

    private static Stream<DynamicNode> nodes(String parent, Map<String, List<Frame>> children) {
        return children.getOrDefault(parent, List.of()).stream().map(f -> Boolean.parseBoolean(f.params().get("container"))
                ? DynamicContainer.dynamicContainer(f.params().get("displayName"), nodes(f.text(), children))
                : DynamicTest.dynamicTest(f.params().get("displayName"), () -> replay(f)));
    }

    private static void replay(Frame f) throws Throwable {
        RemoteSession.replay(f.out(), f.err());
        Throwable failure = RemoteSession.decode(f.failure());
        switch (Outcome.valueOf(f.detail())) {
            case SUCCESSFUL:
                return;
            case ABORTED:
                throw failure != null ? failure : new TestAbortedException("aborted remotely");
            default:
                throw failure != null ? failure : new AssertionError("failed remotely without an exception");
        }
    }
}
