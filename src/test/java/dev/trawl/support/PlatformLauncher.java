package dev.trawl.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the packaged platform ({@code target/quarkus-app/quarkus-run.jar}, or the jar named by
 * the {@code trawl.chaos.jar} system property that failsafe sets) as separate processes sharing
 * one set of properties, each with its roles and a log under {@code target/chaos-logs/<run>/}.
 * Closing the launcher stops every process it started that still runs.
 */
public final class PlatformLauncher implements AutoCloseable {

    /** Small heaps and the client compiler: several JVMs share two cores and restart often. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final Path jar;
    private final Path logDir;
    private final Map<String, String> properties;
    private final List<PlatformProcess> started = new ArrayList<>();

    public PlatformLauncher(String run, Map<String, String> properties) {
        this.jar = Path.of(System.getProperty("trawl.chaos.jar", "target/quarkus-app/quarkus-run.jar"))
                .toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: chaos tests run the packaged platform; build it with"
                    + " ./mvnw package -DskipTests, or run them with ./mvnw verify");
        }
        this.logDir = logDir(run);
        this.properties = new LinkedHashMap<>(properties);
    }

    /** Where the processes of a run log: {@code target/chaos-logs/<run>} (or under {@code trawl.chaos.logs}). */
    public static Path logDir(String run) {
        return Path.of(System.getProperty("trawl.chaos.logs", "target/chaos-logs"))
                .resolve(run)
                .toAbsolutePath();
    }

    /** Starts a process with these roles ({@code api}, {@code worker}, {@code api,worker}); does not wait for it. */
    public synchronized PlatformProcess start(String name, String roles) {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.put("trawl.roles", roles);
        PlatformProcess process = PlatformProcess.start(name, jar, logDir.resolve(name + ".log"), JVM_OPTIONS, all);
        started.add(process);
        return process;
    }

    /**
     * Starts a process on a given port, e.g. an API process that replaces one on the same address, as
     * behind a load balancer; does not wait for it.
     */
    public synchronized PlatformProcess start(String name, String roles, int port) {
        Map<String, String> all = new LinkedHashMap<>(properties);
        all.put("trawl.roles", roles);
        PlatformProcess process =
                PlatformProcess.start(name, jar, logDir.resolve(name + ".log"), JVM_OPTIONS, all, port);
        started.add(process);
        return process;
    }

    /** The log files of every process started so far. */
    public synchronized List<Path> logs() {
        return started.stream().map(PlatformProcess::log).toList();
    }

    @Override
    public synchronized void close() {
        // SIGTERM to all first, so they drain side by side rather than one after another
        started.stream().filter(PlatformProcess::alive).forEach(PlatformProcess::terminate);
        started.forEach(PlatformProcess::stop);
    }
}
