package io.github.multiarch.junit.internal.binfmt;

import com.github.dockerjava.api.command.InspectImageResponse;
import io.github.multiarch.junit.internal.arch.Architecture;
import io.github.multiarch.junit.internal.arch.Log;
import io.github.multiarch.junit.internal.arch.MultiarchException;
import io.github.multiarch.junit.internal.docker.Docker;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes sure the kernel under the Docker engine can run programs of an architecture.
 *
 * <ol>
 *   <li>The engine's own architecture needs nothing.</li>
 *   <li>Proof by running: {@code uname -m} in a container of the target platform (the runtime
 *       image). If it answers the architecture's name, the emulator is usable, whoever registered
 *       it, and nothing privileged is started.</li>
 *   <li>Otherwise the registrar of the QEMU bundle reads the kernel's state ({@code status --tsv}) and
 *       gives a {@link Verdict}: <em>absent</em> is registered ({@code auto}, {@code replace});
 *       <em>unusable</em> (another tool's entry, disabled or without the F flag) fails with what
 *       is wrong and the fix, and is replaced only under {@code replace}; <em>usable</em> that
 *       still cannot run means the engine does not see the kernel's entries.</li>
 *   <li>After registering, the proof by running again.</li>
 * </ol>
 *
 * <p>The registrar container runs only when something must change, and is removed when done;
 * each run is logged in one line per architecture.
 *
 * @since 0.1.0
 */
public final class Emulators {

    /** What {@code multiarch.binfmt.install} allows. */
    public enum Install {
        /** Register a missing emulator (the default); never touch another tool's entry. */
        AUTO,
        /** Only check; a missing emulator fails the test with the command that registers it. */
        NEVER,
        /** Like AUTO, and also replace an unusable entry of another tool. */
        REPLACE
    }

    private Emulators() {
    }

    /**
     * Returns a one-line account of what was found or done, e.g. {@code "native"},
     * {@code "usable"} or {@code "registered by multiarch-qemu-bundle:0.1.0"}.
     *
     * @param imageId an image of {@code arch} (the runtime image) used for the proof by running
     */
    public static String ensure(Docker docker, Architecture arch, String imageId, String bundleImage, Install install) {
        Architecture engine = docker.engineArchitecture();
        if (engine == arch) {
            return "native";
        }
        Docker.Run probe = probe(docker, arch, imageId);
        if (runs(probe, arch)) {
            return "usable";
        }
        String mount = "/proc/sys/fs/binfmt_misc";
        String command = "docker run --rm --cap-add SYS_ADMIN --security-opt apparmor=unconfined " + bundleImage
                + " install " + arch.platform() + "   (or with --privileged)";
        if (install == Install.NEVER) {
            throw new MultiarchException.Unavailable("No usable QEMU emulator for " + arch + " is registered in binfmt_misc of the"
                    + " Docker engine's kernel, so " + arch.dockerPlatform() + " containers cannot run (probe `uname -m`"
                    + " exited " + probe.exitCode() + ": " + probe.output().trim() + ").\nRegister it with:\n  " + command
                    + "\nor set multiarch.binfmt.install=auto to let the extension do it.");
        }
        String bundle = bundleFor(docker, bundleImage, engine);
        Verdict verdict = status(docker, bundle, arch);
        List<String> args = new ArrayList<>(List.of("install"));
        if (verdict.isUsable()) {
            Docker.Run meanwhile = probe(docker, arch, imageId);
            if (runs(meanwhile, arch)) {
                return "usable (registered meanwhile by " + verdict.entry() + ")"; // another JVM won the race
            }
            throw new MultiarchException("binfmt_misc of the engine's kernel has a usable " + verdict.describeEntry()
                    + " for " + arch + ", yet " + arch.dockerPlatform() + " containers cannot run (`uname -m` exited "
                    + probe.exitCode() + ": " + probe.output().trim() + "). The engine's containers do not see the"
                    + " kernel's entries: a rootless engine or a binfmt_misc namespace (Linux 6.7+) keeps its own,"
                    + " or the entry's interpreter fails. Use a rootful engine.");
        }
        if (verdict.isNative()) {
            throw new MultiarchException("The registrar finds that the engine's CPU runs " + arch + " programs itself ("
                    + verdict.reason() + "), so it registers no emulator for it; yet " + arch.dockerPlatform()
                    + " containers cannot run (`uname -m` exited " + probe.exitCode() + ": " + probe.output().trim()
                    + "). Check that the image is of that platform and runs on this machine.");
        }
        if (verdict.isUnusable()) {
            if (install != Install.REPLACE) {
                throw new MultiarchException("binfmt_misc " + verdict.describeEntry() + " matches " + arch
                        + " but is unusable: " + verdict.reason() + ". It belongs to another tool, so it is not"
                        + " overwritten.\nFix it: remove it (as root: echo -1 > " + mount + "/" + verdict.entry()
                        + ") and run again, or set multiarch.binfmt.install=replace to let the extension replace it"
                        + " with the bundle's emulator.");
            }
            args.add("--replace");
        }
        args.add(arch.platform());
        Docker.Run result = registrar(docker, bundle, args);
        String output = result.output().trim();
        Log.progress(arch + ": " + bundle + " " + String.join(" ", args) + " -> exit "
                + result.exitCode() + ": " + output.replace('\n', ' '));
        if (result.exitCode() != 0) {
            throw new MultiarchException.Unavailable("Registering the QEMU emulator for " + arch + " failed (`" + bundle + " "
                    + String.join(" ", args) + "` exited " + result.exitCode() + "):\n" + output
                    + "\nbinfmt_misc can only be written from a privileged container of a rootful engine.");
        }
        Docker.Run again = probe(docker, arch, imageId);
        if (!runs(again, arch)) {
            throw new MultiarchException.Unavailable("The QEMU emulator for " + arch + " was registered (" + output + "), yet "
                    + arch.dockerPlatform() + " containers still cannot run (`uname -m` exited " + again.exitCode() + ": "
                    + again.output().trim() + "). The engine does not see the registration: a rootless engine or a"
                    + " binfmt_misc namespace (Linux 6.7+) keeps its own entries.");
        }
        return "registered by " + bundle;
    }

    /** The registrar's verdict on {@code arch}, read from the kernel under the engine ({@code status --tsv}). */
    public static Verdict status(Docker docker, String bundle, Architecture arch) {
        Docker.Run status = registrar(docker, bundle, List.of("status", "--tsv"));
        if (status.exitCode() != 0) {
            throw new MultiarchException("The registrar of " + bundle + " failed: `status --tsv` exited "
                    + status.exitCode() + ". A bundle image built for another version of this extension may not"
                    + " know that command: rebuild it with qemu-bundle/build.sh, or name one that matches this"
                    + " extension with multiarch.bundle.image.\nThe registrar's output:\n" + status.output());
        }
        return Verdict.of(status.output(), arch, bundle);
    }

    /**
     * Runs the bundle's registrar with the least power that works: CAP_SYS_ADMIN (to mount and
     * write binfmt_misc) first, {@code --privileged} if the engine refuses that container.
     */
    private static Docker.Run registrar(Docker docker, String bundleImage, List<String> args) {
        try {
            return docker.run(bundleImage, docker.engineArchitecture(), null, args, Docker.Privilege.SYS_ADMIN,
                    "qemu-bundle");
        } catch (RuntimeException refused) {
            Log.debug("The engine refused the registrar container " + bundleImage + " with CAP_SYS_ADMIN: trying"
                    + " --privileged", refused);
            try {
                return docker.run(bundleImage, docker.engineArchitecture(), null, args, Docker.Privilege.PRIVILEGED,
                        "qemu-bundle");
            } catch (RuntimeException alsoRefused) {
                alsoRefused.addSuppressed(refused);
                throw new MultiarchException.Unavailable("The engine refused to start the registrar container " + bundleImage
                        + " with CAP_SYS_ADMIN and with --privileged: " + alsoRefused.getMessage()
                        + "\nbinfmt_misc can only be written from such a container of a rootful engine.", alsoRefused);
            }
        }
    }

    private static Docker.Run probe(Docker docker, Architecture arch, String imageId) {
        try {
            return docker.run(imageId, arch, List.of("uname"), List.of("-m"), Docker.Privilege.NONE,
                    "probe-" + arch.platform());
        } catch (RuntimeException e) {
            Log.debug("The " + arch + " probe container did not start (on some engines \"exec format error\" surfaces"
                    + " at start): " + arch + " counts as not runnable", e);
            return new Docker.Run(-1, String.valueOf(e.getMessage()));
        }
    }

    private static boolean runs(Docker.Run probe, Architecture arch) {
        // names(), not just uname(): a 32-bit ARM program on an aarch64 CPU may see `armv8l`
        return probe.exitCode() == 0 && arch.names().contains(probe.output().trim());
    }

    /**
     * The bundle image for the engine's architecture: the configured one when it is of that
     * architecture, else its {@code -<engine platform>} variant (the build tags the bundle of the
     * other architecture that way), else a clear failure.
     */
    static String bundleFor(Docker docker, String bundleImage, Architecture engine) {
        InspectImageResponse bundle = docker.inspect(bundleImage);
        if (bundle != null && engine.imageArchitecture().equals(bundle.getArch())) {
            return bundleImage;
        }
        String variant = bundleImage + "-" + engine.imageArchitecture();
        InspectImageResponse other = docker.inspect(variant);
        if (other != null && engine.imageArchitecture().equals(other.getArch())) {
            return variant;
        }
        if (bundle == null) {
            try {
                docker.resolveImage(bundleImage, engine);
                return bundleImage;
            } catch (MultiarchException e) {
                throw new MultiarchException("The QEMU bundle image " + bundleImage + " is needed to register an emulator,"
                        + " but the engine does not have it (nor " + variant + ") and it could not be pulled. Build it"
                        + " with qemu-bundle/build.sh, or name another one with multiarch.bundle.image.", e);
            }
        }
        throw new MultiarchException("The QEMU bundle image " + bundleImage + " is built for linux/" + bundle.getArch()
                + " but the engine runs on " + engine.dockerPlatform() + ", and there is no " + variant + ": use the"
                + " bundle built for the engine's architecture (multiarch.bundle.image).");
    }
}
