package report;

import static report.Fmt.f;
import static report.Fmt.list;
import static report.Fmt.median;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figure 6, emulation efficiency: the CPU-bound test (bench.Sha64: SHA-256 of 64 MiB, 3
 * repetitions per class) in bench.ShaS390x against bench.ShaPlain natively in the same host JVM,
 * the classes interleaved (cpu/host.events.tsv); each round timed by the host JUnit's test
 * duration. The digest and the JIT settings each round printed (cpu/host.log) show that both
 * sides hashed the same and how; cpu/jit.* is the native rounds again with the emulated JVM's
 * JIT flags (bench/runtime-flags.sh, no SHA intrinsic), for the breakdown; meta qemu_s390x says which QEMU ran it.
 */
final class Emulation {

    /** bench.Sha64's line: the digest and what the JVM it ran in is. */
    private static final Pattern SHA = Pattern.compile(
            "bench: sha256 ([0-9a-f]{64}) os\\.arch=(\\S+) java=(\\S+) TieredStopAtLevel=(\\S+) UseSHA=(\\S+) UseSHA256Intrinsics=(\\S+)");
    private static final Pattern QEMU = Pattern.compile("version (\\d+\\.\\d+)(\\.\\d+)?");

    /** The rounds of one side: seconds of the successful ones, how many did not succeed. */
    private record Rounds(List<Double> seconds, int failed) {
    }

    private Emulation() {
    }

    /** The rounds of the classes of an events file whose name does ({@code s390x}) or does not contain "S390x". */
    private static Rounds rounds(Events e, boolean s390x) {
        List<Double> seconds = new ArrayList<>();
        int failed = 0;
        if (e != null) {
            int reqs = e.rows().stream().mapToInt(Events.Row::req).max().orElse(0);
            for (int req = 1; req <= reqs; req++) {
                Events.Row c = e.clazz(req);
                if (c == null || c.name().contains("S390x") != s390x) {
                    continue;
                }
                for (Events.Row t : e.tests(req)) {
                    if (t.status().equals("SUCCESSFUL")) {
                        seconds.add(t.ms() / 1000);
                    } else {
                        failed++;
                    }
                }
            }
        }
        return new Rounds(seconds, failed);
    }

    static void report(RunData run, Output out) throws IOException {
        if (run.runs("cpu.host.jvm") == 0) {
            return; // not requested
        }
        String qemu = run.meta.getOrDefault("qemu_s390x", "?");
        Matcher qv = QEMU.matcher(qemu);
        String version = qv.find() ? qv.group(1) + (qv.group(2) == null ? "" : qv.group(2)) : null;
        String label = "6. emulation efficiency, SHA-256 of 64 MiB, s390x on "
                + (version == null ? "QEMU (version not read)" : "QEMU " + version);
        Events e = run.events("cpu/host.events.tsv");
        Rounds emu = rounds(e, true), nat = rounds(e, false), ref = rounds(run.events("cpu/jit.events.tsv"), false);
        // every digest printed, per os.arch, and the JIT settings each side ran under
        Map<String, TreeSet<String>> digests = new TreeMap<>(), jit = new TreeMap<>();
        for (String file : List.of("cpu/host.log", "cpu/jit.log")) {
            for (String line : run.lines(file)) {
                Matcher m = SHA.matcher(line);
                if (m.find()) {
                    String side = m.group(2) + (file.equals("cpu/jit.log") ? " (the reference run with the runtime's JIT flags)" : "");
                    digests.computeIfAbsent(side, k -> new TreeSet<>()).add(m.group(1));
                    jit.computeIfAbsent(side, k -> new TreeSet<>()).add(f("java %s, TieredStopAtLevel=%s, UseSHA=%s,"
                            + " UseSHA256Intrinsics=%s", m.group(3), m.group(4), m.group(5), m.group(6)));
                }
            }
        }
        TreeSet<String> all = new TreeSet<>();
        digests.values().forEach(all::addAll);
        boolean same = digests.containsKey("s390x") && digests.keySet().stream().anyMatch(k -> !k.startsWith("s390x"))
                && all.size() == 1;
        double em = median(emu.seconds), nm = median(nat.seconds);
        int n = Math.min(emu.seconds.size(), nat.seconds.size());
        String failures = emu.failed + nat.failed == 0 ? ""
                : f(" (%d of the s390x, %d of the native rounds FAILED: see bench/work/run/cpu/host.log)", emu.failed, nat.failed);
        if (emu.seconds.isEmpty() || nat.seconds.isEmpty()) {
            out.row(label, "not measured" + failures, "", "", "printed per QEMU version", "");
        } else {
            out.row(label + f(" (median of %d rounds)", n), f("%.2f s", em) + failures,
                    f("natively, in the host JVM: %.2f s", nm), f("%.1fx native", em / nm), "printed per QEMU version",
                    (same ? "- (digests equal)" : "NO: the digests differ or one side printed none")
                            + (run.meta.containsKey("qemu_s390x_after") ? " (the s390x entry changed during it)" : ""));
        }
        out.noise(run.busy("cpu.host.jvm"));

        out.h("Figure 6: emulation efficiency (a CPU-bound test: SHA-256 of 64 MiB, 3 rounds per class)");
        out.p("- QEMU: " + qemu);
        String after = run.meta.get("qemu_s390x_after");
        if (after != null) {
            out.p("- the s390x entry changed during the measurement (test suites of others on this machine remove and"
                    + " register emulators); after it: " + after);
        }
        out.p(f("- s390x, `@RunsOn(\"s390x\")` class in the host JVM, each round's host-side test duration: median %s s"
                + " (rounds in order: %s)", f("%.2f", em), list(emu.seconds)));
        out.p(f("- natively, the same test in a plain class of the same host JVM, the classes interleaved: median %s s"
                + " (rounds: %s)", f("%.2f", nm), list(nat.seconds)));
        if (!ref.seconds.isEmpty()) {
            double cm = median(ref.seconds);
            out.p(f("- natively again, with the emulated JVM's JIT (a host JVM with the runtime's JIT flags,"
                    + " bench/runtime-flags.sh, and -XX:-UseSHA256Intrinsics):"
                    + " median %.2f s (rounds: %s); s390x / this: %.1fx, the emulator's own share of the ratio", cm,
                    list(ref.seconds), em / cm));
        }
        digests.forEach((side, d) -> out.p(f("- %s printed the digest %s (%s; UseSHA256Intrinsics is diagnostic: \"?\""
                + " where not unlocked)", side, String.join(", ", d), String.join("; ", jit.get(side)))));
        out.p(same ? "- the digests are equal on every side (and each round asserted bench.Sha64.DIGEST)"
                : "- the digests are NOT equal on both sides, or a side printed none");
        if (run.lines("cpu/host.log").stream().anyMatch(l -> l.contains("making a class-data archive"))) {
            out.p("- NOTE: the runtime made its class-data archive in the background during the s390x rounds (the untimed"
                    + " runs before did not leave one): those rounds shared the CPUs with it");
        }
        out.p("\nThe row's ratio is what a user sees: the host JVM compiles the hashing with C2 and its SHA-256"
                + " intrinsic (the CPU's SHA instructions where it has them), the emulated runtime with its own JIT"
                + " flags (C2 held back: bench/runtime-flags.sh), and its JVM has no SHA-256 intrinsic under QEMU (bench/qemu-versions.sh reads"
                + " UseSHA256Intrinsics=false there). The first round of each side includes compiling the hashing code.");
        qemuVersions(run, out, version);
    }

    /** ", measured DATE" from the first line of qemu-versions.txt, or nothing. */
    private static String when(String first) {
        Matcher m = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC").matcher(first);
        return m.find() ? ", measured " + m.group() : "";
    }

    /** bench/qemu-versions.sh's SHA-256 figure for the same QEMU (major.minor), when its results file has one. */
    private static void qemuVersions(RunData run, Output out, String version) throws IOException {
        String file = run.meta.get("qemu_versions_file");
        if (file == null || version == null) {
            return;
        }
        String mm = version.replaceAll("^(\\d+\\.\\d+).*", "$1");
        List<String> lines = RunData.lines(Path.of(file));
        boolean s390x = false;
        for (String line : lines) {
            String[] cols = line.split("\\|");
            if (cols.length < 4) {
                continue;
            }
            String[] head = cols[0].trim().split("\\s+");
            if (head.length == 2) {
                s390x = head[0].equals("s390x");
            }
            String[] sha = cols[2].trim().split("\\s+");
            if (s390x && head[head.length - 1].equals(mm) && sha.length == 4) {
                out.p(f("\nFor comparison, bench/qemu-versions.sh's SHA-256 over the same 64 MiB on s390x with QEMU %s"
                        + " (%s; a whole `java` run each, JVM start included, the JVM flags that file names on"
                        + " both sides): %sx the host's JVM in wall time, %sx in CPU time.", mm,
                        "results/" + Path.of(file).getFileName() + when(lines.get(0)), sha[1], sha[3]));
                return;
            }
        }
    }
}
