package io.github.multiarch.junit.binfmt;

import com.github.dockerjava.api.command.InspectImageResponse;
import io.github.multiarch.junit.Architecture;
import io.github.multiarch.junit.MultiarchException;
import io.github.multiarch.junit.runtime.Docker;
import java.util.List;

/**
 * Makes sure the kernel under the Docker engine can run programs of an architecture: proves it
 * by running {@code uname -m} in a container of that platform, and when that fails registers the
 * missing QEMU emulator in binfmt_misc through the privileged QEMU bundle container.
 *
 * <p>The privileged helper runs only when the probe fails; a usable registration, whatever tool
 * made it, is left alone.
 *
 * @since 0.1.0
 */
public final class Emulators {

    /** What {@code multiarch.binfmt.install} allows. */
    public enum Install {
        /** Register a missing emulator (the default). */
        AUTO,
        /** Only check; a missing emulator fails the test with the command that registers it. */
        NEVER
    }

    private Emulators() {
    }

    /**
     * Returns a one-line account of what was found or done, e.g. {@code "native"},
     * {@code "already registered"} or {@code "registered by multiarch-qemu-bundle:0.1.0"}.
     *
     * @param imageId an image of {@code arch} (the runtime image) used for the probe
     */
    public static String ensure(Docker docker, Architecture arch, String imageId, String bundleImage, Install install) {
        Architecture engine = docker.engineArchitecture();
        if (engine == arch) {
            return "native";
        }
        Docker.Run probe = probe(docker, arch, imageId);
        if (runs(probe, arch)) {
            return "already registered";
        }
        String register = "docker run --rm --cap-add SYS_ADMIN --security-opt apparmor=unconfined " + bundleImage
                + " install " + arch.platform() + "   (or with --privileged)";
        if (install == Install.NEVER) {
            throw new MultiarchException("No usable QEMU emulator for " + arch + " is registered in binfmt_misc of the"
                    + " Docker engine's kernel, so " + arch.dockerPlatform() + " containers cannot run (probe `uname -m`"
                    + " exited " + probe.exitCode() + ": " + probe.output().trim() + ").\nRegister it with:\n  " + register
                    + "\nor set multiarch.binfmt.install=auto to let the extension do it.");
        }
        checkBundle(docker, bundleImage, engine);
        Docker.Run result = register(docker, bundleImage, arch);
        String output = result.output().trim();
        System.err.println("[multiarch] " + arch + ": " + bundleImage + " install " + arch.platform() + " -> exit "
                + result.exitCode() + ": " + output.replace('\n', ' '));
        if (result.exitCode() != 0) {
            throw new MultiarchException("Registering the QEMU emulator for " + arch + " failed (`" + register
                    + "` exited " + result.exitCode() + "):\n" + output
                    + "\nbinfmt_misc can only be written from a privileged container of a rootful engine.");
        }
        Docker.Run again = probe(docker, arch, imageId);
        if (!runs(again, arch)) {
            throw new MultiarchException("The QEMU emulator for " + arch + " was registered (" + output + "), yet "
                    + arch.dockerPlatform() + " containers still cannot run (`uname -m` exited " + again.exitCode() + ": "
                    + again.output().trim() + "). The engine does not see the registration: a rootless engine or a"
                    + " binfmt_misc namespace (Linux 6.7+) keeps its own entries.");
        }
        return "registered by " + bundleImage;
    }

    /**
     * Runs the bundle's registrar with the least power that works: CAP_SYS_ADMIN (to mount and
     * write binfmt_misc) first, {@code --privileged} if the engine refuses that container.
     */
    private static Docker.Run register(Docker docker, String bundleImage, Architecture arch) {
        List<String> args = List.of("install", arch.platform());
        try {
            return docker.run(bundleImage, null, args, Docker.Privilege.SYS_ADMIN, "qemu-bundle");
        } catch (RuntimeException refused) {
            try {
                return docker.run(bundleImage, null, args, Docker.Privilege.PRIVILEGED, "qemu-bundle");
            } catch (RuntimeException alsoRefused) {
                alsoRefused.addSuppressed(refused);
                throw new MultiarchException("The engine refused to start the registrar container " + bundleImage
                        + " with CAP_SYS_ADMIN and with --privileged: " + alsoRefused.getMessage()
                        + "\nbinfmt_misc can only be written from such a container of a rootful engine.", alsoRefused);
            }
        }
    }

    private static Docker.Run probe(Docker docker, Architecture arch, String imageId) {
        try {
            return docker.run(imageId, List.of("uname"), List.of("-m"), Docker.Privilege.NONE, "probe-" + arch.platform());
        } catch (RuntimeException e) {
            // "exec format error" surfaces at start on some engines
            return new Docker.Run(-1, String.valueOf(e.getMessage()));
        }
    }

    private static boolean runs(Docker.Run probe, Architecture arch) {
        return probe.exitCode() == 0 && probe.output().trim().equals(arch.uname());
    }

    private static void checkBundle(Docker docker, String bundleImage, Architecture engine) {
        InspectImageResponse bundle = docker.inspect(bundleImage);
        if (bundle == null) {
            try {
                docker.resolveImage(bundleImage, engine);
                return;
            } catch (MultiarchException e) {
                throw new MultiarchException("The QEMU bundle image " + bundleImage + " is needed to register an emulator,"
                        + " but the engine does not have it and it could not be pulled. Build it with"
                        + " qemu-bundle/build.sh, or name another one with multiarch.bundle.image.", e);
            }
        }
        if (!engine.imageArchitecture().equals(bundle.getArch())) {
            throw new MultiarchException("The QEMU bundle image " + bundleImage + " is built for linux/" + bundle.getArch()
                    + " but the engine runs on " + engine.dockerPlatform() + ": use the bundle built for the engine's"
                    + " architecture (multiarch.bundle.image).");
        }
    }
}
