package dev.trawl.api;

import static dev.trawl.api.JobListingIT.as;
import static dev.trawl.api.JobListingIT.awaitStatus;
import static dev.trawl.api.JobListingIT.status;
import static dev.trawl.api.JobListingIT.submit;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.queue.RedisStreamsConnector;
import dev.trawl.support.Keys;
import dev.trawl.support.Metrics;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** GET /v1/stats and pausing a queue: what the console's overview shows and an operator does. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class StatsAndQueuesIT {

    private static final StubSite SITE = new StubSite();

    @Inject
    @Connector(RedisStreamsConnector.NAME)
    RedisStreamsConnector connector;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @AfterEach
    void resumeEveryQueue() {
        for (String priority : new String[] {"high", "normal", "low"}) {
            as(Keys.ADMIN_TOKEN)
                    .delete("/v1/admin/queues/" + priority + "/pause")
                    .then()
                    .statusCode(200);
        }
    }

    private static JsonPath stats(String key) {
        return as(key).when().get("/v1/stats").then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aTenantsStatsCountItsOwnJobsAndShowTheQueuesAndWorkers() {
        SITE.html("/counted", "<html><head><title>counted</title></head></html>");
        String erin = Keys.issue("erin", "api-key");
        String one = submit(erin, Map.of("url", SITE.url("/counted?1")));
        String two = submit(erin, Map.of("url", SITE.url("/counted?2")));
        awaitStatus(erin, one, "succeeded");
        awaitStatus(erin, two, "succeeded");

        JsonPath stats = stats(erin);
        assertThat(stats.getString("scope")).isEqualTo("own");
        assertThat(stats.getMap("jobs"))
                .containsEntry("succeeded", 2)
                .containsEntry("queued", 0)
                .containsEntry("failed", 0);
        assertThat(stats.getInt("finished.lastHour.succeeded")).isEqualTo(2);
        assertThat(stats.getList("queues.priority", String.class)).containsExactly("high", "normal", "low");
        assertThat(stats.getInt("workersAlive")).isGreaterThanOrEqualTo(1);
        assertThat(stats.getString("deadLetters")).isNull();

        JsonPath all = stats(Keys.ADMIN_TOKEN);
        assertThat(all.getString("scope")).isEqualTo("all");
        assertThat(all.getLong("jobs.succeeded")).isGreaterThanOrEqualTo(2);
        assertThat(all.getLong("deadLetters")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aPausedQueueKeepsItsJobsWhileOtherQueuesRunAndResumingRunsThem() {
        SITE.html("/paused", "<html><head><title>waits</title></head></html>");
        SITE.html("/not-paused", "<html><head><title>runs</title></head></html>");
        String frank = Keys.issue("frank", "api-key");
        as(Keys.ADMIN_TOKEN)
                .when()
                .put("/v1/admin/queues/low/pause")
                .then()
                .statusCode(200)
                .body("queues.find { it.priority == 'low' }.paused", equalTo(true))
                .body("queues.find { it.priority == 'normal' }.paused", equalTo(false));
        assertThat(stats(frank).getBoolean("queues[2].paused")).isTrue();
        // the worker reads the pauses every second, and a read begun before may still take one entry
        await().atMost(Duration.ofSeconds(10))
                .until(() -> connector.incomingChannels().stream()
                        .allMatch(channel -> channel.takesNothingFrom(TestServices.KEY_PREFIX + "jobs:low")));

        String waiting = submit(frank, Map.of("url", SITE.url("/paused"), "priority", "low"));
        String running = submit(frank, Map.of("url", SITE.url("/not-paused"), "priority", "normal"));
        awaitStatus(frank, running, "succeeded");
        await().during(Duration.ofSeconds(3))
                .atMost(Duration.ofSeconds(5))
                .until(() -> "queued".equals(status(frank, waiting)));
        assertThat(SITE.hits("/paused")).isZero();
        JsonPath low = stats(frank);
        assertThat(low.getLong("queues[2].lag")).isGreaterThanOrEqualTo(1);
        assertThat(low.getDouble("queues[2].oldestWaitSeconds")).isGreaterThan(0);
        assertThat(Metrics.value("trawl_queue_paused", "{stream=\"" + TestServices.KEY_PREFIX + "jobs:low\"}"))
                .isEqualTo(1.0);

        as(Keys.ADMIN_TOKEN).when().delete("/v1/admin/queues/low/pause").then().statusCode(200);
        awaitStatus(frank, waiting, "succeeded");
        assertThat(Metrics.value("trawl_queue_paused", "{stream=\"" + TestServices.KEY_PREFIX + "jobs:low\"}"))
                .isEqualTo(0.0);
    }

    @Test
    void onlyAnAdminPausesAQueueAndAnUnknownPriorityIsA400() {
        String grace = Keys.issue("grace", "api-key");
        as(grace)
                .when()
                .put("/v1/admin/queues/low/pause")
                .then()
                .statusCode(403)
                .body("type", equalTo("https://trawl.dev/problems/admin-required"));
        given().when().get("/v1/admin/queues").then().statusCode(401);
        as(Keys.ADMIN_TOKEN)
                .when()
                .put("/v1/admin/queues/urgent/pause")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("priority"));
    }
}
