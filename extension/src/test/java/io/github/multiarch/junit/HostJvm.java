package io.github.multiarch.junit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link LaunchMain} in a JVM of its own with this JVM's class path; output goes to a temp file. */
final class HostJvm implements AutoCloseable {

    final Process process;
    final Path output;

    private HostJvm(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static HostJvm start(List<String> prefix, Class<?> testClass, String... params) throws IOException {
        return start(prefix, io.github.multiarch.junit.internal.runtime.Classpath.current(), testClass, params);
    }

    /** Like {@link #start(List, Class, String...)}, with another class path. */
    static HostJvm start(List<String> prefix, List<Path> classpath, Class<?> testClass, String... params)
            throws IOException {
        return start(prefix, List.of(), classpath, testClass, params);
    }

    /** Like {@link #start(List, List, Class, String...)}, with options for the JVM ({@code -Dkey=value}, ...). */
    static HostJvm start(List<String> prefix, List<String> jvmOptions, List<Path> classpath, Class<?> testClass,
                         String... params) throws IOException {
        Path output = Files.createTempFile("multiarch-hostjvm", ".log");
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath.stream().map(Path::toString).toList()));
        command.add(LaunchMain.class.getName());
        command.add(testClass.getName());
        command.add("multiarch.image.s390x=" + Kit.S390X_IMAGE);
        command.addAll(List.of(params));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().put("TESTCONTAINERS_RYUK_DISABLED", "true");
        return new HostJvm(builder.start(), output);
    }

    String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        Files.deleteIfExists(output);
    }
}
