package report;

import static report.Fmt.f;
import static report.Fmt.yes;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Figure 5, memory: the peak resident memory of each runtime container during its architecture's
 * suite run, against the s390x container build of figure 3 (mem.tsv: PHASE, PURPOSE, ID, RSS,
 * MAX_USAGE in bytes, sampled every 0.5 s during figures 3 and 4).
 */
final class Memory {

    private static final double MIB = 1024.0 * 1024.0;
    private static final String TARGET = "<= 256 MiB";

    private Memory() {
    }

    static void report(RunData run, Output out) throws IOException {
        Map<String, double[]> peak = new TreeMap<>(); // phase|purpose -> [rss max, max_usage max, samples]
        for (String line : run.lines("mem.tsv")) {
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
        for (String a : run.arches()) {
            double[] v = peak.get("suite." + a + "|runtime-" + a);
            if (v == null) {
                out.row("5. memory, " + a + " runtime, peak RSS", "not measured", "", "", TARGET, "");
                continue;
            }
            out.row("5. memory, " + (a.equals("s390x") ? run.s390x() : a) + " runtime, peak RSS",
                    f("%.0f MiB", v[0] / MIB),
                    base == null ? "" : f("mvn build in s390x container: %.0f MiB", base[0] / MIB),
                    base == null ? "" : f("%.2fx", v[0] / base[0]), TARGET, yes(v[0] / MIB <= 256));
            out.noise(run.busy("suite." + a));
        }
        out.h("Figure 5: memory of the containers (cgroup v1: memory.stat total_rss sampled every 0.5 s; max_usage_in_bytes,"
                + " which also counts the page cache of the image and the mounted jars)");
        out.p("| phase | container | samples | peak resident MiB | cgroup max usage MiB |\n|---|---|---|---|---|");
        peak.forEach((k, v) -> {
            String[] kp = k.split("\\|");
            if (!kp[1].startsWith("probe")) {
                out.p(f("| %s | %s | %d | %.0f | %.0f |", kp[0], kp[1], (int) v[2], v[0] / MIB, v[1] / MIB));
            }
        });
    }
}
