package dev.trawl.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.job.JobIds;
import dev.trawl.support.Database;
import dev.trawl.support.FreePort;
import dev.trawl.support.Jobs;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * An API pod whose Redis is unreachable (a closed port) stays in service, degraded, and keeps
 * answering every read that needs only PostgreSQL (docs/operations.md, "Health").
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(ApiWithoutRedisIT.RedisUnreachable.class)
class ApiWithoutRedisIT {

    public static class RedisUnreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trawl.roles",
                    "api",
                    "quarkus.redis.hosts",
                    "redis://127.0.0.1:" + FreePort.pick(),
                    "trawl.redis.key-prefix",
                    TestServices.KEY_PREFIX + "no-redis:",
                    "trawl.health.timeout",
                    "1S");
        }
    }

    private static final Database DB = Database.shared(TestServices.DATABASE);
    private static final UUID JOB = JobIds.next();

    @AfterAll
    static void removeTheRow() {
        DB.execute("DELETE FROM jobs WHERE id = '" + JOB + "'");
    }

    @Test
    void readinessStaysUpAndSaysRedisIsDegraded() {
        long start = System.nanoTime();
        JsonPath ready = given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .extract()
                .jsonPath();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
        Map<String, Object> redis = ready.getMap("checks.find { it.name == 'trawl-redis' }.data");
        assertThat(redis).containsEntry("status", "degraded");
        assertThat(ready.getMap("checks.find { it.name == 'trawl-postgresql' }.data"))
                .containsEntry("status", "up");
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void aJobsStatusAndResultAreStillRead() {
        DB.execute("INSERT INTO jobs (id, state, priority, request, job_key, owner, attempt, created_at, started_at, "
                + "finished_at, page_count) VALUES ('" + JOB
                + "', 'succeeded', 'normal', '{\"url\":\"http://a/\"}', 'k-"
                + JOB + "', '" + Jobs.LOCAL_CALLER + "', 1, now(), now(), now(), 0)");
        given().when().get("/v1/jobs/" + JOB).then().statusCode(200).body("status", equalTo("succeeded"));
        given().when().get("/v1/jobs/" + JOB + "/result").then().statusCode(200);
    }

    @Test
    void aSubmissionIsRefusedAsUnavailableNotAccepted() {
        given().contentType("application/json")
                .body(Map.of("url", "http://127.0.0.1:9/x"))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/queue-unavailable"));
    }
}
