package report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One events file of bench.Bench (see its javadoc): the JVM line and a row per test and per
 * class container of each request (one request per test class named on its command line).
 */
record Events(long pid, long jvmStartUs, long mainUs, List<Events.Row> rows) {

    /** A test (test = true) or a class container, with epoch microseconds. */
    record Row(int req, boolean test, String name, long start, long end, String status) {
        double ms() {
            return (end - start) / 1000.0;
        }
    }

    /** The file's events, null when it has no rows (or does not exist). */
    static Events read(Path p) throws IOException {
        long pid = 0, jvm = 0, main = 0;
        List<Row> rows = new ArrayList<>();
        for (String line : RunData.lines(p)) {
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

    /** The tests of a request, in the order they started. */
    List<Row> tests(int req) {
        return rows.stream().filter(r -> r.req == req && r.test).sorted(Comparator.comparingLong(Row::start)).toList();
    }

    /** The outermost class container of a request (a @RunsOn class is a class template: its [arch]
     *  invocation is a class container too, nested in the template's). */
    Row clazz(int req) {
        return rows.stream().filter(r -> r.req == req && !r.test).min(Comparator.comparingLong(Row::start))
                .orElse(null);
    }

    /** The request ran tests and every one succeeded. */
    boolean ok(int req) {
        return !tests(req).isEmpty() && tests(req).stream().allMatch(r -> r.status.equals("SUCCESSFUL"));
    }
}
