import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.CRC32;

/**
 * The two workloads of {@code bench/qemu-versions.sh}, run by the same class file on the host's
 * JVM and on each emulated one (compiled with {@code --release 17}).
 *
 * <ul>
 * <li>{@code sha}: SHA-256 over 64 MiB (a 1 MiB pseudo-random block, its first byte set to the
 * block's index, 64 times), CPU-bound;</li>
 * <li>{@code work [rounds]}: what a test suite does to a JVM: 1M small objects built and sorted,
 * string formatting, regular expressions, a stream grouping, repeated {@code rounds} times (a
 * fresh heap's worth of garbage each round).</li>
 * </ul>
 *
 * Prints {@code result <hex>} (the same on every architecture: the correctness check compares
 * it with the host's) and {@code millis <n>} (the workload's own time, JVM start excluded).
 * Everything is deterministic: fixed seeds, {@link Locale#ROOT}, no identity hash codes, no
 * floating-point functions that may differ between platforms.
 *
 * @since 0.2.0
 */
public final class QemuBench {

    record Item(int id, String name, long value, double score) {}

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        String result = switch (args.length == 0 ? "" : args[0]) {
            case "sha" -> sha();
            case "work" -> work(args.length > 1 ? Integer.parseInt(args[1]) : 3);
            default -> throw new IllegalArgumentException("usage: QemuBench sha | work [rounds]");
        };
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("result " + result);
        System.out.println("millis " + millis);
    }

    private static long next(long x) { // xorshift64
        x ^= x << 13;
        x ^= x >>> 7;
        return x ^ (x << 17);
    }

    static String sha() throws Exception {
        byte[] block = new byte[1 << 20];
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < block.length; i += 8) {
            x = next(x);
            for (int b = 0; b < 8; b++) {
                block[i + b] = (byte) (x >>> (8 * b));
            }
        }
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < 64; i++) {
            block[0] = (byte) i;
            md.update(block);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String work(int rounds) {
        CRC32 crc = new CRC32();
        Pattern namePattern = Pattern.compile("item-([0-9a-z]{2})([0-9a-z]*)");
        Pattern digits = Pattern.compile("(\\d)\\1");
        long x = 42;
        for (int r = 0; r < rounds; r++) {
            int n = 1_000_000;
            List<Item> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                x = next(x);
                items.add(new Item(i, "item-" + Long.toString(x & 0xFFFFFFL, 36), x >>> 20, (x & 0xFFFF) / 1024.0));
            }
            items.sort(Comparator.comparing(Item::name).thenComparingLong(Item::value).thenComparingInt(Item::id));

            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i += 10) {
                Item it = items.get(i);
                sb.setLength(0);
                sb.append(String.format(Locale.ROOT, "%08d|%-12s|%,d|%.3f%n", it.id(), it.name(), it.value() % 1_000_000_007L, it.score()));
                crc.update(sb.toString().getBytes(StandardCharsets.UTF_8));
            }

            Map<String, Integer> prefixes = new TreeMap<>();
            int doubled = 0;
            for (int i = 0; i < n; i += 2) {
                Item it = items.get(i);
                Matcher m = namePattern.matcher(it.name());
                if (m.matches()) {
                    prefixes.merge(m.group(1), m.group(2).length(), Integer::sum);
                }
                if (digits.matcher(Long.toString(it.value() & 0xFFFFF)).find()) {
                    doubled++;
                }
            }
            Map<Long, Long> buckets = items.stream()
                    .collect(Collectors.groupingBy(it -> it.value() % 97, TreeMap::new, Collectors.counting()));
            crc.update((prefixes.toString() + doubled + buckets).getBytes(StandardCharsets.UTF_8));
            crc.update(items.get(n / 2).toString().getBytes(StandardCharsets.UTF_8));
        }
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }
}
