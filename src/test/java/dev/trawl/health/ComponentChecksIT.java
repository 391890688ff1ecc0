package dev.trawl.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trawl.events.EventLog;
import dev.trawl.events.EventsConfig;
import dev.trawl.redis.RedisConfig;
import dev.trawl.redis.RedisKeys;
import dev.trawl.roles.RolesConfig;
import dev.trawl.support.FreePort;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Each readiness component against a working and a broken dependency, on the shared services and
 * on ports of the test's own: one nothing listens on, one that accepts and never answers. A probe
 * never takes much longer than trawl.health.timeout, whatever the dependency does.
 */
class ComponentChecksIT {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DependencyUp dependencies = new DependencyUp(registry);

    private double dependencyUp(String dependency) {
        return registry.get("trawl.dependency.up")
                .tag("dependency", dependency)
                .gauge()
                .value();
    }

    private static final Duration TIMEOUT = Duration.ofMillis(800);
    /** The probe's own bound plus room for a busy machine: far below what a hung dependency would take. */
    private static final long BOUND_MS = TIMEOUT.toMillis() + 1_500;

    private static final Vertx VERTX = Vertx.vertx();
    private static final SilentServer SILENT = new SilentServer();

    @AfterAll
    static void close() throws IOException {
        SILENT.close();
        VERTX.closeAndAwait();
    }

    @Test
    void postgresqlIsUpWithItsRoundTrip() {
        HealthCheckResponse response =
                probe(new PostgresqlReadiness(pool(5432, "postgres"), config(Map.of()), dependencies));
        assertComponent(response, "up", "round trip ");
        assertThat(dependencyUp("postgresql")).isEqualTo(1.0);
    }

    @Test
    void aSlowPostgresqlRoundTripIsDegradedButReady() {
        HealthCheckResponse response = probe(new PostgresqlReadiness(
                pool(5432, "postgres"),
                config(Map.of("trawl.health.postgresql.slow-after", "0MS", "trawl.health.timeout", "5S")),
                dependencies));
        assertComponent(response, "degraded", "slower than 0 ms");
        assertThat(dependencyUp("postgresql")).as("slow, but reached").isEqualTo(1.0);
    }

    @Test
    void postgresqlOnAClosedPortIsDownAtOnce() {
        HealthCheckResponse response =
                probe(new PostgresqlReadiness(pool(FreePort.pick(), "trawl"), config(Map.of()), dependencies));
        assertComponent(response, "down", "Connection refused");
        assertThat(dependencyUp("postgresql")).isEqualTo(0.0);
    }

    @Test
    void postgresqlThatNeverAnswersIsDownWhenTheTimeoutIsUp() {
        HealthCheckResponse response =
                probe(new PostgresqlReadiness(pool(SILENT.port(), "trawl"), config(Map.of()), dependencies));
        assertComponent(response, "down", "no answer within " + TIMEOUT.toMillis() + " ms");
        assertThat((Long) response.getData().get().get("durationMs")).isGreaterThanOrEqualTo(TIMEOUT.toMillis());
        assertThat(dependencyUp("postgresql")).isEqualTo(0.0);
    }

    @Test
    void redisIsUpWhenItAnswersPing() {
        HealthCheckResponse response =
                probe(new RedisReadiness(redis(6379), roles("api,worker"), config(Map.of()), dependencies));
        assertComponent(response, "up", "PING answered");
        assertThat(dependencyUp("redis")).isEqualTo(1.0);
    }

    @Test
    void redisDownLeavesAnApiPodReadyButDegraded() {
        HealthCheckResponse response =
                probe(new RedisReadiness(redis(FreePort.pick()), roles("api"), config(Map.of()), dependencies));
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(response.getData().get().get("status")).isEqualTo("degraded");
        assertThat((Long) response.getData().get().get("durationMs")).isLessThan(BOUND_MS);
        assertThat(dependencyUp("redis"))
                .as("degraded to Kubernetes, unreached to the alert")
                .isEqualTo(0.0);
    }

    @Test
    void redisDownTakesAWorkerOnlyPodOutOfService() {
        HealthCheckResponse response =
                probe(new RedisReadiness(redis(FreePort.pick()), roles("worker"), config(Map.of()), dependencies));
        assertComponent(response, "down", "");
    }

    @Test
    void redisThatNeverAnswersIsBoundedByTheTimeout() {
        HealthCheckResponse response =
                probe(new RedisReadiness(redis(SILENT.port()), roles("worker"), config(Map.of()), dependencies));
        assertComponent(response, "down", "no answer within " + TIMEOUT.toMillis() + " ms");
    }

    @Test
    void diskWithRoomIsUpAndATinyThresholdTakesItDownOrDegradesIt() {
        assertComponent(
                probe(new DiskSpaceReadiness(config(Map.of(
                        "trawl.health.disk.warn-below-percent", "0", "trawl.health.disk.fail-below-percent", "0")))),
                "up",
                "free on .");
        assertComponent(
                probe(new DiskSpaceReadiness(config(Map.of(
                        "trawl.health.disk.warn-below-percent",
                        "100.1",
                        "trawl.health.disk.fail-below-percent",
                        "0")))),
                "degraded",
                "under the 100 % warning level");
        assertComponent(
                probe(new DiskSpaceReadiness(config(Map.of(
                        "trawl.health.disk.warn-below-percent",
                        "100.1",
                        "trawl.health.disk.fail-below-percent",
                        "100.1")))),
                "down",
                "under the 100 % limit");
    }

    @Test
    void aMissingDiskPathIsDown() {
        assertComponent(
                probe(new DiskSpaceReadiness(config(Map.of("trawl.health.disk.path", "/no/such/dir/trawl")))),
                "down",
                "NoSuchFileException");
    }

    @Test
    void heapIsUpDegradedOrDownByItsShareInUse() {
        assertComponent(probe(new HeapReadiness(() -> 0.5, config(Map.of()))), "up", "heap in use 50.0 %");
        assertComponent(
                probe(new HeapReadiness(() -> 0.9, config(Map.of()))), "degraded", "over the 85 % warning level");
        assertComponent(probe(new HeapReadiness(() -> 0.97, config(Map.of()))), "down", "over the 95 % limit");
    }

    @Test
    void theStartupProbeIsBoundedWhenPostgresqlNeverAnswers() {
        EventLog events = new EventLog(
                redis(6379),
                new RedisKeys(mapping(RedisConfig.class, Map.of())),
                mapping(EventsConfig.class, Map.of()),
                new ObjectMapper());
        // an API pod: the connector's consumer groups are not asked about
        StartupChecks startup =
                new StartupChecks(events, null, roles("api"), pool(SILENT.port(), "trawl"), config(Map.of()));
        HealthCheckResponse response = probe(startup);
        assertThat(response.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.getData().orElseThrow()).containsEntry("migrationsApplied", -1L);
    }

    private static void assertComponent(HealthCheckResponse response, String status, String message) {
        Map<String, Object> data = response.getData().orElseThrow();
        assertThat(data.get("status"))
                .as("status of %s: %s", response.getName(), data)
                .isEqualTo(status);
        assertThat(response.getStatus())
                .isEqualTo("down".equals(status) ? HealthCheckResponse.Status.DOWN : HealthCheckResponse.Status.UP);
        assertThat((String) data.get("message")).contains(message);
        assertThat((Long) data.get("durationMs")).isBetween(0L, BOUND_MS);
    }

    private static HealthCheckResponse probe(io.smallrye.health.api.AsyncHealthCheck check) {
        long start = System.nanoTime();
        HealthCheckResponse response = check.call().await().atMost(Duration.ofMillis(BOUND_MS));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(BOUND_MS);
        return response;
    }

    private static HealthConfig config(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("trawl.health.timeout", TIMEOUT.toMillis() + "MS"));
        all.putAll(values);
        return mapping(HealthConfig.class, all);
    }

    private static RolesConfig roles(String roles) {
        return mapping(RolesConfig.class, Map.of("trawl.roles", roles));
    }

    private static <T> T mapping(Class<T> type, Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(type)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withDefaultValues(values)
                .build();
        return config.getConfigMapping(type);
    }

    private static io.vertx.mutiny.sqlclient.Pool pool(int port, String database) {
        return PgPool.pool(
                VERTX,
                new PgConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(port)
                        .setDatabase(database)
                        .setUser("postgres")
                        .setConnectTimeout(10_000),
                new PoolOptions().setMaxSize(1));
    }

    private static Redis redis(int port) {
        return Redis.createClient(VERTX, "redis://127.0.0.1:" + port);
    }

    /** Accepts connections on 127.0.0.1 and never says a word: a dependency that hangs. */
    private static final class SilentServer implements AutoCloseable {

        private final ServerSocket socket;
        private final List<Socket> accepted = new ArrayList<>();

        SilentServer() {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            CompletableFuture.runAsync(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        synchronized (accepted) {
                            accepted.add(client);
                        }
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
            synchronized (accepted) {
                for (Socket client : accepted) {
                    client.close();
                }
            }
        }
    }
}
