package dev.trawl.roles;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A worker pod runs the same image but serves no API; its probes and metrics stay up. */
@QuarkusTest
@TestProfile(WorkerOnlyRoleIT.WorkerOnly.class)
class WorkerOnlyRoleIT {

    public static class WorkerOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.roles", "worker");
        }
    }

    @Test
    void theApiIsNotServedButProbesAre() {
        given().contentType(ContentType.JSON)
                .body(Map.of("url", "http://example.org/"))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/api-role-off"));
        given().when()
                .get("/console/app.js")
                .then()
                .statusCode(404)
                .body("type", equalTo("https://trawl.dev/problems/api-role-off"));
        given().when().get("/q/health/ready").then().statusCode(200);
        given().when()
                .get("/q/health/started")
                .then()
                .statusCode(200)
                .body("checks.find { it.name == 'trawl-startup' }.data.consumerGroupsReady", equalTo(true));
    }
}
