package dev.trawl.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.SseClient;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A Redis that speaks only TLS, given as {@code rediss://} with a trust store of the test's own CA
 * and the host name checked: every path to Redis goes over it. The submit (Quarkus client), the
 * queue connector's own clients (the XADD behind the submit, the worker's XREADGROUP and XACK)
 * and the events that reach a follower live while the job runs (the pub/sub connection) would each
 * fail without the TLS configuration, and nothing is left to the shared plain Redis.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@QuarkusTestResource(value = TlsOnlyRedis.class, restrictToAnnotatedClass = true)
class RedisTlsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final StubSite SITE = new StubSite();

    @TestHTTPResource("/")
    URL base;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void theRedisInUseRefusesPlainConnections() {
        try (RedisCli plain = new RedisCli(TlsOnlyRedis.port)) {
            assertThatThrownBy(() -> plain.call("PING")).isInstanceOf(IllegalStateException.class);
        }
        try (RedisCli tls = TlsOnlyRedis.client()) {
            assertThat(tls.call("PING")).isEqualTo("PONG");
        }
    }

    @Test
    void aJobIsQueuedTakenAndFollowedLiveOverTls() {
        CountDownLatch gate = SITE.gatedHtml("/over-tls", "<title>over tls</title>");
        String id = Jobs.submit(SITE.url("/over-tls"));
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

        String events = TestServices.KEY_PREFIX + "job:" + id + ":events";
        String workers = TestServices.KEY_PREFIX + "jobs:normal";
        try (RedisCli tls = TlsOnlyRedis.client()) {
            assertThat((Long) tls.call("XLEN", events)).isGreaterThanOrEqualTo(3L);
            // the worker read the entry through the connector and acknowledged it
            assertThat((Long) tls.call("XLEN", workers)).isGreaterThanOrEqualTo(1L);
        }
        await().atMost(WAIT).untilAsserted(() -> {
            try (RedisCli tls = TlsOnlyRedis.client()) {
                assertThat((List<?>) tls.call("XPENDING", workers, "workers"))
                        .first()
                        .isEqualTo(0L);
            }
        });
        try (RedisCli shared = new RedisCli()) {
            assertThat(shared.call("EXISTS", events)).isEqualTo(0L);
        }
    }
}
