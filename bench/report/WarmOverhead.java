package report;

import static report.Fmt.f;
import static report.Fmt.median;
import static report.Fmt.percentile;
import static report.Fmt.yes;

import java.io.IOException;
import java.util.List;

/**
 * Figure 2, warm overhead per test: 200 empty tests in one @RunsOn("s390x") class after a 1-test
 * class started the runtime (warm/host.events.tsv: requests 2 and 3; 4 and 5 the same natively),
 * against the same tests run by JUnit inside a warm s390x JVM (warm/remote.events.tsv: 2 and 3).
 */
final class WarmOverhead {

    /** A request's per-test host-side times (ms, the first test excluded). */
    private record Stats(int n, double median, double p95, double mean, double perTestWhole, double first) {
    }

    /** Issue 13's target: both must hold. */
    private static final String TARGET = "<= 5 ms median and <= 15 ms p95";

    private WarmOverhead() {
    }

    private static Stats stats(Events e, int req) {
        if (e == null || !e.ok(req)) {
            return null;
        }
        List<Events.Row> tests = e.tests(req);
        List<Double> ms = tests.subList(1, tests.size()).stream().map(Events.Row::ms).toList();
        Events.Row c = e.clazz(req);
        return new Stats(ms.size(), median(ms), percentile(ms, 95), ms.stream().mapToDouble(d -> d).average().orElse(0),
                c == null ? Double.NaN : (c.end() - c.start()) / 1000.0 / tests.size(), tests.get(0).ms());
    }

    static void report(RunData run, Output out) throws IOException {
        Events host = run.events("warm/host.events.tsv");
        Events remote = run.events("warm/remote.events.tsv");
        Stats h1 = stats(host, 2), h2 = stats(host, 3), n1 = stats(host, 4), n2 = stats(host, 5);
        Stats r1 = stats(remote, 2), r2 = stats(remote, 3);
        if (run.runs("warm.host.jvm") == 0) {
            return; // not requested (BENCH_FIGURES)
        }
        if (h1 == null) {
            out.row("2. warm overhead per test, " + run.s390x(), "not measured (see bench/work/run/warm/host.log)",
                    "", "", TARGET, "NO");
            return;
        }
        out.row("2. warm overhead per test, " + run.s390x() + ": median (p95)",
                f("%.1f ms (p95 %.1f)", h1.median, h1.p95),
                r1 == null ? "not measured" : f("JUnit alone in a warm s390x JVM: %.1f ms (p95 %.1f)",
                        r1.median, r1.p95),
                r1 == null ? "" : f("%.1fx", h1.median / r1.median), TARGET, yes(h1.median <= 5 && h1.p95 <= 15));
        out.noise(run.busy("warm.host.jvm", "warm.remote.jvm"));
        out.h("Figure 2: warm overhead per test (200 empty tests, host-side executionStarted -> executionFinished)");
        out.p("The tests are empty, so the whole host-side duration of a test is the harness's cost on top of the body."
                + " The runtime was started by one 1-test class before; each round is one run of the 200-test class"
                + " (a fresh remote session in the same warm runtime).\n");
        out.p("| what | tests | median ms | p95 ms | mean ms | class time / test, ms | first test ms |");
        out.p("|---|---|---|---|---|---|---|");
        statRow(out, "harness, s390x, round 1 (judged)", h1);
        statRow(out, "harness, s390x, round 2", h2);
        statRow(out, "JUnit alone in a warm s390x JVM (agent's JVM flags), round 1", r1);
        statRow(out, "JUnit alone in a warm s390x JVM, round 2", r2);
        statRow(out, "JUnit natively on the host (no annotation), round 1", n1);
        statRow(out, "JUnit natively on the host, round 2", n2);
        if (r1 != null) {
            out.p(f("\nOf the harness's median %.1f ms per test in round 1, about %.1f ms is JUnit's own work in the emulated JVM"
                    + " (the baseline) and the rest, %.1f ms, is the round trip: RUN frame, the remote gate (a condition"
                    + " evaluated per test), result encoding, RESULT frame, and the host's own JUnit.",
                    h1.median, r1.median, h1.median - r1.median));
        }
    }

    private static void statRow(Output out, String name, Stats s) {
        if (s == null) {
            out.p("| " + name + " | not measured | | | | | |");
        } else {
            out.p(f("| %s | %d | %.2f | %.2f | %.2f | %.2f | %.1f |", name, s.n, s.median, s.p95, s.mean, s.perTestWhole, s.first));
        }
    }
}
