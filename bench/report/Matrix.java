package report;

import static report.Fmt.f;
import static report.Fmt.s;
import static report.Fmt.yes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Figure 4, matrix: the suite on every measured architecture in one `mvn -o test` (matrix,
 * matrix.exec, matrix.multi; matrix.sequential for the breakdown), each against the sum of the
 * single-architecture runs (suite.ARCH).
 */
final class Matrix {

    private Matrix() {
    }

    static void report(RunData run, Output out) throws IOException {
        if (run.one("matrix") == null && run.one("matrix.exec") == null) {
            return;
        }
        List<String> arches = run.arches();
        double sum = 0;
        boolean all = true;
        List<String> parts = new ArrayList<>();
        for (String a : arches) {
            double[] t = run.medianRun("suite." + a);
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
        row(run, out, "4a. matrix " + what + ", per-arch classes, parallel classes (config)", "matrix", sum, all, base);
        row(run, out, "4b. matrix " + what + ", per-arch classes, @Execution(CONCURRENT)", "matrix.exec", sum, all, base);
        row(run, out, "4c. matrix " + what + ", the extension's own @RunsOn({...})", "matrix.multi", sum, all, base);
        out.h("Figure 4: matrix");
        String riscv = run.meta.get("riscv64");
        if (riscv != null) {
            out.p("riscv64: " + riscv + "\n");
        }
        out.p("4a: per-architecture copies of the 5 classes, one `mvn -o test`, junit.jupiter.execution.parallel.enabled=true"
                + " with mode.classes.default=concurrent (fixed parallelism " + run.meta.getOrDefault("matrix_parallelism", "?")
                + "). 4b: the same with @Execution(CONCURRENT) on each class and @Execution(SAME_THREAD) on each method."
                + " 4c: 5 classes annotated with every architecture at once (the extension's matrix, class templates),"
                + " no parallel execution configured. The baseline of each is the sum of the single-architecture runs"
                + " (each a 100-test `mvn -o test`, the s390x one is figure 3's).");
        MavenLog.breakdown(run, out, "4a: parallel classes as configured", "matrix");
        MavenLog.breakdown(run, out, "4b: @Execution(CONCURRENT) on the classes", "matrix.exec");
        MavenLog.breakdown(run, out, "sequential: the same classes, no parallel execution", "matrix.sequential");
        MavenLog.breakdown(run, out, "4c: @RunsOn({...}) with every architecture", "matrix.multi");
        for (String a : arches) {
            if (!a.equals("s390x")) {
                MavenLog.breakdown(run, out, "single architecture " + a, "suite." + a);
            }
        }
    }

    /** One matrix measurement's row against the sum of the single runs; none when it did not run. */
    private static void row(RunData run, Output out, String label, String name, double sum, boolean all, String base) {
        double[] m = run.one(name);
        if (m == null) {
            return;
        }
        boolean ok = all && m[1] == 0;
        out.row(label, s(m[0]) + (m[1] == 0 ? "" : " (FAILED)"), base, ok ? f("%.2fx", m[0] / sum) : "", "<= 0.5x the sum",
                yes(ok && m[0] / sum <= 0.5));
        List<String> names = new ArrayList<>(List.of(name));
        run.arches().forEach(a -> names.add("suite." + a));
        out.noise(run.busy(names.toArray(new String[0])));
    }
}
