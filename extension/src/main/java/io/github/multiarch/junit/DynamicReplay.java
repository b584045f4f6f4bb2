package io.github.multiarch.junit;

import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.remote.Message;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

/**
 * The host's side of a remote {@code @TestFactory}: the dynamic tests the remote factory made,
 * rebuilt with their names and nesting from the {@link Message.Dynamic} messages, each replaying
 * its remote outcome (output, then pass, failure or abort) when JUnit runs it here.
 *
 * @since 0.1.0
 */
final class DynamicReplay {

    private DynamicReplay() {
    }

    /** The dynamic nodes directly below the factory {@code factoryKey}, in the remote order. */
    static Stream<DynamicNode> of(String factoryKey, List<Message.Dynamic> dynamics, Architecture arch) {
        Map<String, List<Message.Dynamic>> children = new LinkedHashMap<>();
        for (Message.Dynamic d : dynamics) {
            children.computeIfAbsent(d.parent(), k -> new ArrayList<>()).add(d);
        }
        return nodes(factoryKey, children, arch);
    }

    private static Stream<DynamicNode> nodes(String parent, Map<String, List<Message.Dynamic>> children,
                                             Architecture arch) {
        return children.getOrDefault(parent, List.of()).stream().map(d -> d.container()
                ? DynamicContainer.dynamicContainer(d.displayName(), nodes(d.key(), children, arch))
                : DynamicTest.dynamicTest(d.displayName(), () -> replay(d, arch)));
    }

    private static void replay(Message.Dynamic d, Architecture arch) throws Throwable {
        RemoteSession.replay(d.out(), d.err());
        new RemoteSession.Result(d.outcome(), RemoteSession.decode(d.failure()), d.out(), d.err())
                .rethrow(d.displayName(), arch);
    }
}
