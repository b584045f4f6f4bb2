package report;

import static report.Fmt.f;
import static report.Fmt.s;
import static report.Fmt.yes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figure 7, the real third-party suite: what bench/real-suite.sh wrote (its results file, meta
 * real_suite_results; times.tsv real.suite: its wall time and exit code), read, not measured
 * again: the s390x leg's `mvn test` wall time against the native leg's, against the whole build
 * inside an s390x container when REAL_SUITE_CONTAINER=1 ran it, and the runtime's peak memory.
 */
final class RealSuite {

    private static final Pattern TITLE = Pattern.compile("real-suite\\.sh: (.+), natively and on (\\S+)");
    private static final Pattern MEMORY = Pattern.compile("^runtime memory\\s+(\\d+) MiB resident at most.*?(\\d+) MiB cgroup peak");
    private static final Pattern DIFFERENCES = Pattern.compile("^differences: (\\d+) \\((\\d+) explained.*?(\\d+) unexplained");
    private static final String CONTAINER = "## The whole build inside an s390x container";

    private RealSuite() {
    }

    /** The two values of a row of real-suite.sh's comparison table ("name   left   right"), from line {@code from} on. */
    private static String[] values(List<String> lines, int from, String name) {
        for (int i = Math.max(0, from); i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith(name + " ")) {
                String[] t = l.substring(name.length()).trim().split("\\s+");
                return t.length == 2 ? t : null;
            }
        }
        return null;
    }

    private static double num(String[] v, int i) {
        try {
            return v == null ? Double.NaN : Double.parseDouble(v[i]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    static void report(RunData run, Output out) throws IOException {
        double[] t = run.one("real.suite");
        if (t == null) {
            return; // not requested
        }
        int rc = (int) t[1];
        String file = run.meta.getOrDefault("real_suite_results", "");
        List<String> lines = file.isEmpty() ? List.of() : RunData.lines(Path.of(file));
        if (lines.isEmpty()) {
            out.row("7. real suite (bench/real-suite.sh)", f("not measured (exit %d: see bench/work/run/real-suite.log)", rc),
                    "", "", "<= 3x native; >= 8x faster than the container build; <= 256 MiB", "NO");
            return;
        }
        Matcher title = TITLE.matcher(lines.get(0));
        boolean named = title.find();
        String suite = named ? title.group(1) : "?", arch = named ? title.group(2) : "s390x";
        int container = -1; // the line of the container section's heading
        for (int i = 0; i < lines.size() && container < 0; i++) {
            container = lines.get(i).startsWith(CONTAINER) ? i : -1;
        }
        int legsEnd = container < 0 ? lines.size() : container;
        String[] tests = values(lines.subList(0, legsEnd), 0, "tests");
        String[] wall = values(lines.subList(0, legsEnd), 0, "mvn test, wall (s)");
        double native_ = num(wall, 0), remote = num(wall, 1);
        String exit = rc == 0 ? "" : f(" (real-suite.sh exit %d: %s)", rc, switch (rc) {
            case 1 -> "unexplained differences";
            case 3 -> "no " + arch + " runtime started, every test ran on the host";
            default -> "not run, or the extension jar was replaced during the run";
        });
        String differences = "";
        for (String l : lines) {
            Matcher d = DIFFERENCES.matcher(l);
            if (d.find()) {
                differences = f(", %s differences (%s unexplained)", d.group(1), d.group(3));
                break;
            }
        }
        boolean ok = !Double.isNaN(native_) && !Double.isNaN(remote);
        out.row(f("7a. real suite, %s (%s tests), %s vs native", suite, tests == null ? "?" : tests[1], arch),
                s(remote) + exit, "natively: " + s(native_) + differences, ok ? f("%.2fx native", remote / native_) : "",
                "<= 3x native", yes(ok && rc == 0 && remote / native_ <= 3));
        out.noise(run.busy("real.suite"));

        // the whole build in an s390x container: only when REAL_SUITE_CONTAINER=1 ran it
        String label = "7b. real suite, " + arch + " vs the whole build in an s390x container";
        if (container < 0) {
            out.row(label, s(remote), "not measured (REAL_SUITE_CONTAINER=1 runs it)", "", ">= 8x faster", "not measured");
        } else {
            double built = num(values(lines, container, "mvn test, wall (s)"), 1);
            String note = lines.subList(container, lines.size()).stream().filter(l -> l.startsWith("not measured"))
                    .findFirst().orElse("not measured");
            if (Double.isNaN(built)) {
                out.row(label, s(remote), note.length() > 160 ? note.substring(0, 160) + "..." : note, "", ">= 8x faster",
                        "not measured");
            } else {
                out.row(label, s(remote), "mvn -o test inside an s390x container: " + s(built), f("%.2fx faster", built / remote),
                        ">= 8x faster", yes(ok && built / remote >= 8));
                out.noise(run.busy("real.suite"));
            }
        }

        String memory = lines.stream().filter(l -> l.startsWith("runtime memory")).findFirst().orElse("");
        Matcher m = MEMORY.matcher(memory);
        if (m.find()) {
            int mib = Integer.parseInt(m.group(1));
            out.row("7c. real suite, " + arch + " runtime, peak memory", mib + " MiB resident (VmHWM)",
                    "cgroup peak, page cache included: " + m.group(2) + " MiB", "", "<= 256 MiB", yes(mib <= 256));
        } else {
            out.row("7c. real suite, " + arch + " runtime, peak memory", "not measured"
                    + (memory.isEmpty() ? "" : " (" + memory.replaceFirst("^runtime memory\\s+", "") + ")"), "", "", "<= 256 MiB", "");
        }

        out.h("Figure 7: a real third-party suite (bench/real-suite.sh)");
        out.p(f("bench/real-suite.sh ran for %s (exit %d); its results, %s (the pom edit left out):\n", s(t[0]), rc, file));
        out.p("```");
        for (String l : lines) {
            if (l.startsWith("The pom edit of")) {
                break;
            }
            out.p(l);
        }
        out.p("```");
    }
}
