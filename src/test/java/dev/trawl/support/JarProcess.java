package dev.trawl.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged platform started as a container would start it: given JVM options and nothing but the
 * given environment (no {@code -D} properties of the test), logging to a file. Stopped with SIGTERM by
 * its PID, SIGKILL after 20 s; killed by the shutdown hook if the test JVM ends first.
 */
public final class JarProcess implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final Process process;
    private final Path log;
    private final Runnable killer;

    private JarProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.killer = () -> process.toHandle().destroyForcibly();
        ChildProcesses.register(killer);
    }

    /** {@code java <jvmOptions> -jar <jar>} with exactly {@code environment} as its environment. */
    public static JarProcess start(Path jar, List<String> jvmOptions, Map<String, String> environment, Path log) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, String.join(" ", command) + System.lineSeparator());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().clear();
            builder.environment().putAll(environment);
            return new JarProcess(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + jar, e);
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.toHandle().destroy();
                if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.toHandle().destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ChildProcesses.unregister(killer);
        }
    }
}
