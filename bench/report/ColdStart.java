package report;

import static report.Fmt.f;
import static report.Fmt.list;
import static report.Fmt.median;
import static report.Fmt.s;
import static report.Fmt.yes;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figure 1, cold start: a fresh host JVM runs one @RunsOn("s390x") class of one trivial test
 * (cold/harness-N.*), against `java -version` in a fresh container (cold.floor) and JUnit's console
 * launcher in one (cold.console). The breakdown orders the events of each harness run in time
 * (JUnit listener, docker events, the extension's stderr) and shows the AppCDS lever (cold/nocds-N,
 * cold/cds-N; with JDK 25 also the AOT cache, cold/aot-N).
 */
final class ColdStart {

    private static final Pattern TRACE = Pattern.compile("\\[multiarch\\] trace: (.+) took (\\d+) ms");

    private ColdStart() {
    }

    static void report(RunData run, Output out) throws IOException {
        List<Double> floor = run.okSeconds("cold.floor");
        List<Double> console = run.okSeconds("cold.console");
        List<Double> harness = new ArrayList<>();
        Map<String, List<Double>> phases = new LinkedHashMap<>();
        Map<String, List<Double>> traces = new LinkedHashMap<>();
        List<Double> jvmWall = run.okSeconds("cold.harness.jvm");
        int runs = run.runs("cold.harness.jvm");
        if (runs == 0 && floor.isEmpty()) {
            return; // not requested (BENCH_FIGURES)
        }
        for (int i = 1; i <= runs; i++) {
            Events e = run.events("cold/harness-" + i + ".events.tsv");
            if (e == null || !e.ok(1)) {
                continue;
            }
            Events.Row c = e.clazz(1);
            Events.Row t = e.tests(1).get(0);
            harness.add((t.end() - c.start()) / 1e6);
            Map<String, Long> at = timeline(run, i, e, c, t, traces);
            List<Map.Entry<String, Long>> sorted = new ArrayList<>(at.entrySet());
            sorted.sort(Map.Entry.comparingByValue());
            for (int k = 1; k < sorted.size(); k++) {
                String name = sorted.get(k - 1).getKey() + " -> " + sorted.get(k).getKey();
                phases.computeIfAbsent(name, x -> new ArrayList<>())
                        .add((sorted.get(k).getValue() - sorted.get(k - 1).getValue()) / 1e6);
            }
        }
        double hm = median(harness), fm = median(floor), cm = median(console);
        String n = f(" (median of %d)", harness.size());
        out.row("1a. cold start, 1 test, " + run.s390x() + n, s(hm),
                "java -version, fresh container: " + s(fm), f("%.1fx the floor", hm / fm), "<= 2.5x the floor",
                yes(hm / fm <= 2.5));
        out.noise(run.busy("cold.harness.jvm", "cold.floor"));
        out.row("1b. cold start vs the naive way, " + run.s390x() + n, s(hm),
                "console launcher, fresh container: " + s(cm), f("%.2fx faster", cm / hm), ">= 1.5x faster",
                yes(cm / hm >= 1.5));
        out.noise(run.busy("cold.harness.jvm", "cold.console"));
        List<Double> kept = new ArrayList<>();
        for (int i = 1; i <= run.runs("cold.keepalive.jvm"); i++) {
            Events e = run.events("cold/keep-" + i + ".events.tsv");
            if (e != null && e.ok(1) && run.lines("cold/keep-" + i + ".log").stream().anyMatch(l -> l.contains("kept alive since"))) {
                kept.add((e.tests(1).get(0).end() - e.clazz(1).start()) / 1e6);
            }
        }
        if (!kept.isEmpty()) {
            double km = median(kept);
            out.row("1c. cold start of a next run with multiarch.keepAlive, 1 test, " + run.s390x()
                            + f(" (median of %d)", kept.size()), s(km),
                    "java -version, fresh container: " + s(fm), f("%.1fx the floor", km / fm), "<= 2.5x the floor",
                    yes(km / fm <= 2.5));
            out.noise(run.busy("cold.keepalive.jvm", "cold.floor"));
        }
        out.h("Figure 1: cold start (" + run.s390x() + ", one trivial test)");
        out.p(f("- harness, class start -> test result: %s (runs: %s)", s(hm), list(harness)));
        out.p(f("- whole fresh host JVM (java ... bench.Bench, start to exit): %s (runs: %s)", s(median(jvmWall)), list(jvmWall)));
        if (!kept.isEmpty()) {
            out.p(f("- with multiarch.keepAlive, the next run taking the JVM the run before it left (started and warmed"
                    + " up in the background): class start -> test result %s (runs: %s); whole host JVM %s (runs: %s)",
                    s(median(kept)), list(kept), s(median(run.okSeconds("cold.keepalive.jvm"))),
                    list(run.okSeconds("cold.keepalive.jvm"))));
        }
        out.p(f("- floor, `docker run --rm --platform linux/s390x %s java -version`: %s (runs: %s)",
                run.meta.getOrDefault("runtime_image", "multiarch-jre:17-s390x"), s(fm), list(floor)));
        out.p(f("- console launcher 6.1.3 in a fresh s390x container, test classes mounted: %s (runs: %s)", s(cm), list(console)));
        List<Double> first = run.okSeconds("cold.first");
        if (!first.isEmpty()) {
            Events fe = run.events("cold/first.events.tsv");
            String firstClass = fe != null && fe.ok(1) ? s((fe.tests(1).get(0).end() - fe.clazz(1).start()) / 1e6) : "n/a";
            out.p(f("- the same host JVM the very first time, with no class-data archive yet (it makes one in the background"
                    + " for later runs, and its exit waits for it): class start -> test result %s, start to exit %s."
                    + " The runs above map that archive.", firstClass, s(median(first))));
        }
        out.p("\nWhere the harness's cold start goes (median over the runs, events in time order; docker events of the"
                + " host JVM's containers, the extension's stderr, and the JUnit listener):\n");
        out.p("| from -> to | seconds |\n|---|---|");
        phases.forEach((k, v) -> out.p(f("| %s | %.2f |", k, median(v))));
        lever(run, out);
        if (!traces.isEmpty()) {
            out.p("\nThe extension's own account of its steps (-Dmultiarch.trace=true; median, seconds):\n");
            out.p("| step | seconds |\n|---|---|");
            traces.forEach((k, v) -> out.p(f("| %s | %.2f |", k, median(v))));
        }
    }

    /** The events of harness run {@code i} (epoch µs by name; the first of a name counts), and its
     *  trace lines' durations added to {@code traces}. */
    private static Map<String, Long> timeline(RunData run, int i, Events e, Events.Row c, Events.Row t,
                                              Map<String, List<Double>> traces) throws IOException {
        Map<String, Long> at = new LinkedHashMap<>();
        at.put("host JVM start", e.jvmStartUs());
        at.put("Bench main", e.mainUs());
        at.put("class started", c.start());
        e.rows().stream().filter(r -> r.req() == 1 && !r.test() && r.start() > c.start()).findFirst()
                .ifPresent(inv -> at.put("class template invocation [s390x] started", inv.start()));
        for (String line : run.lines("cold/harness-" + i + ".docker.tsv")) {
            String[] f = line.split("\t");
            if (f.length >= 4 && f[3].equals(Long.toString(e.pid()))) {
                at.putIfAbsent(f[2] + " " + f[1], Long.parseLong(f[0]) / 1000);
            }
        }
        for (String line : run.lines("cold/harness-" + i + ".err.tsv")) {
            String[] f = line.split("\t", 2);
            if (f.length == 2 && f[1].contains("JVM ready in")) {
                at.putIfAbsent("remote JVM ready (agent connected, HELLO)", Long.parseLong(f[0]));
            }
            Matcher m = f.length == 2 ? TRACE.matcher(f[1]) : null;
            if (m != null && m.find()) {
                traces.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Double.parseDouble(m.group(2)) / 1000);
            }
        }
        at.put("test started (remote class at its first test: READY)", t.start());
        at.put("test finished (RESULT)", t.end());
        return at;
    }

    /** JUnit's first run in a fresh s390x JVM, without and with an application CDS archive, and
     *  (JDK 25) with an AOT cache. */
    private static void lever(RunData run, Output out) throws IOException {
        Map<String, List<Double>> runs = new LinkedHashMap<>();
        for (String kind : List.of("nocds", "cds", "aot")) {
            runs.put(kind, new ArrayList<>());
            for (int i = 1; i <= 20; i++) {
                Events c = run.events("cold/" + kind + "-" + i + ".events.tsv");
                if (c != null && c.ok(1)) {
                    runs.get(kind).add((c.clazz(1).end() - c.jvmStartUs()) / 1e6);
                }
            }
        }
        if (runs.get("nocds").isEmpty()) {
            return;
        }
        out.p(f("\nA lever, measured: JUnit's first run of the one-test class in a fresh %s JVM (JVM start -> class"
                + " finished; what opening the remote class waits for), with the agent's JVM flags and the same"
                + " class path:\n", run.s390x()));
        out.p("| JVM | seconds (median) | runs |\n|---|---|---|");
        leverRow(out, "without an archive (-Xshare:auto)", runs.get("nocds"));
        leverRow(out, "with AppCDS: -Xshare:auto -XX:SharedArchiveFile, made once with -XX:ArchiveClassesAtExit",
                runs.get("cds"));
        if (!runs.get("aot").isEmpty() || Files.exists(run.dir.resolve("cold/aot-record.log"))) { // (JDK 25)
            leverRow(out, "with an AOT cache (JEP 483): -XX:AOTCache, made once with -XX:AOTMode=record, then"
                    + " -XX:AOTMode=create (no -Xshare option)", runs.get("aot"));
        }
    }

    private static void leverRow(Output out, String what, List<Double> runs) {
        out.p(f("| %s | %s | %s |", what, runs.isEmpty() ? "n/a" : s(median(runs)), runs.isEmpty() ? "none" : list(runs)));
    }
}
