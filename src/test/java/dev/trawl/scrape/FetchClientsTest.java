package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trawl.support.StubSite;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FetchClientsTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private record Recycling(Duration maxAge, int maxJobs, double heapThreshold, Duration heapMinAge)
            implements FetchRecycleConfig {}

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong heapPermille = new AtomicLong(300);
    private final List<WebClient> created = new ArrayList<>();
    private Vertx vertx;
    private SimpleMeterRegistry registry;
    private FetchClients clients;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx();
        registry = new SimpleMeterRegistry();
    }

    @AfterEach
    void stopVertx() {
        if (clients != null) {
            clients.shutDown();
        }
        vertx.closeAndAwait();
    }

    private FetchClients clients(Recycling config) {
        clients = new FetchClients(
                () -> {
                    WebClient client = WebClient.create(vertx);
                    created.add(client);
                    return client;
                },
                config,
                now::get,
                () -> heapPermille.get() / 1000.0,
                registry);
        return clients;
    }

    private static Recycling byJobs(int maxJobs) {
        return new Recycling(Duration.ofHours(6), maxJobs, 0.85, Duration.ofMinutes(1));
    }

    private double recycles(String reason) {
        return registry.get("trawl.fetch.recycles")
                .tag("reason", reason)
                .counter()
                .count();
    }

    private long leaseAndClose(FetchClients clients) {
        FetchClients.Lease lease = clients.acquire();
        long generation = lease.generation();
        lease.close();
        return generation;
    }

    @Test
    void aClientIsReplacedOnceItHasServedMaxJobsLeases() {
        FetchClients clients = clients(byJobs(3));
        List<Long> generations = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            generations.add(leaseAndClose(clients));
        }
        assertThat(generations).containsExactly(1L, 1L, 1L, 2L, 2L, 2L, 3L);
        assertThat(created).hasSize(3);
        assertThat(recycles("jobs")).isEqualTo(2.0);
        assertThat(recycles("age")).isZero();
        assertThat(recycles("heap")).isZero();
    }

    @Test
    void aClientIsReplacedOnceItIsOlderThanMaxAge() {
        FetchClients clients = clients(new Recycling(Duration.ofHours(6), 500, 0.85, Duration.ofMinutes(1)));
        assertThat(leaseAndClose(clients)).isEqualTo(1);
        now.addAndGet(Duration.ofHours(6).minusSeconds(1).toNanos());
        assertThat(leaseAndClose(clients)).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(leaseAndClose(clients)).isEqualTo(2);
        assertThat(leaseAndClose(clients)).isEqualTo(2);
        assertThat(recycles("age")).isEqualTo(1.0);
    }

    @Test
    void aClientIsReplacedWhileTheHeapIsHighButNotOnEveryJob() {
        FetchClients clients = clients(new Recycling(Duration.ofHours(6), 500, 0.85, Duration.ofMinutes(1)));
        assertThat(leaseAndClose(clients)).isEqualTo(1);
        heapPermille.set(900);
        // The client is younger than heap-min-age: replacing it would not help.
        assertThat(leaseAndClose(clients)).isEqualTo(1);
        now.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(leaseAndClose(clients)).isEqualTo(2);
        assertThat(recycles("heap")).isEqualTo(1.0);
        // The heap stays high, but the new client is young: it is kept.
        assertThat(leaseAndClose(clients)).isEqualTo(2);
        heapPermille.set(500);
        now.addAndGet(Duration.ofMinutes(5).toNanos());
        assertThat(leaseAndClose(clients)).isEqualTo(2);
        assertThat(recycles("heap")).isEqualTo(1.0);
    }

    @Test
    void aReplacedClientIsClosedOnlyWhenItsLastLeaseCloses() {
        FetchClients clients = clients(byJobs(2));
        try (StubSite site = new StubSite()) {
            site.html("/page", "<title>p</title>");
            FetchClients.Lease first = clients.acquire();
            FetchClients.Lease second = clients.acquire();
            FetchClients.Lease third = clients.acquire();
            assertThat(first.generation()).isEqualTo(1);
            assertThat(second.generation()).isEqualTo(1);
            assertThat(third.generation()).isEqualTo(2);
            assertThat(recycles("jobs")).isEqualTo(1.0);

            first.close();
            assertThat(second.clientClosed()).isFalse();
            // The job in hand still fetches on the client it started with.
            int status = second.client()
                    .getAbs(site.url("/page"))
                    .send()
                    .await()
                    .atMost(WAIT)
                    .statusCode();
            assertThat(status).isEqualTo(200);

            WebClient retired = second.client();
            second.close();
            assertThat(second.clientClosed()).isTrue();
            assertThatThrownBy(() ->
                            retired.getAbs(site.url("/page")).send().await().atMost(WAIT))
                    .hasMessageContaining("closed");
            assertThat(site.hits("/page")).isEqualTo(1);

            assertThat(third.clientClosed()).isFalse();
            third.close();
            assertThat(third.clientClosed()).isFalse();
        }
    }

    @Test
    void aReplacedClientWithNoLeaseOpenIsClosedAtOnce() {
        FetchClients clients = clients(byJobs(1));
        FetchClients.Lease first = clients.acquire();
        first.close();
        FetchClients.Lease second = clients.acquire();
        assertThat(second.generation()).isEqualTo(2);
        assertThat(first.clientClosed()).isTrue();
        assertThat(second.clientClosed()).isFalse();
        second.close();
    }

    @Test
    void closingALeaseTwiceReleasesItOnce() {
        FetchClients clients = clients(byJobs(2));
        FetchClients.Lease first = clients.acquire();
        FetchClients.Lease second = clients.acquire();
        first.close();
        first.close();
        clients.acquire().close();
        assertThat(second.clientClosed()).isFalse();
        second.close();
        assertThat(second.clientClosed()).isTrue();
        assertThatThrownBy(second::client).isInstanceOf(IllegalStateException.class);
    }
}
