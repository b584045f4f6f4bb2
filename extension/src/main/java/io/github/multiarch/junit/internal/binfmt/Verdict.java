package io.github.multiarch.junit.internal.binfmt;

import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.arch.MultiarchException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What binfmt_misc of the engine's kernel says about one architecture, as the registrar's
 * {@code status --tsv} reports it: {@code usable} (an enabled entry with the F flag, whatever its
 * name), {@code unusable} (disabled, or no F flag so containers cannot see the interpreter; {@link #reason} says
 * which), {@code absent}, or {@code native}. {@link #entry}, {@link #flags}, {@link #interpreter} and
 * {@link #reason} are {@code null} where the table says none.
 *
 * @since 0.1.0
 */
public record Verdict(String platform, String state, String entry, String flags, String interpreter, String reason) {

    /** The header line of {@code status --tsv} (qemu-bundle/registrar.sh documents the format). */
    static final String HEADER = "platform\tqemu\tstate\tentry\tenabled\tflags\tinterpreter\treason";
    private static final Set<String> STATES = Set.of("native", "usable", "unusable", "absent");

    /**
     * Picks {@code arch}'s verdict out of the output of {@code registrar.sh status --tsv}: {@code #key<TAB>value}
     * fact lines, the header, one row per architecture; every value non-empty, {@code -} for none.
     *
     * @param bundle the bundle image that answered, named in messages
     * @throws MultiarchException with the registrar's output when the table is malformed or has no row for
     *     {@code arch}, and with the registrar's words when it could not read binfmt_misc
     */
    public static Verdict of(String table, Architecture arch, String bundle) {
        if (!table.endsWith("\n")) {
            throw malformed(bundle, table.isEmpty() ? "the output is empty" : "its last line has no newline"
                    + " (output cut short?)", table);
        }
        String[] lines = table.split("\n", -1);
        String error = null;
        boolean header = false;
        Set<String> platforms = new LinkedHashSet<>();
        Verdict found = null;
        for (int i = 0; i < lines.length - 1; i++) {
            String[] f = lines[i].split("\t", -1);
            String where = "line " + (i + 1) + " `" + lines[i].replace("\t", "<TAB>") + "`";
            if (!header && lines[i].startsWith("#")) {
                if (f.length != 2 || f[1].isEmpty()) {
                    throw malformed(bundle, where + " is not a fact line `#key<TAB>value`", table);
                }
                error = f[0].equals("#error") ? f[1] : error;
            } else if (!header) {
                if (!lines[i].equals(HEADER)) {
                    throw malformed(bundle, where + " is neither a fact line `#key<TAB>value` nor the header `"
                            + HEADER.replace("\t", "<TAB>") + "`", table);
                }
                header = true;
            } else if (f.length != 8) {
                throw malformed(bundle, where + " has " + f.length + " values, not 8 as the header", table);
            } else if (Arrays.asList(f).contains("")) {
                throw malformed(bundle, where + " has an empty value (none is written '-')", table);
            } else if (!STATES.contains(f[2])) {
                throw malformed(bundle, where + " has the unknown state '" + f[2] + "' (expected one of " + STATES
                        + ")", table);
            } else if ((f[2].equals("usable") || f[2].equals("unusable")) == f[3].equals("-")) {
                throw malformed(bundle, where + " has state " + f[2] + (f[3].equals("-") ? " but no" : " and an")
                        + " entry", table);
            } else if (!platforms.add(f[0])) {
                throw malformed(bundle, where + " repeats platform " + f[0], table);
            } else if (f[0].equals(arch.platform())) {
                found = new Verdict(f[0], f[2], none(f[3]), none(f[5]), none(f[6]), none(f[7]));
            }
        }
        if (!header) {
            throw malformed(bundle, "there is no header line `" + HEADER.replace("\t", "<TAB>") + "`", table);
        }
        if (error != null) {
            throw new MultiarchException("The registrar of " + bundle + " could not read binfmt_misc: " + error
                    + "\nbinfmt_misc can only be read and written from a privileged container of a rootful engine.");
        }
        if (found == null) {
            throw new MultiarchException("The registrar of " + bundle + " has no row for " + arch + " in its status"
                    + " table (its rows: " + String.join(", ", platforms) + "): the bundle image is older than this"
                    + " extension's architecture table. Rebuild it with qemu-bundle/build.sh, or name one that matches"
                    + " this extension with multiarch.bundle.image.\nThe registrar's output:\n" + table);
        }
        return found;
    }

    public boolean isUsable() {
        return "usable".equals(state);
    }

    public boolean isUnusable() {
        return "unusable".equals(state);
    }

    public boolean isAbsent() {
        return "absent".equals(state);
    }

    /** The host's CPU runs this architecture itself (its own, or its own family proven by a program). */
    public boolean isNative() {
        return "native".equals(state);
    }

    /** A one-line description: {@code entry 'qemu-s390x' (flags OC, interpreter /usr/bin/qemu-s390x)}. */
    public String describeEntry() {
        return "entry '" + entry + "' (flags " + Optional.ofNullable(flags).orElse("none")
                + ", interpreter " + interpreter + ")";
    }

    private static String none(String value) {
        return value.equals("-") ? null : value;
    }

    private static MultiarchException malformed(String bundle, String what, String table) {
        String hint = table.startsWith("{") ? " It answered JSON: the bundle image is older than this extension."
                : "";
        return new MultiarchException("The registrar of " + bundle + " answered `status --tsv` with a malformed table: "
                + what + "." + hint + " Rebuild the bundle with qemu-bundle/build.sh, or name one that matches this"
                + " extension with multiarch.bundle.image.\nThe registrar's output:\n" + table);
    }
}
