package io.github.multiarch.junit.internal.arch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One CPU architecture a test can run on: a row of the project's single architecture table
 * ({@code architectures.tsv}, also copied into the QEMU bundle image for its registrar).
 *
 * @since 0.1.0
 */
public final class Architecture {

    private static final String TABLE = "/io/github/multiarch/junit/architectures.tsv";
    private static final List<Architecture> ALL = load();

    private final String platform;
    private final String uname;
    private final String qemu;
    private final Set<String> names;
    private final String magic;
    private final String mask;

    private Architecture(String platform, String uname, String qemu, List<String> aliases, String magic, String mask) {
        this.platform = platform;
        this.uname = uname;
        this.qemu = qemu;
        Set<String> all = new LinkedHashSet<>();
        all.add(platform);
        all.add(uname);
        all.add(qemu);
        all.addAll(aliases);
        this.names = Collections.unmodifiableSet(all);
        this.magic = magic;
        this.mask = mask;
    }

    /** Every architecture of the table, in table order. */
    public static List<Architecture> all() {
        return ALL;
    }

    /**
     * Looks an architecture up by Docker's platform name ({@code s390x}, {@code arm/v7}, with or
     * without {@code linux/}) or an alias such as {@code uname -m}'s ({@code aarch64}, {@code x86_64}).
     *
     * @throws IllegalArgumentException naming the accepted names, for anything else
     */
    public static Architecture of(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException(
                "Unknown architecture '" + name + "'. Accepted names: " + acceptedNames()));
    }

    /** Like {@link #of(String)}, empty for an unknown name. */
    public static Optional<Architecture> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.startsWith("linux/")) {
            n = n.substring("linux/".length());
        }
        for (Architecture a : ALL) {
            if (a.names.contains(n)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The accepted names, for error messages: {@code amd64 (x86_64, ...), ...}. */
    public static String acceptedNames() {
        StringBuilder sb = new StringBuilder();
        for (Architecture a : ALL) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(a.platform);
            List<String> others = new ArrayList<>(a.names);
            others.remove(a.platform);
            if (!others.isEmpty()) {
                sb.append(" (").append(String.join(", ", others)).append(')');
            }
        }
        return sb.toString();
    }

    /** Docker's platform name without the OS: {@code s390x}, {@code arm64}, {@code arm/v7}. */
    public String platform() {
        return platform;
    }

    /** The full Docker platform: {@code linux/s390x}. */
    public String dockerPlatform() {
        return "linux/" + platform;
    }

    /** The architecture part of the platform as {@code docker image inspect} reports it: {@code arm} for arm/v7. */
    public String imageArchitecture() {
        int slash = platform.indexOf('/');
        return slash < 0 ? platform : platform.substring(0, slash);
    }

    /** What {@code uname -m} prints in a container of this architecture. */
    public String uname() {
        return uname;
    }

    /** QEMU's name: the emulator is {@code qemu-<qemu>}, its binfmt_misc entry {@code qemu-<qemu>}. */
    public String qemu() {
        return qemu;
    }

    /** Every name this architecture answers to (platform first). */
    public Set<String> names() {
        return names;
    }

    /** binfmt_misc magic, {@code \x} escaped as in the kernel's register syntax. */
    public String magic() {
        return magic;
    }

    /** binfmt_misc mask, {@code \x} escaped. */
    public String mask() {
        return mask;
    }

    @Override
    public String toString() {
        return platform;
    }

    private static List<Architecture> load() {
        try (InputStream in = Architecture.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + TABLE + " next to " + Architecture.class.getName());
            }
            List<Architecture> rows = new ArrayList<>();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                if (f.length != 7) {
                    throw new IllegalStateException("Malformed row in " + TABLE + ": " + line);
                }
                List<String> aliases = f[3].equals("-") ? List.of() : List.of(f[3].split(","));
                rows.add(new Architecture(f[0], f[1], f[2], aliases, f[4], f[5]));
            }
            return Collections.unmodifiableList(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
