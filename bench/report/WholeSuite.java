package report;

import static report.Fmt.f;
import static report.Fmt.list;
import static report.Fmt.s;
import static report.Fmt.yes;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figure 3, whole suite: the generated 100-test project with @RunsOn("s390x"), host `mvn -o test`
 * (suite.s390x), against the same project built inside an s390x container (suite.container), with
 * the native build as a reference (suite.native); interleaved rounds, medians.
 */
final class WholeSuite {

    private WholeSuite() {
    }

    /** " (JDK 17.0.19)": the Java of the baseline's Maven image (meta "mvn_image"), or "". */
    private static String containerJdk(RunData run) {
        Matcher m = Pattern.compile("Java version: (\\S+)").matcher(run.meta.getOrDefault("mvn_image", ""));
        return m.find() ? " (JDK " + m.group(1) + ")" : "";
    }

    static void report(RunData run, Output out) throws IOException {
        double[] h = run.medianRun("suite.s390x"), c = run.medianRun("suite.container"), n = run.medianRun("suite.native");
        if (h == null && c == null) {
            return;
        }
        boolean ok = h != null && c != null && h[1] == 0 && c[1] == 0;
        int rounds = run.runs("suite.s390x");
        out.row("3. whole suite, 100 tests, " + run.s390x() + (rounds > 1 ? f(" (median of %d)", rounds) : ""),
                h == null ? "not measured" : s(h[0]) + (h[1] == 0 ? "" : " (FAILED)"),
                c == null ? "not measured" : "mvn -o test inside an s390x container" + containerJdk(run) + ": " + s(c[0])
                        + (c[1] == 0 ? "" : " (FAILED)"),
                ok ? f("%.2fx faster", c[0] / h[0]) : "", ">= 6x faster", yes(ok && c[0] / h[0] >= 6));
        out.noise(run.busy("suite.s390x", "suite.container"));
        out.h("Figure 3: whole suite (where the time goes, from Maven's timestamps)");
        out.p(f("Runs, interleaved: harness %s; container %s; native %s. The breakdowns below are of the last round.",
                list(run.okSeconds("suite.s390x")), list(run.okSeconds("suite.container")), list(run.okSeconds("suite.native"))));
        MavenLog.breakdown(run, out, "harness: host Maven, @RunsOn(\"s390x\") on each class", "suite.s390x");
        MavenLog.breakdown(run, out, "baseline: Maven and JDK inside a linux/s390x container ("
                + run.meta.getOrDefault("mvn_image", "") + ")", "suite.container");
        MavenLog.breakdown(run, out, "reference: the same project natively on the host, no emulation", "suite.native");
        if (!run.s390x().startsWith("s390x, JDK 17") && run.meta.containsKey("runtime_java")) {
            out.p("\nThe baseline is Maven on the JDK of its own image (" + run.meta.getOrDefault("mvn_image", "?")
                    + ") whatever BENCH_JAVA is; the harness's s390x runtime is " + run.meta.get("runtime_java") + ".");
        }
        if (n != null && h != null) {
            out.p(f("\nThe harness adds %.1f s to the native build for 100 tests on s390x.", h[0] - n[0]));
        }
        mixed(run, out);
    }

    /**
     * Figure 3b: the mixed project (one native class of about 4 s of hashing, then the five s390x
     * classes) with the early start of runtimes (suite.mixed) and without it (suite.mixed.late).
     */
    private static void mixed(RunData run, Output out) throws IOException {
        double[] early = run.medianRun("suite.mixed"), late = run.medianRun("suite.mixed.late");
        if (early == null || late == null) {
            return;
        }
        boolean ok = early[1] == 0 && late[1] == 0;
        int rounds = run.runs("suite.mixed");
        out.row("3b. a mixed project: 1 native class (4 s of hashing), then the 100 s390x tests"
                        + (rounds > 1 ? f(" (median of %d)", rounds) : ""),
                s(early[0]) + (early[1] == 0 ? "" : " (FAILED)"),
                "the same without the early start (-Dmultiarch.docker.early=false): " + s(late[0])
                        + (late[1] == 0 ? "" : " (FAILED)"),
                ok ? f("%.2fx faster", late[0] / early[0]) : "", "(none)", "");
        out.h("Figure 3b: a mixed project, with and without the early start");
        out.p(f("Runs, interleaved with figure 3's: early start %s; without it %s. The breakdowns below are of the"
                + " last round.", list(run.okSeconds("suite.mixed")), list(run.okSeconds("suite.mixed.late"))));
        MavenLog.breakdown(run, out, "with the early start (the runtime starts as the test plan does)", "suite.mixed");
        MavenLog.breakdown(run, out, "without it (the runtime starts when the first s390x class needs it)",
                "suite.mixed.late");
    }
}
