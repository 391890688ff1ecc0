package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.redis.RedisKeys;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Politeness across worker pods, against the real Redis: each pod here is its own Vert.x, its own
 * Redis client and its own {@link SitePoliteness}, and the stub site measures what reaches it.
 */
class SitePolitenessIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration LONG_LEASE = Duration.ofMinutes(2);
    /**
     * Redis spaces the grants; the site sees arrivals, which trail each grant by the client's own
     * thread hops and connection handling. On a busy two-core machine that is a few milliseconds,
     * with the odd 15-20 ms outlier; without politeness the gaps would be about zero.
     */
    private static final long ARRIVAL_TOLERANCE_MS = 30;

    private record Config(
            int maxConcurrency,
            Duration minDelay,
            Duration permitLease,
            Duration maxRetryAfter,
            Duration busyRetry,
            Duration maxWaitStep)
            implements PolitenessConfig {}

    private final List<Vertx> vertxes = new ArrayList<>();
    private final List<Redis> clients = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private StubSite site;
    private RedisCli redis;
    private RedisKeys keys;
    private String prefix;

    @BeforeEach
    void setUp() {
        prefix = TestServices.KEY_PREFIX + "politeness:" + UUID.randomUUID() + ":";
        keys = new RedisKeys(() -> prefix);
        site = new StubSite();
        redis = new RedisCli();
    }

    @AfterEach
    void tearDown() {
        clients.forEach(Redis::close);
        vertxes.forEach(Vertx::closeAndAwait);
        site.close();
        RedisCli.deleteByPrefix(prefix);
        redis.close();
    }

    /** One worker pod: its own event loops and Redis connections, sharing only the Redis server. */
    private SitePoliteness pod(Duration permitLease) {
        Vertx vertx = Vertx.vertx();
        Redis client = Redis.createClient(vertx, "redis://127.0.0.1:6379");
        vertxes.add(vertx);
        clients.add(client);
        return new SitePoliteness(
                client,
                vertx,
                keys,
                new Config(
                        2,
                        Duration.ofMillis(500),
                        permitLease,
                        Duration.ofMinutes(10),
                        Duration.ofMillis(20),
                        Duration.ofSeconds(5)));
    }

    private String host() {
        return URI.create(site.url("/")).getHost();
    }

    /** What a worker does: wait for a permit, fetch, and release the permit however the fetch ended. */
    private Uni<Integer> politeGet(SitePoliteness pod, String path, SiteLimits limits) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(site.url(path))).build();
        return pod.acquire(host(), limits)
                .chain(permit -> Uni.createFrom()
                        .completionStage(() -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                        .onItemOrFailure()
                        .call((response, failure) -> permit.release())
                        .map(HttpResponse::statusCode));
    }

    /** Fetches {@code path} {@code count} times at once, half through each of two pods. */
    private List<Integer> fetchFromTwoPods(int count, String path, SiteLimits limits) {
        SitePoliteness podA = pod(LONG_LEASE);
        SitePoliteness podB = pod(LONG_LEASE);
        // The first requests of a pod pay for class loading and new connections, which would
        // show up in the site's timings as if politeness had let requests bunch up.
        site.html("/warm-up", "<p>warm</p>");
        fetchAll(List.of(podA, podB), 4, "/warm-up", new SiteLimits(4, Duration.ZERO));
        return fetchAll(List.of(podA, podB), count, path, limits);
    }

    private List<Integer> fetchAll(List<SitePoliteness> pods, int count, String path, SiteLimits limits) {
        List<Uni<Integer>> fetches = IntStream.range(0, count)
                .mapToObj(i -> politeGet(pods.get(i % pods.size()), path, limits))
                .toList();
        return Uni.join().all(fetches).andFailFast().await().atMost(WAIT);
    }

    @Test
    void twoPodsTogetherNeverHaveMoreThanMaxConcurrencyRequestsInFlight() {
        site.html("/page", "<p>slow</p>").latency("/page", Duration.ofMillis(60));

        List<Integer> statuses = fetchFromTwoPods(40, "/page", new SiteLimits(3, Duration.ZERO));

        assertThat(statuses).hasSize(40).containsOnly(200);
        assertThat(site.hits("/page")).isEqualTo(40);
        assertThat(site.maxInFlight())
                .as("most requests the site served at once")
                .isEqualTo(3);
    }

    @Test
    void twoPodsTogetherStartRequestsAtLeastMinDelayApart() {
        site.html("/page", "<p>paced</p>");

        List<Integer> statuses = fetchFromTwoPods(8, "/page", new SiteLimits(3, Duration.ofMillis(200)));

        assertThat(statuses).hasSize(8).containsOnly(200);
        List<Long> starts = site.arrivals("/page");
        assertThat(starts).hasSize(8);
        for (int i = 1; i < starts.size(); i++) {
            assertThat(Duration.ofNanos(starts.get(i) - starts.get(i - 1)).toMillis())
                    .as("gap before request %d", i)
                    .isGreaterThanOrEqualTo(200 - ARRIVAL_TOLERANCE_MS);
        }
        assertThat(Duration.ofNanos(starts.get(7) - starts.get(0)).toMillis())
                .isGreaterThanOrEqualTo(7 * 200 - ARRIVAL_TOLERANCE_MS);
    }

    @Test
    void aRetryAfterOnReleaseHoldsBackTheNextStartOnEveryPod() {
        site.reply("/busy", new StubSite.Reply(503, "text/plain", "busy".getBytes(), Map.of("Retry-After", "1"), null));
        site.html("/page", "<p>back</p>");
        SitePoliteness podA = pod(LONG_LEASE);
        SitePoliteness podB = pod(LONG_LEASE);
        SiteLimits limits = new SiteLimits(3, Duration.ZERO);

        SitePermit permit = podA.acquire(host(), limits).await().atMost(WAIT);
        HttpResponse<Void> busy = http.sendAsync(
                        HttpRequest.newBuilder(URI.create(site.url("/busy"))).build(),
                        HttpResponse.BodyHandlers.discarding())
                .join();
        Duration retryAfter = new RetryAfter(Duration.ofMinutes(10))
                .parse(busy.headers().firstValue("Retry-After").orElse(null), Instant.now())
                .orElseThrow();
        long released = System.nanoTime();
        permit.release(retryAfter).await().atMost(WAIT);

        assertThat(politeGet(podB, "/page", limits).await().atMost(WAIT)).isEqualTo(200);
        // Redis rounds its clock down to the millisecond, so allow that one.
        assertThat(Duration.ofNanos(site.arrivals("/page").get(0) - released).toMillis())
                .isGreaterThanOrEqualTo(999);
    }

    @Test
    void aPermitThatIsNeverReleasedFreesItsSlotWhenItsLeaseRunsOut() {
        Duration lease = Duration.ofSeconds(1);
        SitePoliteness deadPod = pod(lease);
        SitePoliteness livePod = pod(lease);
        SiteLimits limits = new SiteLimits(1, Duration.ZERO);
        SitePermit abandoned = deadPod.acquire(host(), limits).await().atMost(WAIT);

        CompletableFuture<SitePermit> waiting = livePod.acquire(host(), limits).subscribeAsCompletionStage();

        await().during(Duration.ofMillis(500)).atMost(Duration.ofMillis(900)).until(() -> !waiting.isDone());
        await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThat(holders()).containsExactly(waiting.join().id()).doesNotContain(abandoned.id());
    }

    @Test
    void aKeptAlivePermitOutlivesItsLeaseWhileItsPodLivesAndFreesTheSlotOnceThePodDies() {
        Duration lease = Duration.ofMillis(600);
        Vertx holderVertx = Vertx.vertx();
        Redis holderClient = Redis.createClient(holderVertx, "redis://127.0.0.1:6379");
        SitePoliteness holderPod = new SitePoliteness(
                holderClient,
                holderVertx,
                keys,
                new Config(
                        2,
                        Duration.ofMillis(500),
                        lease,
                        Duration.ofMinutes(10),
                        Duration.ofMillis(20),
                        Duration.ofSeconds(5)));
        SiteLimits limits = new SiteLimits(1, Duration.ZERO);
        SitePermit held = holderPod.acquire(host(), limits).await().atMost(WAIT).keepAlive();

        CompletableFuture<SitePermit> waiting =
                pod(lease).acquire(host(), limits).subscribeAsCompletionStage();
        await().during(lease.multipliedBy(3)).atMost(lease.multipliedBy(4)).until(() -> !waiting.isDone());
        assertThat(holders()).containsExactly(held.id());

        holderClient.close();
        holderVertx.closeAndAwait();
        await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
        assertThat(holders()).containsExactly(waiting.join().id());
    }

    @Test
    void releasingTwiceFreesOnlyOneSlot() {
        SitePoliteness pod = pod(LONG_LEASE);
        SiteLimits limits = new SiteLimits(2, Duration.ZERO);
        SitePermit first = pod.acquire(host(), limits).await().atMost(WAIT);
        SitePermit second = pod.acquire(host(), limits).await().atMost(WAIT);

        first.release().await().atMost(WAIT);
        first.release().await().atMost(WAIT);
        first.release(Duration.ofSeconds(30)).await().atMost(WAIT);

        assertThat(holders()).containsExactly(second.id());
        assertThat(redis.call("HGET", keys.sitePace(host()), "paused-until"))
                .as("a late second release does nothing")
                .isNull();
        assertThat(first.renew().await().atMost(WAIT)).isFalse();
    }

    @Test
    void renewingExtendsTheLeaseButALapsedLeaseIsLost() {
        SitePoliteness pod = pod(Duration.ofSeconds(1));
        SitePermit permit =
                pod.acquire(host(), new SiteLimits(1, Duration.ZERO)).await().atMost(WAIT);
        double firstExpiry = leaseExpiry(permit);

        await().atMost(WAIT).until(() -> permit.renew().await().atMost(WAIT) && leaseExpiry(permit) > firstExpiry);

        double renewedExpiry = leaseExpiry(permit);
        await().atMost(Duration.ofSeconds(5)).until(() -> redisNowMillis() > renewedExpiry);
        assertThat(permit.renew().await().atMost(WAIT)).isFalse();
        assertThat(holders()).isEmpty();
    }

    @Test
    void aCancelledAcquireLeavesNoPermitBehind() {
        SitePoliteness pod = pod(LONG_LEASE);
        SiteLimits limits = new SiteLimits(1, Duration.ZERO);
        SitePermit holder = pod.acquire(host(), limits).await().atMost(WAIT);
        Cancellable waiting = pod.acquire(host(), limits).subscribe().with(permit -> {});

        waiting.cancel();
        holder.release().await().atMost(WAIT);

        await().during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(1))
                .until(() -> holders().isEmpty());
        assertThat(pod.acquire(host(), limits).await().atMost(WAIT)).isNotNull();
    }

    @Test
    void anIdleSiteLeavesNoKeysBehind() {
        SitePoliteness pod = pod(Duration.ofSeconds(1));
        SitePermit permit = pod.acquire(host(), new SiteLimits(2, Duration.ofMillis(100)))
                .await()
                .atMost(WAIT);
        assertThat((Long) redis.call("PTTL", keys.siteHolders(host()))).isBetween(1L, 1000L);

        permit.release(Duration.ofMillis(200)).await().atMost(WAIT);

        assertThat((Long) redis.call("EXISTS", keys.siteHolders(host())))
                .as("no holders left")
                .isZero();
        assertThat((Long) redis.call("PTTL", keys.sitePace(host()))).isBetween(1L, 1200L);
        await().atMost(Duration.ofSeconds(5)).until(() -> (Long) redis.call("EXISTS", keys.sitePace(host())) == 0L);
    }

    @SuppressWarnings("unchecked")
    private List<String> holders() {
        return (List<String>) redis.call("ZRANGE", keys.siteHolders(host()), "0", "-1");
    }

    @SuppressWarnings("unchecked")
    private long redisNowMillis() {
        List<String> time = (List<String>) redis.call("TIME");
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    private double leaseExpiry(SitePermit permit) {
        return Double.parseDouble((String) redis.call("ZSCORE", keys.siteHolders(host()), permit.id()));
    }
}
