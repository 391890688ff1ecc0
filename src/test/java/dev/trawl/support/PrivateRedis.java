package dev.trawl.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own on a free port of 127.0.0.1, without persistence, so the test
 * may FLUSHALL it (never the shared Redis on 6379). Killed and its directory removed on close.
 */
public final class PrivateRedis implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final Process process;
    private final Runnable killer;

    private PrivateRedis(int port, Path dir, Process process) {
        this.port = port;
        this.dir = dir;
        this.process = process;
        this.killer = () -> process.toHandle().destroyForcibly();
        ChildProcesses.register(killer);
    }

    /** Starts redis-server and waits (at most 15 s) until it answers PING. */
    public static PrivateRedis start(Path log) {
        int port = FreePort.pick();
        try {
            Path dir = Files.createTempDirectory("trawl-chaos-redis");
            Files.createDirectories(log.getParent());
            Process process = new ProcessBuilder(List.of(
                            System.getProperty("trawl.chaos.redis-server", "redis-server"),
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            dir.toString(),
                            "--daemonize",
                            "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            PrivateRedis redis = new PrivateRedis(port, dir, process);
            await("private redis-server on port " + port)
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("redis-server exited; see " + log);
                        }
                        return redis.ping();
                    });
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start redis-server", e);
        }
    }

    public int port() {
        return port;
    }

    /** For {@code quarkus.redis.hosts}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public RedisCli client() {
        return new RedisCli(port);
    }

    public boolean ping() {
        try (RedisCli redis = client()) {
            return "PONG".equals(redis.call("PING"));
        }
    }

    /** Empties every database of this server: what a restart without persistence leaves. */
    public void flushAll() {
        try (RedisCli redis = client()) {
            redis.call("FLUSHALL");
        }
    }

    @Override
    public void close() {
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ChildProcesses.unregister(killer);
        Directories.deleteTree(dir);
    }
}
