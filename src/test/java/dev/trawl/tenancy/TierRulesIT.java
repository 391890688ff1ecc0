package dev.trawl.tenancy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.maintenance.QueueReconciler;
import dev.trawl.support.Keys;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Tiers enforced: fair shares of the workers, a cap on unfinished jobs, and what each tier may ask for. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(TierRulesIT.SmallTiers.class)
class TierRulesIT {

    static final String PROFILED_HOST = "127.0.0.5";

    /** Small shares and quotas, a profile with a header, no periodic reconciler, a key prefix of their own. */
    public static class SmallTiers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("trawl.tiers.enforced", "true"),
                    Map.entry("trawl.tiers.api-key.max-in-flight", "2"),
                    Map.entry("trawl.tiers.api-key.max-queued", "50"),
                    Map.entry("trawl.tiers.premium.profiles", "other"),
                    Map.entry("trawl.sites.members.host-pattern", PROFILED_HOST),
                    Map.entry("trawl.sites.members.headers.X-Members", "only-for-allowed-tiers"),
                    // lost places are given back when the test says so, not by a check racing it
                    Map.entry("trawl.recovery.reconcile-interval", "1H"),
                    Map.entry("trawl.redis.key-prefix", TestServices.KEY_PREFIX + "tiers:"));
        }
    }

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    QueueReconciler reconciler;

    private static final StubSite SITE = new StubSite();
    private static final StubSite MEMBERS = new StubSite(PROFILED_HOST);

    /** The flood's own site, so what it counts at once is the flood's jobs alone. */
    private static final StubSite FLOODED = new StubSite();

    @AfterAll
    static void stopSites() {
        SITE.close();
        MEMBERS.close();
        FLOODED.close();
    }

    private static RequestSpecification as(String key) {
        return key == null ? given() : given().header("Authorization", "Bearer " + key);
    }

    private static ValidatableResponse submit(String key, Map<String, Object> body) {
        return as(key).contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then();
    }

    private static ValidatableResponse batch(String key, List<Map<String, Object>> jobs) {
        return as(key).contentType(ContentType.JSON)
                .body(Map.of("jobs", jobs))
                .when()
                .post("/v1/jobs/batch")
                .then();
    }

    private static String status(String key, String id) {
        return as(key).when()
                .get("/v1/jobs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("status");
    }

    private static long unfinished(String key, List<String> ids) {
        return ids.stream().filter(id -> !"succeeded".equals(status(key, id))).count();
    }

    @Test
    void aFloodingTenantHoldsOnlyItsShareAndAnotherTenantsJobIsNotStarved() {
        String flooder = Keys.issue("flooder", "api-key");
        String other = Keys.issue("other", "api-key");
        FLOODED.html("/slow", "<title>slow</title>").latency("/slow", Duration.ofMillis(300));
        SITE.html("/quick", "<title>quick</title>");
        List<Map<String, Object>> flood = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            flood.add(Map.of("url", FLOODED.url("/slow?n=" + i), "formats", List.of("metadata")));
        }
        List<String> flooded = batch(flooder, flood).statusCode(202).extract().path("jobs.id");

        String single = submit(other, Map.of("url", SITE.url("/quick"), "formats", List.of("metadata")))
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(WAIT).until(() -> "succeeded".equals(status(other, single)));

        // 40 jobs at 300 ms, two at a time, take 6 s: the single job did not wait behind them
        assertThat(unfinished(flooder, flooded)).isGreaterThanOrEqualTo(20);
        await().atMost(WAIT).until(() -> unfinished(flooder, flooded) == 0);
        assertThat(FLOODED.maxInFlight())
                .as("the flooder's jobs running at once across the fleet")
                .isLessThanOrEqualTo(2);
    }

    @Test
    void moreUnfinishedJobsThanTheTierAllowsAre429AndAHeldJobCanBeCancelled() {
        String key = Keys.issue("quota", "api-key");
        // no job of this caller ends before the test has seen the quota full
        CountDownLatch gate = SITE.gatedHtml("/held-back", "<title>held</title>");
        List<Map<String, Object>> jobs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            jobs.add(Map.of("url", SITE.url("/held-back?q=" + UUID.randomUUID()), "formats", List.of("metadata")));
        }
        List<String> accepted = batch(key, jobs).statusCode(202).extract().path("jobs.id");

        submit(key, Map.of("url", SITE.url("/one-more")))
                .statusCode(429)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/queue-quota-exceeded"));
        batch(key, List.of(Map.of("url", SITE.url("/batch-more")))).statusCode(429);

        // the last job waits its turn; cancelling it frees its place in the quota at once
        String last = accepted.get(accepted.size() - 1);
        assertThat(status(key, last)).isEqualTo("queued");
        as(key).when().delete("/v1/jobs/" + last).then().statusCode(202).body("status", equalTo("cancelled"));
        submit(key, Map.of("url", SITE.url("/after-cancel"))).statusCode(202);
        gate.countDown();
    }

    @Test
    void placesOfJobsThatEndedWithoutTellingRedisAreGivenBack() {
        var created = given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + Keys.ADMIN_TOKEN)
                .body(Map.of("name", "lost releases", "tier", "api-key"))
                .when()
                .post("/v1/admin/keys")
                .then()
                .statusCode(201)
                .extract();
        String key = created.path("key");
        String tenant = "key:" + created.path("id");
        SITE.html("/lost", "<title>lost</title>");
        String ended = submit(key, Map.of("url", SITE.url("/lost?1")))
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(WAIT).until(() -> "succeeded".equals(status(key, ended)));

        // as if the releases of two jobs that ended had never reached Redis: both places stay taken
        String fair = TestServices.KEY_PREFIX + "tiers:fair:";
        String unknown = UUID.randomUUID().toString();
        try (RedisCli redis = new RedisCli()) {
            redis.call("SADD", fair + tenant + ":running", ended, unknown);
            redis.call("HSET", fair + "owners", ended, tenant, unknown, tenant);
        }
        String waiting = submit(key, Map.of("url", SITE.url("/lost?2")))
                .statusCode(202)
                .extract()
                .path("id");
        assertThat(status(key, waiting)).isEqualTo("queued");

        await().atMost(WAIT).until(() -> {
            reconciler.releaseEnded().await().atMost(WAIT);
            return "succeeded".equals(status(key, waiting));
        });
    }

    @Test
    void aTierMayNotAskForMoreThanItAllows() {
        ValidatableResponse crawl = submit(null, Map.of("url", SITE.url("/big"), "crawl", Map.of("maxPages", 11)));
        crawl.statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/tier-forbids"))
                .body("field", equalTo("crawl.maxPages"));
        submit(null, Map.of("url", SITE.url("/rendered"), "render", true))
                .statusCode(403)
                .body("field", equalTo("render"));
        submit(null, Map.of("url", SITE.url("/small"), "crawl", Map.of("maxPages", 10)))
                .statusCode(202);

        String key = Keys.issue("renderer", "api-key");
        batch(
                        key,
                        List.of(
                                Map.of("url", SITE.url("/fine")),
                                Map.of("url", SITE.url("/huge"), "crawl", Map.of("maxPages", 1001))))
                .statusCode(202)
                .body("jobs[0].status", equalTo("queued"))
                .body("jobs[1].error.field", equalTo("crawl.maxPages"));
    }

    @Test
    void aSiteProfilesHeadersGoOnlyWithJobsOfTiersAllowedIt() {
        MEMBERS.html("/anonymous", "<title>a</title>")
                .html("/premium", "<title>p</title>")
                .html("/key", "<title>k</title>");
        String premium = Keys.issue("premium, other profiles only", "premium");
        String apiKey = Keys.issue("api key, every profile", "api-key");

        String ofAnonymous = submit(null, Map.of("url", MEMBERS.url("/anonymous")))
                .statusCode(202)
                .extract()
                .path("id");
        String ofPremium = submit(premium, Map.of("url", MEMBERS.url("/premium")))
                .statusCode(202)
                .extract()
                .path("id");
        String ofKey = submit(apiKey, Map.of("url", MEMBERS.url("/key")))
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(WAIT)
                .until(() -> "succeeded".equals(status(null, ofAnonymous))
                        && "succeeded".equals(status(premium, ofPremium))
                        && "succeeded".equals(status(apiKey, ofKey)));

        assertThat(MEMBERS.lastHeaders("/anonymous")).doesNotContainKey("x-members");
        assertThat(MEMBERS.lastHeaders("/premium")).doesNotContainKey("x-members");
        assertThat(MEMBERS.lastHeaders("/key")).containsEntry("x-members", "only-for-allowed-tiers");
    }
}
