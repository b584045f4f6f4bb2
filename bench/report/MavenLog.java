package report;

import static report.Fmt.f;
import static report.Fmt.s;

import java.io.IOException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One timed `mvn -o test` of figures 3 and 4 (suite/NAME.log, Maven's HH:mm:ss.SSS timestamps in
 * UTC): its phases relative to the measured start, Surefire's per-class times and intervals, and
 * the runtimes' "JVM ready in" lines; {@link #breakdown} writes them for one measurement.
 */
final class MavenLog {

    private static final Pattern TS = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d) ");
    private static final Pattern CLASS_DONE = Pattern.compile("Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+), Skipped: (\\d+), Time elapsed: ([\\d.,]+) s.* in (\\S+)");
    private static final Pattern READY = Pattern.compile("\\[multiarch\\] (\\S+) JVM ready in ([\\d.]+) s");

    final Map<String, Double> phases = new LinkedHashMap<>();
    final Map<String, Double> classTimes = new LinkedHashMap<>(); // simple class name -> Surefire's seconds
    final List<String> readies = new ArrayList<>();
    final Map<String, double[]> intervals = new LinkedHashMap<>(); // simple class name -> [running, done] s

    /** The log of a measurement {@code t} ([seconds, rc, t0ms]) that started at t0ms. */
    private MavenLog(List<String> log, double[] t) {
        LocalTime start = LocalTime.ofInstant(Instant.ofEpochMilli((long) t[2]), ZoneOffset.UTC);
        Double first = null, compile = null, testCompile = null, surefire = null, running = null, lastDone = null, end = null;
        for (String line : log) {
            Matcher m = TS.matcher(line);
            Matcher r = READY.matcher(line);
            if (r.find()) {
                readies.add(r.group(1) + " " + r.group(2) + " s");
            }
            if (!m.find()) {
                continue;
            }
            double at = (LocalTime.parse(m.group(1)).toNanoOfDay() - start.toNanoOfDay()) / 1e9;
            if (at < -1) {
                at += 86400; // past midnight
            }
            if (first == null) {
                first = at;
            }
            if (line.contains(":compile (") && compile == null) {
                compile = at;
            }
            if (line.contains(":testCompile (")) {
                testCompile = at;
            }
            if (line.contains("surefire-plugin:") && line.contains(":test (")) {
                surefire = at;
            }
            int ri = line.indexOf("[INFO] Running ");
            if (ri >= 0) {
                running = running == null ? at : running;
                String cls = line.substring(ri + 15).trim().replaceAll(".*\\.", "");
                double now = at;
                intervals.computeIfAbsent(cls, k -> new double[] {now, now});
            }
            Matcher c = CLASS_DONE.matcher(line);
            if (c.find()) {
                lastDone = at;
                String cls = c.group(6).replaceAll(".*\\.", "");
                classTimes.merge(cls, Double.parseDouble(c.group(5).replace(',', '.')), Math::max);
                double now = at;
                intervals.computeIfAbsent(cls, k -> new double[] {now, now})[1] = now;
            }
            if (line.contains("Total time:") || line.contains("BUILD SUCCESS") || line.contains("BUILD FAILURE")) {
                end = end == null ? at : end;
            }
        }
        put("Maven JVM start -> first log line", 0.0, first);
        put("project model, resources -> compile starts", first, compile);
        put("compile (main, empty) + test resources -> testCompile starts", compile, testCompile);
        put("testCompile -> surefire starts", testCompile, surefire);
        put("surefire: fork JVM, discovery -> first class running", surefire, running);
        put("test classes (first running -> last class result)", running, lastDone);
        put("last class result -> BUILD SUCCESS line", lastDone, end);
        put("-> Maven exits (measured end)", end, t[0]);
    }

    private void put(String k, Double a, Double b) {
        if (a != null && b != null) {
            phases.put(k, b - a);
        }
    }

    /** The most test classes running at once (their Running -> Tests run intervals). */
    private static int maxOverlap(Collection<double[]> intervals) {
        int best = 0;
        for (double[] i : intervals) {
            int n = 0;
            for (double[] j : intervals) {
                if (j[0] <= i[0] && i[0] < j[1] || j == i) {
                    n++;
                }
            }
            best = Math.max(best, n);
        }
        return best;
    }

    /** The breakdown of the last run of the named `mvn -o test` measurement; nothing when it did not run. */
    static void breakdown(RunData run, Output out, String title, String name) throws IOException {
        double[] t = run.one(name);
        if (t == null) {
            return;
        }
        List<String> log = run.lines("suite/" + name + ".log");
        MavenLog m = log.isEmpty() ? null : new MavenLog(log, t);
        out.p(f("\n**%s** (`%s`): %s, exit %d", title, name, s(t[0]), (int) t[1]));
        if (m == null) {
            return;
        }
        if (!m.phases.isEmpty()) {
            out.p("");
            out.p("| phase | seconds |\n|---|---|");
            m.phases.forEach((k, v) -> out.p(f("| %s | %.1f |", k, v)));
        }
        if (!m.readies.isEmpty()) {
            out.p("\nRuntime JVMs ready in (the extension's own timing, image resolve and probe not included): "
                    + String.join(", ", m.readies));
        }
        if (!m.classTimes.isEmpty()) {
            List<String> parts = new ArrayList<>();
            m.classTimes.forEach((k, v) -> parts.add(f("%s %.2f", k, v)));
            out.p("\nPer class, in the order they ran (Surefire's time, s; the first class of an architecture includes"
                    + " its runtime's start): " + String.join(", ", parts));
            out.p(f("\nTest classes running at the same time (from Surefire's Running/Tests run lines): at most %d.",
                    maxOverlap(m.intervals.values())));
        }
    }
}
