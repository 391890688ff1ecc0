package dev.trawl.schedule;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Database;
import dev.trawl.support.Keys;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A schedule cannot submit beyond its owner's tier: a tick that would is skipped, and says why. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(SchedulesQuotaIT.SmallQuota.class)
class SchedulesQuotaIT {

    /** One job of a key holder in flight, two unfinished at most; a key prefix of its own. */
    public static class SmallQuota implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trawl.tiers.enforced", "true",
                    "trawl.tiers.api-key.max-in-flight", "1",
                    "trawl.tiers.api-key.max-queued", "2",
                    "trawl.redis.key-prefix", TestServices.KEY_PREFIX + "schedule-quota:");
        }
    }

    private static final StubSite SITE = new StubSite();
    private static final Database DB = Database.shared(TestServices.DATABASE);

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void aTickThatWouldPassTheOwnersMaxQueuedSubmitsNothingAndSaysWhy() {
        CountDownLatch release = SITE.gatedHtml("/held", "<title>held</title>");
        try {
            String key = Keys.issue("quota owner", "api-key");
            String id = given().header("Authorization", "Bearer " + key)
                    .contentType(ContentType.JSON)
                    .body(Map.of(
                            "cron",
                            "*/2 * * * * *",
                            "timeZone",
                            "UTC",
                            "job",
                            Map.of("url", SITE.url("/held"), "formats", List.of("metadata"))))
                    .post("/v1/schedules")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");

            // the first tick's job runs (held by the site), the second waits its turn: then the
            // owner has 2 unfinished jobs, all its tier allows, and the next tick is skipped
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                String skip = given().header("Authorization", "Bearer " + key)
                        .get("/v1/schedules/" + id)
                        .then()
                        .extract()
                        .path("lastSkip");
                return skip != null && skip.contains("its tier allows 2");
            });
            assertThat(DB.number("SELECT count(*) FROM jobs WHERE schedule_id = '" + id + "'"))
                    .isEqualTo(2);
            given().header("Authorization", "Bearer " + key)
                    .post("/v1/schedules/" + id + "/pause")
                    .then()
                    .statusCode(200);
        } finally {
            release.countDown();
        }
    }
}
