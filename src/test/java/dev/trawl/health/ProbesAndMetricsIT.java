package dev.trawl.health;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ProbesAndMetricsIT {

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void livenessIsUp() {
        given().when().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void readinessCoversPostgresqlAndRedis() {
        given().when()
                .get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("trawl-redis"))
                .body("checks.name", hasItem("trawl-postgresql"));
    }

    @Test
    void startupReportsMigrationsScriptsAndConsumerGroups() throws Exception {
        int migrations;
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            migrations = (int) files.filter(f -> f.getFileName().toString().endsWith(".sql"))
                    .count();
        }
        given().when()
                .get("/q/health/started")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'trawl-startup' }.data.scriptsLoaded", equalTo(true))
                .body("checks.find { it.name == 'trawl-startup' }.data.consumerGroupsReady", equalTo(true))
                .body("checks.find { it.name == 'trawl-startup' }.data.migrationsApplied", equalTo(migrations));
    }

    @Test
    void prometheusMetricsCountJobsAndExposeTheQueueLag() {
        SITE.html("/metrics-page", "<title>m</title>");
        Jobs.awaitStatus(Jobs.submit(SITE.url("/metrics-page")), "succeeded");
        given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("trawl_jobs_submitted_total"))
                .body(containsString("trawl_jobs_completed_total{outcome=\"succeeded\"}"))
                .body(containsString("trawl_queue_lag{stream=\"" + TestServices.KEY_PREFIX + "jobs:normal\"}"))
                .body(containsString("trawl_queue_pending{stream=\"" + TestServices.KEY_PREFIX + "jobs:high\"}"))
                .body(containsString("trawl_sse_connections"))
                .body(containsString("trawl_fetches_total{status_class=\"2xx\"}"));
    }
}
