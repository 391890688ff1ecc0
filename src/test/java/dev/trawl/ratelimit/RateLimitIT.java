package dev.trawl.ratelimit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import dev.trawl.support.Keys;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(RateLimitIT.SmallBudgets.class)
class RateLimitIT {

    /** Budgets small enough to spend in a test, under a key prefix of their own. */
    public static class SmallBudgets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("trawl.rate-limit.enabled", "true"),
                    Map.entry("trawl.rate-limit.anonymous.per-minute", "3"),
                    Map.entry("trawl.rate-limit.api-key.per-minute", "6"),
                    Map.entry("trawl.rate-limit.premium.per-minute", "60"),
                    Map.entry("trawl.rate-limit.premium.capacity", "4"),
                    Map.entry("trawl.rate-limit.redis-timeout", "500MS"),
                    Map.entry("trawl.rate-limit.fallback-for", "1S"),
                    Map.entry("trawl.rate-limit.expected-pods", "3"),
                    Map.entry("trawl.redis.key-prefix", PREFIX));
        }
    }

    // fixed, not random: the profile and the test may see this class loaded twice; the suite's prefix is cleared at its
    // start
    static final String PREFIX = TestServices.KEY_PREFIX + "ratelimit:";
    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static boolean redisDecides;

    @BeforeEach
    void fullAnonymousBucket() {
        if (!redisDecides) {
            // a cold JVM's first decisions may outlast the Redis timeout; the tests start once Redis decides
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "3".equals(read().header(RateLimitHeaders.LIMIT)));
            redisDecides = true;
        }
        try (RedisCli redis = new RedisCli()) {
            anonymousBuckets(redis).forEach(bucket -> redis.call("DEL", bucket));
        }
    }

    /** The test client's bucket (its address may be IPv4 or IPv6 loopback, so it is looked up, not computed). */
    private static List<String> anonymousBuckets(RedisCli redis) {
        List<String> buckets = new ArrayList<>();
        for (Object key : (List<?>) redis.call("KEYS", PREFIX + "rate:anonymous:*")) {
            buckets.add(String.valueOf(key));
        }
        return buckets;
    }

    private static ExtractableResponse<Response> read(String... header) {
        var request = given();
        if (header.length == 2) {
            request = request.header(header[0], header[1]);
        }
        return request.when().get("/v1/jobs/" + UUID.randomUUID()).then().extract();
    }

    private static long headerOf(ExtractableResponse<Response> response, String name) {
        return Long.parseLong(response.header(name));
    }

    @Test
    void anonymousCallersGetTheirBudgetThenA429() {
        for (int left = 2; left >= 0; left--) {
            var allowed = read();
            assertThat(allowed.statusCode()).isEqualTo(404);
            assertThat(headerOf(allowed, RateLimitHeaders.LIMIT)).isEqualTo(3);
            assertThat(headerOf(allowed, RateLimitHeaders.REMAINING)).isEqualTo(left);
            assertThat(headerOf(allowed, RateLimitHeaders.RESET)).isBetween(1L, 60L);
        }

        var refused = read();
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.<String>path("type")).endsWith("/rate-limited");
        assertThat(refused.<Integer>path("status")).isEqualTo(429);
        // 3 a minute: the next token is 20 s away
        assertThat(headerOf(refused, "Retry-After")).isBetween(19L, 20L);
        assertThat(headerOf(refused, RateLimitHeaders.REMAINING)).isZero();
    }

    @Test
    void tokensComeBackAsTimePasses() {
        for (int i = 0; i < 3; i++) {
            read();
        }
        assertThat(read().statusCode()).isEqualTo(429);

        // a minute passes, as far as the bucket knows
        try (RedisCli redis = new RedisCli()) {
            List<String> buckets = anonymousBuckets(redis);
            assertThat(buckets).hasSize(1);
            long at = Long.parseLong(String.valueOf(redis.call("HGET", buckets.get(0), "at")));
            redis.call("HSET", buckets.get(0), "at", Long.toString(at - 60_000));
        }

        var again = read();
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(headerOf(again, RateLimitHeaders.REMAINING)).isEqualTo(2);
    }

    @Test
    void eachTierHasItsOwnBudgetAndAdminsNone() {
        String plain = Keys.issue("plain " + UUID.randomUUID(), "api-key");
        String premium = Keys.issue("premium " + UUID.randomUUID(), "premium");
        String admin = Keys.issue("admin " + UUID.randomUUID(), "admin");

        assertThat(headerOf(read("X-API-Key", plain), RateLimitHeaders.LIMIT)).isEqualTo(6);
        assertThat(headerOf(read("X-API-Key", premium), RateLimitHeaders.LIMIT)).isEqualTo(4);
        for (int i = 0; i < 10; i++) {
            var unlimited = read("Authorization", "Bearer " + admin);
            assertThat(unlimited.statusCode()).isEqualTo(404);
            assertThat(unlimited.header(RateLimitHeaders.LIMIT)).isNull();
        }
        // one anonymous caller spending its budget leaves a key holder's alone
        for (int i = 0; i < 4; i++) {
            read();
        }
        assertThat(read("X-API-Key", plain).statusCode()).isEqualTo(404);
    }

    @Test
    void aBatchCostsOneTokenPerJob() {
        String premium = Keys.issue("batcher " + UUID.randomUUID(), "premium");
        Map<String, Object> threeJobs = Map.of("jobs", List.of(job(), job(), job()));

        var accepted = given().contentType(ContentType.JSON)
                .header("X-API-Key", premium)
                .body(threeJobs)
                .when()
                .post("/v1/jobs/batch")
                .then()
                .extract();
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(headerOf(accepted, RateLimitHeaders.REMAINING)).isEqualTo(1);

        given().contentType(ContentType.JSON)
                .header("X-API-Key", premium)
                .body(threeJobs)
                .when()
                .post("/v1/jobs/batch")
                .then()
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/rate-limited"));
    }

    @Test
    void aConcurrentBurstGetsNoMoreThanTheBudget() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                calls.add(() -> read().statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(calls)) {
                statuses.add(status.get());
            }
            assertThat(statuses).filteredOn(s -> s == 404).hasSize(3);
            assertThat(statuses).filteredOn(s -> s == 429).hasSize(37);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void probesAndMetricsAreNotLimited() {
        for (int i = 0; i < 5; i++) {
            read();
        }
        for (int i = 0; i < 5; i++) {
            given().when().get("/q/health/live").then().statusCode(200).header(RateLimitHeaders.LIMIT, nullValue());
        }
    }

    @Test
    void withRedisStalledEachPodLimitsAloneThenRedisDecidesAgain() {
        try (RedisCli redis = new RedisCli()) {
            // scripts are writes: for 5 s no decision can be made in Redis
            redis.call("CLIENT", "PAUSE", "5000", "WRITE");
            var alone = read();
            assertThat(alone.statusCode()).isEqualTo(404);
            // this pod's share: 3 a minute across 3 expected pods
            assertThat(headerOf(alone, RateLimitHeaders.LIMIT)).isEqualTo(1);
            assertThat(read().statusCode()).isEqualTo(429);
            given().when()
                    .get("/q/health/ready")
                    .then()
                    .statusCode(200)
                    .body(
                            "checks.find { it.name == 'trawl-rate-limits' }.data.mode",
                            equalTo("degraded: per pod (Redis unavailable)"));
        }
        await().atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> headerOf(read(), RateLimitHeaders.LIMIT) == 3);
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("checks.name", hasItem("trawl-rate-limits"))
                .body("checks.find { it.name == 'trawl-rate-limits' }.data.mode", equalTo("cluster"));
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(org.hamcrest.Matchers.containsString(
                        "trawl_ratelimit_decisions_total{outcome=\"denied\",source=\"local\""));
    }

    private static Map<String, Object> job() {
        return Map.of("url", SITE.url("/batch/" + UUID.randomUUID()), "dedupe", false);
    }
}
