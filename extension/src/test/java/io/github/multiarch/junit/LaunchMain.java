package io.github.multiarch.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.HashMap;
import java.util.Map;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * A host JVM of its own, for the tests that must kill one or take its Docker away:
 * {@code java LaunchMain <test class> [key=value...] [--rounds=N]}. Prints one line per finished
 * test or container, with the milliseconds since its round started; with {@code --rounds=2} the
 * second round finds the runtime warm.
 */
public final class LaunchMain {

    private LaunchMain() {
    }

    public static void main(String[] args) {
        Map<String, String> params = new HashMap<>();
        int rounds = 1;
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--rounds=")) {
                rounds = Integer.parseInt(args[i].substring("--rounds=".length()));
                continue;
            }
            int eq = args[i].indexOf('=');
            params.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(args[0]))
                .configurationParameters(params)
                .build();
        System.out.println("LAUNCHED pid=" + ProcessHandle.current().pid());
        for (int round = 1; round <= rounds; round++) {
            long start = System.nanoTime();
            LauncherFactory.create().execute(request, new TestExecutionListener() {
                @Override
                public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                    System.out.println("FINISHED " + id.getDisplayName() + " " + result.getStatus()
                            + result.getThrowable().map(t -> " " + t).orElse("")
                            + " (+" + (System.nanoTime() - start) / 1_000_000 + " ms)");
                }
            });
        }
        System.out.println("DONE");
    }
}
