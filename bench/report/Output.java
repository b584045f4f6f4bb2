package report;

import static report.Fmt.f;
import static report.Fmt.s;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the figures add: rows of the table (figure, harness, baseline, ratio, target, met) and the
 * breakdown text (Markdown); rendered as Markdown for results/latest.md and as text for stdout.
 */
final class Output {

    private static final String[] HEAD = {"figure", "harness", "baseline", "ratio", "target", "met"};

    private final Map<String, String> meta;
    private final List<String[]> table = new ArrayList<>();
    private final StringBuilder details = new StringBuilder();

    Output(Map<String, String> meta) {
        this.meta = meta;
    }

    void row(String figure, String harness, String baseline, String ratio, String target, String met) {
        table.add(new String[] {figure, harness, baseline, ratio, target, met});
    }

    /** Notes on the last row's "met" that others' work ran for about {@code busySeconds} during it. */
    void noise(int busySeconds) {
        if (busySeconds > 0 && !table.isEmpty()) {
            String[] r = table.get(table.size() - 1);
            r[5] = r[5] + f(" (others busy ~%d s during it)", busySeconds);
        }
    }

    /** A heading of the breakdown. */
    void h(String title) {
        details.append("\n### ").append(title).append("\n\n");
    }

    /** A line of the breakdown. */
    void p(String text) {
        details.append(text).append("\n");
    }

    private String header() {
        StringBuilder sb = new StringBuilder();
        sb.append("Run: ").append(meta.getOrDefault("started", "?")).append(", commit ").append(meta.getOrDefault("commit", "?"))
                .append(", benchmark took ").append(s(Double.parseDouble(meta.getOrDefault("duration_s", "NaN")))).append("\n");
        for (String k : List.of("WARNING", "WARNING (binfmt)", "host", "docker", "host_java", "host_maven", "runtime_image",
                "runtime_java", "jvm_args", "mvn_image",
                "arches", "riscv64", "binfmt_at_start", "matrix_parallelism", "qemu_s390x")) {
            if (meta.containsKey(k)) {
                sb.append("- ").append(k).append(": ").append(meta.get(k)).append("\n");
            }
        }
        return sb.toString();
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("# multiarch benchmark (issues #5 and #13): latest results\n\n");
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
            matrix, @RunsOn with every architecture), against the sum of the single-architecture runs. 5, peak
            resident memory (cgroup total_rss) of each runtime container during its single-architecture suite
            run. 6, a CPU-bound test (SHA-256 of 64 MiB, 3 rounds per class) in an `@RunsOn("s390x")` class
            against the same test in a plain class of the same host JVM, each round the host JUnit's test
            duration; the QEMU that ran it is named. 7 (opt-in), bench/real-suite.sh's Apache Commons Text
            suite: `mvn test` on s390x against natively, against the whole build inside an s390x container
            (REAL_SUITE_CONTAINER=1), and the runtime's peak memory.
            """);
        sb.append("\n## Breakdown\n").append(details);
        return sb.toString();
    }

    /** The table with padded columns, then the breakdown. */
    String text() {
        int[] w = new int[6];
        List<String[]> all = new ArrayList<>();
        all.add(HEAD);
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
            if (r == HEAD) {
                for (int i = 0; i < 6; i++) {
                    sb.append("-".repeat(w[i])).append(i < 5 ? "-+-" : "\n");
                }
            }
        }
        sb.append("\n").append(details);
        return sb.toString();
    }
}
