package report;

import java.util.List;
import java.util.Locale;

/** Statistics and number formatting shared by the figures. */
final class Fmt {

    private Fmt() {
    }

    static double median(List<Double> v) {
        return percentile(v, 50);
    }

    /** The median (mean of the middle two for an even count), or else the nearest-rank percentile. */
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

    static String f(String fmt, Object... args) {
        return String.format(Locale.ROOT, fmt, args);
    }

    /** Seconds with one decimal, "n/a" for NaN. */
    static String s(double seconds) {
        return Double.isNaN(seconds) ? "n/a" : f("%.1f s", seconds);
    }

    static String yes(boolean b) {
        return b ? "yes" : "NO";
    }

    /** Every value with two decimals, comma-separated. */
    static String list(List<Double> v) {
        return String.join(", ", v.stream().map(d -> f("%.2f", d)).toList());
    }
}
