package dev.trawl.ratelimit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trawl.support.Keys;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** A busy caller's requests are paid from leases on its bucket: never more than the budget, and at most a lease less. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(RateLimitLeasesIT.BigBudget.class)
class RateLimitLeasesIT {

    static final int BUDGET = 600;

    /** A budget big enough for leases (600, so 6 a lease on one pod) that refills only 1 a minute. */
    public static class BigBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trawl.rate-limit.enabled",
                    "true",
                    "trawl.rate-limit.api-key.per-minute",
                    "1",
                    "trawl.rate-limit.api-key.capacity",
                    Integer.toString(BUDGET),
                    "trawl.rate-limit.expected-pods",
                    "1",
                    "trawl.rate-limit.redis-timeout",
                    "2S",
                    "trawl.redis.key-prefix",
                    TestServices.KEY_PREFIX + "leases:");
        }
    }

    @Test
    void aConcurrentFloodIsAdmittedUpToTheBudgetAndNoFurther() throws Exception {
        String key = Keys.issue("flood", "api-key");
        ExecutorService pool = Executors.newFixedThreadPool(40);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < BUDGET + 200; i++) {
                calls.add(() -> given().header("Authorization", "Bearer " + key)
                        .when()
                        .get("/v1/limiter-probe")
                        .then()
                        .extract()
                        .statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(calls)) {
                statuses.add(status.get());
            }
            long admitted = statuses.stream().filter(s -> s == 404).count();
            assertThat(admitted).isLessThanOrEqualTo(BUDGET).isGreaterThanOrEqualTo(BUDGET - BUDGET / 100);
            assertThat(statuses).filteredOn(s -> s == 429).hasSize((int) (statuses.size() - admitted));
        } finally {
            pool.shutdownNow();
        }
    }
}
