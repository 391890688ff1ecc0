package dev.trawl.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import io.quarkus.test.common.http.TestHTTPResource;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A Redis that requires a password: every path to Redis must use it. The submit (Quarkus
 * client), the queue connector's own clients (the XADD behind the submit, the worker's reads) and
 * the events that reach a follower live while the job runs (the pub/sub connection) each fail
 * without it. {@link RedisPasswordInUrlIT} gives the password as the deployments do (in
 * QUARKUS_REDIS_HOSTS, deploy/k8s/secret.yaml), {@link RedisSeparatePasswordIT} apart from the URL.
 */
abstract class RedisPasswordChecks {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final StubSite SITE = new StubSite();

    @TestHTTPResource("/")
    URL base;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void theRedisInUseRefusesCallersWithoutThePassword() {
        try (RedisCli redis = new RedisCli(PasswordProtectedRedis.port)) {
            assertThatThrownBy(() -> redis.call("PING")).hasMessageContaining("NOAUTH");
        }
    }

    @Test
    void aJobIsQueuedTakenAndFollowedLiveThroughAPasswordProtectedRedis() {
        CountDownLatch gate = SITE.gatedHtml("/guarded", "<title>guarded</title>");
        String id = Jobs.submit(SITE.url("/guarded"));
        List<String> types = new ArrayList<>();
        try (SseClient sse = SseClient.open(base + "v1/jobs/" + id + "/events", null)) {
            assertThat(sse.status()).isEqualTo(200);
            // the stream is open and subscribed before the page is let through: what follows is live
            types.add(sse.next(WAIT).type());
            Jobs.awaitStatus(id, "running");
            gate.countDown();
            for (SseClient.Event event : sse.readToEnd(WAIT)) {
                types.add(event.type());
            }
        } finally {
            gate.countDown();
        }
        assertThat(types).startsWith("queued").contains("started").endsWith("succeeded");
        assertThat(Jobs.status(id)).isEqualTo("succeeded");
    }
}
