package dev.trawl.schedule;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.trawl.support.Database;
import dev.trawl.support.Keys;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** {@code /v1/schedules}: recurring jobs owned by a tenant, one ordinary job per tick. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class SchedulesIT {

    private static final StubSite SITE = new StubSite();
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Database DB = Database.shared(TestServices.DATABASE);

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static RequestSpecification as(String key) {
        return key == null ? given() : given().header("Authorization", "Bearer " + key);
    }

    private static Map<String, Object> schedule(String cron, String zone, Map<String, Object> job) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", "test schedule");
        body.put("cron", cron);
        body.put("timeZone", zone);
        body.put("job", job);
        return body;
    }

    private static Map<String, Object> page(String path) {
        SITE.html(path, "<title>ticked</title>");
        return Map.of("url", SITE.url(path), "formats", List.of("metadata"));
    }

    private static ValidatableResponse create(String key, Map<String, Object> body) {
        return as(key).contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/schedules")
                .then();
    }

    private static void notFound(ValidatableResponse response) {
        response.statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/schedule-not-found"));
    }

    @Test
    void aScheduleIsItsOwnersAloneAndCanBePausedResumedAndDeleted() {
        String owner = Keys.issue("schedule owner", "api-key");
        String stranger = Keys.issue("schedule stranger", "api-key");
        String id = create(owner, schedule("0 6 * * *", "Europe/Zurich", page("/daily")))
                .statusCode(201)
                .header("Location", notNullValue())
                .body("paused", equalTo(false))
                .body("cron", equalTo("0 6 * * *"))
                .body("job.url", equalTo(SITE.url("/daily")))
                .extract()
                .path("id");
        OffsetDateTime next = OffsetDateTime.parse(as(owner)
                .get("/v1/schedules/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("nextRunAt"));
        // 06:00 in Zurich is 05:00 or 04:00 UTC, by the season
        assertThat(next.atZoneSameInstant(java.time.ZoneId.of("Europe/Zurich")).getHour())
                .isEqualTo(6);

        notFound(as(stranger).get("/v1/schedules/" + id).then());
        notFound(as(stranger).post("/v1/schedules/" + id + "/pause").then());
        notFound(as(stranger).post("/v1/schedules/" + id + "/resume").then());
        notFound(as(stranger).delete("/v1/schedules/" + id).then());
        as(stranger).get("/v1/schedules").then().statusCode(200).body("schedules.id", not(hasItem(id)));
        as(owner).get("/v1/schedules").then().statusCode(200).body("schedules.id", hasItem(id));
        as(Keys.ADMIN_TOKEN).get("/v1/schedules").then().statusCode(200).body("schedules.id", hasItem(id));

        as(owner).post("/v1/schedules/" + id + "/pause").then().statusCode(200).body("paused", equalTo(true));
        as(owner).get("/v1/schedules/" + id).then().body("paused", equalTo(true));
        as(owner).post("/v1/schedules/" + id + "/resume").then().statusCode(200).body("paused", equalTo(false));
        as(owner).delete("/v1/schedules/" + id).then().statusCode(204);
        notFound(as(owner).get("/v1/schedules/" + id).then());
        notFound(as(owner).get("/v1/schedules/not-a-uuid").then());
    }

    private static void refused(Map<String, Object> body, String field) {
        create(Keys.ADMIN_TOKEN, body)
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field));
    }

    @Test
    void badSchedulesAreRefusedNamingTheMember() {
        refused(schedule("not a cron", "UTC", page("/bad")), "cron");
        refused(schedule("61 * * * *", "UTC", page("/bad")), "cron");
        refused(schedule("0 0 * * * * *", "UTC", page("/bad")), "cron");
        // every second: more often than the smallest interval allowed (2 s under test)
        refused(schedule("* * * * * *", "UTC", page("/bad")), "cron");
        refused(schedule("0 6 * * *", "Mars/Olympus", page("/bad")), "timeZone");
        refused(
                schedule("0 6 * * *", "UTC", Map.of("url", SITE.url("/bad"), "runAt", "2030-01-01T00:00:00Z")),
                "job.runAt");
        refused(
                schedule("0 6 * * *", "UTC", Map.of("url", SITE.url("/bad"), "crawl", Map.of("maxPages", 1_000_000))),
                "job.crawl.maxPages");
        create(Keys.ADMIN_TOKEN, schedule("0 6 * * *", "UTC", Map.of("url", "ftp://example.org/")))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("job.url"));
        create(Keys.ADMIN_TOKEN, Map.of("cron", "0 6 * * *", "timeZone", "UTC"))
                .statusCode(400)
                .body("errors[0].field", equalTo("job"));
        // an anonymous caller owns no schedules
        create(null, schedule("0 6 * * *", "UTC", page("/anonymous")))
                .statusCode(403)
                .body("type", equalTo("https://trawl.dev/problems/schedules-need-a-key"));
    }

    @Test
    void anOwnerHasABoundedNumberOfSchedules() {
        String key = Keys.issue("many schedules", "api-key");
        for (int i = 0; i < 3; i++) {
            create(key, schedule("0 6 * * *", "UTC", page("/bounded"))).statusCode(201);
        }
        create(key, schedule("0 6 * * *", "UTC", page("/bounded")))
                .statusCode(409)
                .body("type", equalTo("https://trawl.dev/problems/schedule-limit-reached"));
    }

    @Test
    void theSchedulesOfARevokedKeySubmitNothingAndSayWhy() {
        JsonPath issued = as(Keys.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("name", "revoked owner", "tier", "api-key"))
                .post("/v1/admin/keys")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        String key = issued.getString("key");
        String id = create(key, schedule("*/2 * * * * *", "UTC", page("/revoked")))
                .statusCode(201)
                .extract()
                .path("id");
        as(Keys.ADMIN_TOKEN)
                .header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .delete("/v1/admin/keys/" + issued.getString("id"))
                .then()
                .statusCode(204);

        await().atMost(WAIT)
                .until(() -> "the owner's API key was revoked"
                        .equals(as(Keys.ADMIN_TOKEN)
                                .get("/v1/schedules/" + id)
                                .then()
                                .extract()
                                .path("lastSkip")));
        long jobs = jobsOf(id);
        // ticks go on being skipped, none submits a job
        String tick =
                as(Keys.ADMIN_TOKEN).get("/v1/schedules/" + id).then().extract().path("lastTickAt");
        await().atMost(WAIT)
                .until(() -> !tick.equals(as(Keys.ADMIN_TOKEN)
                        .get("/v1/schedules/" + id)
                        .then()
                        .extract()
                        .path("lastTickAt")));
        assertThat(jobsOf(id)).isEqualTo(jobs);
    }

    private static long jobsOf(String scheduleId) {
        return DB.number("SELECT count(*) FROM jobs WHERE schedule_id = '" + scheduleId + "'");
    }

    @Test
    void eachTickSubmitsOneOrdinaryJobOfTheOwnerUntilPaused() {
        String owner = Keys.issue("ticking owner", "api-key");
        String id = create(owner, schedule("*/2 * * * * *", "UTC", page("/ticking")))
                .statusCode(201)
                .extract()
                .path("id");

        await().atMost(WAIT).until(() -> jobsOf(id) >= 3);
        as(owner).post("/v1/schedules/" + id + "/pause").then().statusCode(200);
        long atPause = jobsOf(id);
        assertThat(DB.number("SELECT count(DISTINCT schedule_tick) FROM jobs WHERE schedule_id = '" + id + "'"))
                .isEqualTo(atPause);
        assertThat(DB.number("SELECT count(*) FROM jobs WHERE schedule_id = '" + id
                        + "' AND (extract(epoch FROM schedule_tick)::bigint % 2 <> 0"
                        + " OR schedule_tick <> date_trunc('second', schedule_tick))"))
                .as("every tick is an even second")
                .isZero();

        // the last job is an ordinary job of the owner, naming its schedule and tick
        String lastJob = as(owner).get("/v1/schedules/" + id).then().extract().path("lastJobId");
        await().atMost(WAIT)
                .until(() -> "succeeded"
                        .equals(as(owner)
                                .get("/v1/jobs/" + lastJob)
                                .then()
                                .extract()
                                .path("status")));
        JsonPath job = as(owner).get("/v1/jobs/" + lastJob).then().extract().jsonPath();
        assertThat(job.getString("scheduleId")).isEqualTo(id);
        assertThat(job.getString("scheduleTick")).isNotNull();
        as(Keys.issue("another", "api-key")).get("/v1/jobs/" + lastJob).then().statusCode(404);

        // paused: no tick submits a job
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> jobsOf(id) == atPause);
    }
}
