import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bench/run.sh's report: reads the raw measurements of one run (bench/work/run) and prints
 * the table of figures, baselines, ratios and targets, with a breakdown of where the time
 * goes; writes the same as Markdown. Run as a source file: {@code java bench/Report.java RUN OUT.md}.
 */
public class Report {

    static final double MIB = 1024.0 * 1024.0;
    final Path run;
    final Map<String, String> meta = new LinkedHashMap<>();
    final Map<String, List<double[]>> times = new LinkedHashMap<>(); // name -> [seconds, rc, t0ms]
    final List<String[]> table = new ArrayList<>();
    final StringBuilder details = new StringBuilder();
    final java.util.TreeSet<Long> busyAt = new java.util.TreeSet<>(); // epoch seconds when others' work was seen

    Report(Path run) {
        this.run = run;
    }

    public static void main(String[] args) throws IOException {
        Report r = new Report(Path.of(args[0]));
        r.load();
        r.figure1();
        r.figure2();
        r.figure3();
        r.figure4();
        r.figure5();
        String md = r.markdown();
        Files.writeString(Path.of(args[1]), md, StandardCharsets.UTF_8);
        System.out.println(r.text());
    }

    // ---- input ----------------------------------------------------------------------------

    void load() throws IOException {
        for (String line : lines(run.resolve("meta.tsv"))) {
            String[] f = line.split("\t", 2);
            if (f.length == 2) {
                meta.put(f[0], f[1]);
            }
        }
        java.util.Set<String> busySeconds = new java.util.TreeSet<>();
        java.util.Set<String> jvms = new java.util.TreeSet<>(), containers = new java.util.TreeSet<>();
        List<String> binfmt = new ArrayList<>();
        for (String line : lines(run.resolve("interference.tsv"))) {
            String[] f = line.split("\t", 3);
            if (f.length == 3) {
                if (f[1].equals("binfmt")) {
                    binfmt.add(Instant.ofEpochSecond(Long.parseLong(f[0])) + " " + f[2].trim());
                } else {
                    busySeconds.add(f[0]);
                    busyAt.add(Long.parseLong(f[0]));
                    (f[1].equals("jvm") ? jvms : containers).addAll(Arrays.asList(f[2].trim().split("\\s+")));
                }
            }
        }
        if (!busySeconds.isEmpty()) {
            meta.put("WARNING", f("work of others ran on this machine during about %d s of the measurements (%d JVMs,"
                    + " %d containers not started by this run): the figures are skewed (2 cores)",
                    busySeconds.size() * 2, jvms.size(), containers.size()));
        }
        if (!binfmt.isEmpty()) {
            meta.put("WARNING (binfmt)", "the emulator registrations changed during the run (another tool or test"
                    + " suite): " + String.join("; ", binfmt));
        }
        for (String line : lines(run.resolve("times.tsv"))) {
            String[] f = line.split("\t");
            if (f.length >= 3) {
                times.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new double[] {
                        Double.parseDouble(f[1]), Double.parseDouble(f[2]), f.length > 3 ? Double.parseDouble(f[3]) : 0});
            }
        }
    }

    static List<String> lines(Path p) throws IOException {
        return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : List.of();
    }

    /** One Bench events file: the JVM line and the rows of each request. */
    record Row(int req, boolean test, String name, long start, long end, String status) {
        double ms() {
            return (end - start) / 1000.0;
        }
    }

    record Events(long pid, long jvmStartUs, long mainUs, List<Row> rows) {
        List<Row> tests(int req) {
            return rows.stream().filter(r -> r.req == req && r.test).sorted(Comparator.comparingLong(Row::start)).toList();
        }

        /** The outermost class container of a request (a @RunsOn class is a class template: its [arch]
         *  invocation is a class container too, nested in the template's). */
        Row clazz(int req) {
            return rows.stream().filter(r -> r.req == req && !r.test).min(Comparator.comparingLong(Row::start))
                    .orElse(null);
        }

        boolean ok(int req) {
            return !tests(req).isEmpty() && tests(req).stream().allMatch(r -> r.status.equals("SUCCESSFUL"));
        }
    }

    Events events(Path p) throws IOException {
        long pid = 0, jvm = 0, main = 0;
        List<Row> rows = new ArrayList<>();
        for (String line : lines(p)) {
            String[] f = line.split("\t");
            if (f[0].equals("jvm")) {
                pid = Long.parseLong(f[1]);
                jvm = Long.parseLong(f[4]);
                main = Long.parseLong(f[5]);
            } else if (f[0].equals("req")) {
                rows.add(new Row(Integer.parseInt(f[1]), f[2].equals("T"), f[3], Long.parseLong(f[4]), Long.parseLong(f[5]), f[6]));
            }
        }
        return rows.isEmpty() ? null : new Events(pid, jvm, main, rows);
    }

    // ---- statistics ----------------------------------------------------------------------

    static double median(List<Double> v) {
        return percentile(v, 50);
    }

    static double percentile(List<Double> v, double p) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (p == 50) {
            return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * a.length); // nearest rank
        return a[Math.max(0, Math.min(a.length - 1, rank - 1))];
    }

    List<Double> okSeconds(String name) {
        return times.getOrDefault(name, List.of()).stream().filter(t -> t[1] == 0).map(t -> t[0]).toList();
    }

    /** The median of a repeated measurement, with exit code 0 only if every run succeeded. */
    double[] medianRun(String name) {
        List<double[]> l = times.get(name);
        if (l == null || l.isEmpty()) {
            return null;
        }
        boolean allOk = l.stream().allMatch(r -> r[1] == 0);
        return new double[] {median(okSeconds(name)), allOk ? 0 : 1};
    }

    double[] one(String name) {
        List<double[]> l = times.get(name);
        return l == null || l.isEmpty() ? null : l.get(l.size() - 1);
    }

    static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }

    static String s(double seconds) {
        return Double.isNaN(seconds) ? "n/a" : f("%.1f s", seconds);
    }

    void row(String figure, String harness, String baseline, String ratio, String target, String met) {
        table.add(new String[] {figure, harness, baseline, ratio, target, met});
    }

    /** About how many seconds others' work was seen on the machine during the named measurements. */
    int busy(String... names) {
        int n = 0;
        for (String name : names) {
            for (double[] t : times.getOrDefault(name, List.of())) {
                if (t[2] > 0) {
                    long from = (long) (t[2] / 1000), to = (long) Math.ceil(t[2] / 1000 + t[0]);
                    n += busyAt.subSet(from, true, to, true).size();
                }
            }
        }
        return n * 2; // sampled every ~2 s
    }

    /** The last row's "met", with a note when others' work ran during its measurements. */
    void noise(String... names) {
        int b = busy(names);
        if (b > 0 && !table.isEmpty()) {
            String[] r = table.get(table.size() - 1);
            r[5] = r[5] + f(" (others busy ~%d s during it)", b);
        }
    }

    static String yes(boolean b) {
        return b ? "yes" : "NO";
    }

    void h(String title) {
        details.append("\n### ").append(title).append("\n\n");
    }

    void p(String text) {
        details.append(text).append("\n");
    }

    // ---- figure 1 ------------------------------------------------------------------------

    void figure1() throws IOException {
        List<Double> floor = okSeconds("cold.floor");
        List<Double> console = okSeconds("cold.console");
        List<Double> harness = new ArrayList<>();
        Map<String, List<Double>> phases = new LinkedHashMap<>();
        Map<String, List<Double>> traces = new LinkedHashMap<>();
        List<Double> jvmWall = okSeconds("cold.harness.jvm");
        int runs = times.getOrDefault("cold.harness.jvm", List.of()).size();
        if (runs == 0 && floor.isEmpty()) {
            row("1. Cold start, 1 test on s390x", "not measured", "", "", "", "");
            return;
        }
        for (int i = 1; i <= runs; i++) {
            Events e = events(run.resolve("cold/harness-" + i + ".events.tsv"));
            if (e == null || !e.ok(1)) {
                continue;
            }
            Row c = e.clazz(1);
            Row t = e.tests(1).get(0);
            harness.add((t.end - c.start) / 1e6);
            Map<String, Long> at = new LinkedHashMap<>();
            at.put("host JVM start", e.jvmStartUs);
            at.put("Bench main", e.mainUs);
            at.put("class started", c.start);
            e.rows.stream().filter(r -> r.req == 1 && !r.test && r.start > c.start).findFirst()
                    .ifPresent(inv -> at.put("class template invocation [s390x] started", inv.start));
            for (String line : lines(run.resolve("cold/harness-" + i + ".docker.tsv"))) {
                String[] f = line.split("\t");
                if (f.length >= 4 && f[3].equals(Long.toString(e.pid))) {
                    at.putIfAbsent(f[2] + " " + f[1], Long.parseLong(f[0]) / 1000);
                }
            }
            for (String line : lines(run.resolve("cold/harness-" + i + ".err.tsv"))) {
                String[] f = line.split("\t", 2);
                if (f.length == 2 && f[1].contains("JVM ready in")) {
                    at.putIfAbsent("remote JVM ready (agent connected, HELLO)", Long.parseLong(f[0]));
                }
                Matcher m = f.length == 2 ? TRACE.matcher(f[1]) : null;
                if (m != null && m.find()) {
                    traces.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(Double.parseDouble(m.group(2)) / 1000);
                }
            }
            at.put("test started (remote class at its first test: READY)", t.start);
            at.put("test finished (RESULT)", t.end);
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
        row("1a. cold start, 1 test, s390x" + n, s(hm),
                "java -version, fresh container: " + s(fm), f("%.1fx the floor", hm / fm), "<= 3x the floor",
                yes(hm / fm <= 3));
        noise("cold.harness.jvm", "cold.floor");
        row("1b. cold start vs the naive way" + n, s(hm),
                "console launcher, fresh container: " + s(cm), f("%.2fx faster", cm / hm), ">= 1.5x faster",
                yes(cm / hm >= 1.5));
        noise("cold.harness.jvm", "cold.console");
        h("Figure 1: cold start (s390x, one trivial test)");
        p(f("- harness, class start -> test result: %s (runs: %s)", s(hm), list(harness)));
        p(f("- whole fresh host JVM (java ... bench.Bench, start to exit): %s (runs: %s)", s(median(jvmWall)), list(jvmWall)));
        p(f("- floor, `docker run --rm --platform linux/s390x multiarch-jre:17-s390x java -version`: %s (runs: %s)", s(fm), list(floor)));
        p(f("- console launcher 6.1.3 in a fresh s390x container, test classes mounted: %s (runs: %s)", s(cm), list(console)));
        List<Double> first = okSeconds("cold.first");
        if (!first.isEmpty()) {
            Events fe = events(run.resolve("cold/first.events.tsv"));
            String firstClass = fe != null && fe.ok(1) ? s((fe.tests(1).get(0).end - fe.clazz(1).start) / 1e6) : "n/a";
            p(f("- the same host JVM the very first time, with no class-data archive yet (it makes one in the background"
                    + " for later runs, and its exit waits for it): class start -> test result %s, start to exit %s."
                    + " The runs above map that archive.", firstClass, s(median(first))));
        }
        p("\nWhere the harness's cold start goes (median over the runs, events in time order; docker events of the"
                + " host JVM's containers, the extension's stderr, and the JUnit listener):\n");
        p("| from -> to | seconds |\n|---|---|");
        phases.forEach((k, v) -> p(f("| %s | %.2f |", k, median(v))));
        List<Double> nocds = new ArrayList<>(), cds = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            for (String kind : List.of("nocds", "cds")) {
                Events c = events(run.resolve("cold/" + kind + "-" + i + ".events.tsv"));
                if (c != null && c.ok(1)) {
                    (kind.equals("cds") ? cds : nocds).add((c.clazz(1).end - c.jvmStartUs) / 1e6);
                }
            }
        }
        if (!nocds.isEmpty()) {
            p(f("\nA lever, measured: JUnit's first run of the one-test class in a fresh s390x JVM (JVM start -> class"
                    + " finished; what opening the remote class waits for), with the agent's JVM flags: %s (runs: %s);"
                    + " with an application CDS archive of the same class path (-XX:SharedArchiveFile, made once with"
                    + " -XX:ArchiveClassesAtExit): %s (runs: %s).", s(median(nocds)), list(nocds),
                    cds.isEmpty() ? "n/a" : s(median(cds)), list(cds)));
        }
        if (!traces.isEmpty()) {
            p("\nThe extension's own account of its steps (-Dmultiarch.trace=true; median, seconds):\n");
            p("| step | seconds |\n|---|---|");
            traces.forEach((k, v) -> p(f("| %s | %.2f |", k, median(v))));
        }
    }

    static final Pattern TRACE = Pattern.compile("\\[multiarch\\] trace: (.+) took (\\d+) ms");

    static String list(List<Double> v) {
        return String.join(", ", v.stream().map(d -> f("%.2f", d)).toList());
    }

    // ---- figure 2 ------------------------------------------------------------------------

    record Stats(int n, double median, double p95, double mean, double perTestWhole, double first) {
    }

    static Stats stats(Events e, int req) {
        if (e == null || !e.ok(req)) {
            return null;
        }
        List<Row> tests = e.tests(req);
        List<Double> ms = tests.subList(1, tests.size()).stream().map(Row::ms).toList();
        Row c = e.clazz(req);
        return new Stats(ms.size(), median(ms), percentile(ms, 95), ms.stream().mapToDouble(d -> d).average().orElse(0),
                c == null ? Double.NaN : (c.end - c.start) / 1000.0 / tests.size(), tests.get(0).ms());
    }

    void figure2() throws IOException {
        Events host = events(run.resolve("warm/host.events.tsv"));
        Events remote = events(run.resolve("warm/remote.events.tsv"));
        Stats h1 = stats(host, 2), h2 = stats(host, 3), n1 = stats(host, 4), n2 = stats(host, 5);
        Stats r1 = stats(remote, 2), r2 = stats(remote, 3);
        if (h1 == null) {
            row("2. warm overhead per test, s390x", "not measured (see bench/work/run/warm/host.log)",
                    "", "", "<= 15 ms median", "NO");
            return;
        }
        row("2. warm overhead per test, s390x: median (p95)",
                f("%.1f ms (p95 %.1f)", h1.median, h1.p95),
                r1 == null ? "not measured" : f("JUnit alone in a warm s390x JVM: %.1f ms (p95 %.1f)",
                        r1.median, r1.p95),
                r1 == null ? "" : f("%.1fx", h1.median / r1.median), "<= 15 ms median", yes(h1.median <= 15));
        noise("warm.host.jvm", "warm.remote.jvm");
        h("Figure 2: warm overhead per test (200 empty tests, host-side executionStarted -> executionFinished)");
        p("The tests are empty, so the whole host-side duration of a test is the harness's cost on top of the body."
                + " The runtime was started by one 1-test class before; each round is one run of the 200-test class"
                + " (a fresh remote session in the same warm runtime).\n");
        p("| what | tests | median ms | p95 ms | mean ms | class time / test, ms | first test ms |");
        p("|---|---|---|---|---|---|---|");
        statRow("harness, s390x, round 1 (judged)", h1);
        statRow("harness, s390x, round 2", h2);
        statRow("JUnit alone in a warm s390x JVM (agent's JVM flags), round 1", r1);
        statRow("JUnit alone in a warm s390x JVM, round 2", r2);
        statRow("JUnit natively on the host (no annotation), round 1", n1);
        statRow("JUnit natively on the host, round 2", n2);
        if (r1 != null) {
            p(f("\nOf the harness's median %.1f ms per test in round 1, about %.1f ms is JUnit's own work in the emulated JVM"
                    + " (the baseline) and the rest, %.1f ms, is the round trip: RUN frame, the remote gate (a condition"
                    + " evaluated per test), result encoding, RESULT frame, and the host's own JUnit.",
                    h1.median, r1.median, h1.median - r1.median));
        }
    }

    void statRow(String name, Stats s) {
        if (s == null) {
            p("| " + name + " | not measured | | | | | |");
        } else {
            p(f("| %s | %d | %.2f | %.2f | %.2f | %.2f | %.1f |", name, s.n, s.median, s.p95, s.mean, s.perTestWhole, s.first));
        }
    }

    // ---- figures 3 and 4 ------------------------------------------------------------------

    static final Pattern TS = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d) ");
    static final Pattern CLASS_DONE = Pattern.compile("Tests run: (\\d+), Failures: (\\d+), Errors: (\\d+), Skipped: (\\d+), Time elapsed: ([\\d.,]+) s.* in (\\S+)");
    static final Pattern READY = Pattern.compile("\\[multiarch\\] (\\S+) JVM ready in ([\\d.]+) s");

    /** Phases of one `mvn -o test` log (Maven's timestamps), relative to the measured start. */
    Map<String, Double> mvnPhases(String name, Map<String, Double> classTimes, List<String> readies,
                                  Map<String, double[]> intervals) throws IOException {
        double[] t = one(name);
        List<String> log = lines(run.resolve("suite/" + name + ".log"));
        if (t == null || log.isEmpty()) {
            return null;
        }
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
        Map<String, Double> ph = new LinkedHashMap<>();
        put(ph, "Maven JVM start -> first log line", 0.0, first);
        put(ph, "project model, resources -> compile starts", first, compile);
        put(ph, "compile (main, empty) + test resources -> testCompile starts", compile, testCompile);
        put(ph, "testCompile -> surefire starts", testCompile, surefire);
        put(ph, "surefire: fork JVM, discovery -> first class running", surefire, running);
        put(ph, "test classes (first running -> last class result)", running, lastDone);
        put(ph, "last class result -> BUILD SUCCESS line", lastDone, end);
        put(ph, "-> Maven exits (measured end)", end, t[0]);
        return ph;
    }

    static int maxOverlap(java.util.Collection<double[]> intervals) {
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

    static void put(Map<String, Double> ph, String k, Double a, Double b) {
        if (a != null && b != null) {
            ph.put(k, b - a);
        }
    }

    void suiteDetail(String title, String name) throws IOException {
        double[] t = one(name);
        if (t == null) {
            return;
        }
        Map<String, Double> classes = new LinkedHashMap<>();
        List<String> readies = new ArrayList<>();
        Map<String, double[]> intervals = new LinkedHashMap<>();
        Map<String, Double> ph = mvnPhases(name, classes, readies, intervals);
        p(f("\n**%s** (`%s`): %s, exit %d", title, name, s(t[0]), (int) t[1]));
        if (ph != null && !ph.isEmpty()) {
            p("");
            p("| phase | seconds |\n|---|---|");
            ph.forEach((k, v) -> p(f("| %s | %.1f |", k, v)));
        }
        if (!readies.isEmpty()) {
            p("\nRuntime JVMs ready in (the extension's own timing, image resolve and probe not included): "
                    + String.join(", ", readies));
        }
        if (!classes.isEmpty()) {
            List<String> parts = new ArrayList<>();
            classes.forEach((k, v) -> parts.add(f("%s %.2f", k, v)));
            p("\nPer class, in the order they ran (Surefire's time, s; the first class of an architecture includes"
                    + " its runtime's start): " + String.join(", ", parts));
            p(f("\nTest classes running at the same time (from Surefire's Running/Tests run lines): at most %d.",
                    maxOverlap(intervals.values())));
        }
    }

    void figure3() throws IOException {
        double[] h = medianRun("suite.s390x"), c = medianRun("suite.container"), n = medianRun("suite.native");
        if (h == null && c == null) {
            return;
        }
        boolean ok = h != null && c != null && h[1] == 0 && c[1] == 0;
        int rounds = times.getOrDefault("suite.s390x", List.of()).size();
        row("3. whole suite, 100 tests, s390x" + (rounds > 1 ? f(" (median of %d)", rounds) : ""),
                h == null ? "not measured" : s(h[0]) + (h[1] == 0 ? "" : " (FAILED)"),
                c == null ? "not measured" : "mvn -o test inside an s390x container: " + s(c[0])
                        + (c[1] == 0 ? "" : " (FAILED)"),
                ok ? f("%.2fx faster", c[0] / h[0]) : "", ">= 4x faster", yes(ok && c[0] / h[0] >= 4));
        noise("suite.s390x", "suite.container");
        h("Figure 3: whole suite (where the time goes, from Maven's timestamps)");
        p(f("Runs, interleaved: harness %s; container %s; native %s. The breakdowns below are of the last round.",
                list(okSeconds("suite.s390x")), list(okSeconds("suite.container")), list(okSeconds("suite.native"))));
        suiteDetail("harness: host Maven, @RunsOn(\"s390x\") on each class", "suite.s390x");
        suiteDetail("baseline: Maven and JDK inside a linux/s390x container (" + meta.getOrDefault("mvn_image", "") + ")",
                "suite.container");
        suiteDetail("reference: the same project natively on the host, no emulation", "suite.native");
        if (n != null && h != null) {
            p(f("\nThe harness adds %.1f s to the native build for 100 tests on s390x.", h[0] - n[0]));
        }
    }

    void figure4() throws IOException {
        if (one("matrix") == null && one("matrix.exec") == null) {
            return;
        }
        List<String> arches = Arrays.asList(meta.getOrDefault("arches", "").trim().split("\\s+"));
        double sum = 0;
        boolean all = true;
        List<String> parts = new ArrayList<>();
        for (String a : arches) {
            double[] t = medianRun("suite." + a);
            if (t == null || t[1] != 0) {
                all = false;
                parts.add(a + " failed/missing");
            } else {
                sum += t[0];
                parts.add(f("%s %.1f", a, t[0]));
            }
        }
        String base = "sum of single runs: " + s(sum) + " (" + String.join(" + ", parts) + ")";
        String what = String.join("+", arches);
        matrixRow("4a. matrix " + what + ", per-arch classes, parallel classes (config)", "matrix", sum, all, base);
        matrixRow("4b. matrix " + what + ", per-arch classes, @Execution(CONCURRENT)", "matrix.exec", sum, all, base);
        matrixRow("4c. matrix " + what + ", the extension's own @RunsOn({...})", "matrix.multi", sum, all, base);
        h("Figure 4: matrix");
        String riscv = meta.get("riscv64");
        if (riscv != null) {
            p("riscv64: " + riscv + "\n");
        }
        p("4a: per-architecture copies of the 5 classes, one `mvn -o test`, junit.jupiter.execution.parallel.enabled=true"
                + " with mode.classes.default=concurrent (fixed parallelism " + meta.getOrDefault("matrix_parallelism", "?")
                + "). 4b: the same with @Execution(CONCURRENT) on each class and @Execution(SAME_THREAD) on each method."
                + " 4c: 5 classes annotated with every architecture at once (the extension's matrix, class templates),"
                + " no parallel execution configured. The baseline of each is the sum of the single-architecture runs"
                + " (each a 100-test `mvn -o test`, the s390x one is figure 3's).");
        suiteDetail("4a: parallel classes as configured", "matrix");
        suiteDetail("4b: @Execution(CONCURRENT) on the classes", "matrix.exec");
        suiteDetail("sequential: the same classes, no parallel execution", "matrix.sequential");
        suiteDetail("4c: @RunsOn({...}) with every architecture", "matrix.multi");
        for (String a : arches) {
            if (!a.equals("s390x")) {
                suiteDetail("single architecture " + a, "suite." + a);
            }
        }
    }

    void matrixRow(String label, String name, double sum, boolean all, String base) {
        double[] m = one(name);
        if (m == null) {
            return;
        }
        boolean ok = all && m[1] == 0;
        row(label, s(m[0]) + (m[1] == 0 ? "" : " (FAILED)"), base, ok ? f("%.2fx", m[0] / sum) : "", "<= 0.6x the sum",
                yes(ok && m[0] / sum <= 0.6));
        List<String> names = new ArrayList<>(List.of(name));
        Arrays.asList(meta.getOrDefault("arches", "").trim().split("\\s+")).forEach(a -> names.add("suite." + a));
        noise(names.toArray(new String[0]));
    }

    // ---- figure 5 ------------------------------------------------------------------------

    void figure5() throws IOException {
        Map<String, double[]> peak = new TreeMap<>(); // phase|purpose -> [rss max, max_usage max, samples]
        for (String line : lines(run.resolve("mem.tsv"))) {
            String[] f = line.split("\t");
            if (f.length < 5 || f[3].isEmpty() || f[4].isEmpty()) {
                continue;
            }
            double[] v = peak.computeIfAbsent(f[0] + "|" + f[1], k -> new double[3]);
            v[0] = Math.max(v[0], Double.parseDouble(f[3]));
            v[1] = Math.max(v[1], Double.parseDouble(f[4]));
            v[2]++;
        }
        if (peak.isEmpty()) {
            return;
        }
        double[] base = peak.get("suite.container|mvn-s390x");
        List<String> arches = Arrays.asList(meta.getOrDefault("arches", "").trim().split("\\s+"));
        for (String a : arches) {
            double[] v = peak.get("suite." + a + "|runtime-" + a);
            if (v == null) {
                row("5. memory, " + a + " runtime, peak RSS", "not measured", "", "", "< 512 MiB", "");
                continue;
            }
            row("5. memory, " + a + " runtime, peak RSS",
                    f("%.0f MiB", v[0] / MIB),
                    base == null ? "" : f("mvn build in s390x container: %.0f MiB", base[0] / MIB),
                    base == null ? "" : f("%.2fx", v[0] / base[0]), "< 512 MiB", yes(v[0] / MIB < 512));
            noise("suite." + a);
        }
        h("Figure 5: memory of the containers (cgroup v1: memory.stat total_rss sampled every 0.5 s; max_usage_in_bytes,"
                + " which also counts the page cache of the image and the mounted jars)");
        p("| phase | container | samples | peak resident MiB | cgroup max usage MiB |\n|---|---|---|---|---|");
        peak.forEach((k, v) -> {
            String[] kp = k.split("\\|");
            if (!kp[1].startsWith("probe")) {
                p(f("| %s | %s | %d | %.0f | %.0f |", kp[0], kp[1], (int) v[2], v[0] / MIB, v[1] / MIB));
            }
        });
    }

    // ---- output --------------------------------------------------------------------------

    String header() {
        StringBuilder sb = new StringBuilder();
        sb.append("Run: ").append(meta.getOrDefault("started", "?")).append(", commit ").append(meta.getOrDefault("commit", "?"))
                .append(", benchmark took ").append(s(Double.parseDouble(meta.getOrDefault("duration_s", "NaN")))).append("\n");
        for (String k : List.of("WARNING", "WARNING (binfmt)", "host", "docker", "host_java", "host_maven", "mvn_image",
                "arches", "riscv64", "binfmt_at_start", "matrix_parallelism")) {
            if (meta.containsKey(k)) {
                sb.append("- ").append(k).append(": ").append(meta.get(k)).append("\n");
            }
        }
        return sb.toString();
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("# multiarch benchmark (issue #5): latest results\n\n");
        sb.append("Produced by `bench/run.sh` (one run, one machine; every baseline measured in the same run).\n\n");
        sb.append(header()).append("\n");
        sb.append("| figure | harness | baseline | ratio | target | met |\n|---|---|---|---|---|---|\n");
        for (String[] r : table) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        sb.append("""

            How each figure is measured (details in bench/README.md): 1, a fresh host JVM runs one
            `@RunsOn("s390x")` class with one trivial test through JUnit's Launcher; the figure is the
            class container's executionStarted to the test's executionFinished (no runtime before; emulator
            registered, image present). 2, 200 empty tests in one class, after a one-test class started the
            runtime; per-test host-side executionStarted -> executionFinished, first test excluded. 3, a
            generated project of 5 classes x 20 trivial tests, `mvn -o test` from a clean target/ on the
            host, against the same project without the annotation built and tested by `mvn -o test` inside a
            linux/s390x container with Maven and a JDK. 4, the suite on every architecture in one
            `mvn -o test` (4a: per-architecture copies of the classes, JUnit's parallel class execution as
            configured; 4b: the same with @Execution(CONCURRENT) on the classes; 4c: the extension's own
            matrix, @RunsOn with every architecture), against the sum of the single-architecture runs. 5, peak resident memory (cgroup total_rss) of each runtime container during its
            single-architecture suite run.
            """);
        sb.append("\n## Breakdown\n").append(details);
        return sb.toString();
    }

    String text() {
        int[] w = new int[6];
        String[] head = {"figure", "harness", "baseline", "ratio", "target", "met"};
        List<String[]> all = new ArrayList<>();
        all.add(head);
        all.addAll(table);
        for (String[] r : all) {
            for (int i = 0; i < 6; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder("\n").append(header()).append("\n");
        for (String[] r : all) {
            for (int i = 0; i < 6; i++) {
                sb.append(String.format("%-" + w[i] + "s", r[i])).append(i < 5 ? " | " : "\n");
            }
            if (r == head) {
                for (int i = 0; i < 6; i++) {
                    sb.append("-".repeat(w[i])).append(i < 5 ? "-+-" : "\n");
                }
            }
        }
        sb.append("\n").append(details);
        return sb.toString();
    }
}
