package dev.trawl.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One packaged platform ({@code java -jar quarkus-run.jar}) running as a process of its own, on a
 * port of its own, logging to a file. Started by {@link PlatformLauncher}; killed with SIGKILL or
 * stopped with SIGTERM by its PID.
 */
public final class PlatformProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;
    private final Runnable killer;
    private final long startedAt = System.nanoTime();
    private volatile boolean seenReady;

    private PlatformProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
        this.killer = () -> process.toHandle().destroyForcibly();
        ChildProcesses.register(killer);
    }

    static PlatformProcess start(
            String name, Path jar, Path log, List<String> jvmOptions, Map<String, String> properties) {
        return start(name, jar, log, jvmOptions, properties, FreePort.pick());
    }

    static PlatformProcess start(
            String name, Path jar, Path log, List<String> jvmOptions, Map<String, String> properties, int port) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, String.join(" ", command) + System.lineSeparator());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            return new PlatformProcess(name, port, log, process);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the platform " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** How long since the process was started. */
    public Duration age() {
        return Duration.ofNanos(System.nanoTime() - startedAt);
    }

    /** The status of {@code /q/health/ready} now: 200 ready, 503 not ready, -1 no answer. */
    public int readiness() {
        return status("/q/health/ready");
    }

    /** Ready now; once it has been ready the process is remembered as having started. */
    public boolean ready() {
        boolean ready = alive() && readiness() == 200;
        if (ready) {
            seenReady = true;
        }
        return ready;
    }

    /** Whether the process was ready at least once (it finished starting). */
    public boolean hasBeenReady() {
        return seenReady;
    }

    public PlatformProcess awaitReady(Duration bound) {
        try {
            await("readiness of " + name)
                    .atMost(bound)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!alive()) {
                            throw new IllegalStateException(
                                    name + " exited with " + process.exitValue() + " while starting; see " + log);
                        }
                        return ready();
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(name + " was not ready within " + bound + "; see " + log, e);
        }
        return this;
    }

    /** SIGKILL by PID (the JDK sends SIGKILL for a forcible destroy on Linux): no shutdown hook runs. */
    public void kill() {
        process.toHandle().destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
        ChildProcesses.unregister(killer);
    }

    /** SIGTERM by PID, as Kubernetes stops a pod; SIGKILL if it has not exited within 20 s. */
    public void stop() {
        if (process.isAlive()) {
            terminate();
            if (!awaitExit(STOP_GRACE)) {
                kill();
            }
        }
        ChildProcesses.unregister(killer);
    }

    /** SIGTERM by PID without waiting for the exit. */
    public void terminate() {
        process.toHandle().destroy();
    }

    private boolean awaitExit(Duration bound) {
        try {
            return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private int status(String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", port " + port + ")";
    }
}
