package dev.trawl.deploy;

import static org.awaitility.Awaitility.await;

import dev.trawl.support.FreePort;
import dev.trawl.support.RedisCli;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own on a free port of 127.0.0.1 that requires a password (never the
 * shared Redis on 6379), handed to the platform in the one URL, {@code quarkus.redis.hosts}, as
 * deploy/k8s/secret.yaml does; {@link SeparatePassword} gives it apart, as QUARKUS_REDIS_PASSWORD.
 */
public class PasswordProtectedRedis implements QuarkusTestResourceLifecycleManager {

    static final String PASSWORD = "s3cret-redis-password";
    static volatile int port;

    private Process process;
    private Path dir;

    @Override
    public Map<String, String> start() {
        port = FreePort.pick();
        try {
            dir = Files.createTempDirectory("trawl-password-redis");
            process = new ProcessBuilder(List.of(
                            "redis-server",
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            "--requirepass",
                            PASSWORD,
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--dir",
                            dir.toString(),
                            "--daemonize",
                            "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start redis-server", e);
        }
        await("password-protected redis-server on port " + port)
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    try (RedisCli redis = new RedisCli(port)) {
                        redis.call("AUTH", PASSWORD);
                        return "PONG".equals(redis.call("PING"));
                    }
                });
        return config();
    }

    Map<String, String> config() {
        return Map.of("quarkus.redis.hosts", "redis://:" + PASSWORD + "@127.0.0.1:" + port);
    }

    /** The password in {@code quarkus.redis.password}, the URL without it. */
    public static class SeparatePassword extends PasswordProtectedRedis {
        @Override
        Map<String, String> config() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + port, "quarkus.redis.password", PASSWORD);
        }
    }

    @Override
    public void stop() {
        if (process == null) {
            return;
        }
        process.toHandle().destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
