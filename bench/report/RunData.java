package report;

import static report.Fmt.f;
import static report.Fmt.median;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw measurements of one run, as run.sh writes them to bench/work/run: meta.tsv (KEY, VALUE),
 * times.tsv (NAME, SECONDS, RC, START_MS; one line per timed run), interference.tsv (EPOCH_S,
 * jvm|container|binfmt, WHAT: others' work seen on the machine), and the per-figure files the
 * figures read through {@link #lines} and {@link #events}.
 */
final class RunData {

    final Path dir;
    final Map<String, String> meta = new LinkedHashMap<>();
    final Map<String, List<double[]>> times = new LinkedHashMap<>(); // name -> [seconds, rc, t0ms]
    final TreeSet<Long> busyAt = new TreeSet<>(); // epoch seconds when others' work was seen

    private RunData(Path dir) {
        this.dir = dir;
    }

    static RunData load(Path dir) throws IOException {
        RunData d = new RunData(dir);
        for (String line : lines(dir.resolve("meta.tsv"))) {
            String[] f = line.split("\t", 2);
            if (f.length == 2) {
                d.meta.put(f[0], f[1]);
            }
        }
        Set<String> busySeconds = new TreeSet<>();
        Set<String> jvms = new TreeSet<>(), containers = new TreeSet<>();
        List<String> binfmt = new ArrayList<>();
        for (String line : lines(dir.resolve("interference.tsv"))) {
            String[] f = line.split("\t", 3);
            if (f.length == 3) {
                if (f[1].equals("binfmt")) {
                    binfmt.add(Instant.ofEpochSecond(Long.parseLong(f[0])) + " " + f[2].trim());
                } else {
                    busySeconds.add(f[0]);
                    d.busyAt.add(Long.parseLong(f[0]));
                    (f[1].equals("jvm") ? jvms : containers).addAll(Arrays.asList(f[2].trim().split("\\s+")));
                }
            }
        }
        if (!busySeconds.isEmpty()) {
            d.meta.put("WARNING", f("work of others ran on this machine during about %d s of the measurements (%d JVMs,"
                    + " %d containers not started by this run): the figures are skewed (2 cores)",
                    busySeconds.size() * 2, jvms.size(), containers.size()));
        }
        if (!binfmt.isEmpty()) {
            d.meta.put("WARNING (binfmt)", "the emulator registrations changed during the run (another tool or test"
                    + " suite): " + String.join("; ", binfmt));
        }
        for (String line : lines(dir.resolve("times.tsv"))) {
            String[] f = line.split("\t");
            if (f.length >= 3) {
                d.times.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new double[] {
                        Double.parseDouble(f[1]), Double.parseDouble(f[2]), f.length > 3 ? Double.parseDouble(f[3]) : 0});
            }
        }
        return d;
    }

    /** The lines of a file, none when it does not exist. */
    static List<String> lines(Path p) throws IOException {
        return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : List.of();
    }

    /** The lines of a file of the run (a path relative to it). */
    List<String> lines(String file) throws IOException {
        return lines(dir.resolve(file));
    }

    /** A Bench events file of the run, null when it has no rows. */
    Events events(String file) throws IOException {
        return Events.read(dir.resolve(file));
    }

    /** "s390x, JDK 25.0.5": s390x with the Java version of its runtime image (meta "runtime_java",
     *  BENCH_JAVA); just "s390x" when the run did not record it. */
    String s390x() {
        Matcher m = Pattern.compile("version \"([^\"]+)\"").matcher(meta.getOrDefault("runtime_java", ""));
        return m.find() ? "s390x, JDK " + m.group(1) : "s390x";
    }

    /** The list of the arches run.sh measured (meta "arches"). */
    List<String> arches() {
        return Arrays.asList(meta.getOrDefault("arches", "").trim().split("\\s+"));
    }

    /** How many times the named measurement ran. */
    int runs(String name) {
        return times.getOrDefault(name, List.of()).size();
    }

    /** The seconds of the named measurement's successful runs. */
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

    /** The last run of the named measurement: [seconds, rc, t0ms], or null. */
    double[] one(String name) {
        List<double[]> l = times.get(name);
        return l == null || l.isEmpty() ? null : l.get(l.size() - 1);
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
}
