package io.github.multiarch.junit.internal.binfmt;

import io.github.multiarch.junit.internal.arch.Architecture;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What binfmt_misc of the engine's kernel says about one architecture, as the registrar's
 * {@code status} reports it: {@code usable} (an enabled entry with the F flag, whatever its
 * name), {@code unusable} (disabled, or no F flag so containers cannot see the interpreter; {@link #reason} says
 * which), {@code absent}, or {@code native}.
 *
 * @since 0.1.0
 */
public record Verdict(String platform, String state, String entry, String flags, String interpreter, String reason) {

    /** Picks {@code arch}'s verdict out of the registrar's status JSON. */
    public static Verdict of(String statusJson, Architecture arch) {
        Object parsed = Json.parse(statusJson.trim());
        if (!(parsed instanceof Map<?, ?> status)) {
            throw new IllegalArgumentException("status is not a JSON object: " + statusJson);
        }
        if (status.get("error") != null) {
            throw new IllegalStateException(String.valueOf(status.get("error")));
        }
        for (Object o : (List<?>) status.get("architectures")) {
            Map<?, ?> a = (Map<?, ?>) o;
            if (arch.platform().equals(a.get("platform"))) {
                return new Verdict(arch.platform(), str(a, "state"), str(a, "entry"), str(a, "flags"),
                        str(a, "interpreter"), str(a, "reason"));
            }
        }
        throw new IllegalArgumentException("status has no line for " + arch + ": " + statusJson);
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
        return "entry '" + entry + "' (flags " + Optional.ofNullable(flags).filter(f -> !f.isEmpty()).orElse("none")
                + ", interpreter " + interpreter + ")";
    }

    private static String str(Map<?, ?> map, String key) {
        Object v = map.get(key);
        return v == null ? null : v.toString();
    }
}
