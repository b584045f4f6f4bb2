package report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * bench/run.sh's report: reads the raw measurements of one run (bench/work/run), prints the table
 * of figures, baselines, ratios and targets with a breakdown of where the time goes, and writes
 * the same as Markdown. run.sh compiles this directory and runs {@code report.Report RUN OUT.md}.
 *
 * <p>{@link RunData} reads the run; each figure ({@link ColdStart}, {@link WarmOverhead},
 * {@link WholeSuite}, {@link Matrix}, {@link Memory}, {@link Emulation}, {@link RealSuite}) adds its
 * table rows and breakdown to an {@link Output}, which renders both forms.
 */
public final class Report {

    public static void main(String[] args) throws IOException {
        RunData run = RunData.load(Path.of(args[0]));
        Output out = new Output(run.meta);
        ColdStart.report(run, out);
        WarmOverhead.report(run, out);
        WholeSuite.report(run, out);
        Matrix.report(run, out);
        Memory.report(run, out);
        Emulation.report(run, out);
        RealSuite.report(run, out);
        Files.writeString(Path.of(args[1]), out.markdown(), StandardCharsets.UTF_8);
        System.out.println(out.text());
    }
}
