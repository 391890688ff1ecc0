package dev.trawl.tenancy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A page on an allowed origin can submit and follow jobs from the browser; other origins cannot. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(CrossOriginIT.OneAllowedOrigin.class)
class CrossOriginIT {

    static final String APP = "http://app.example.test";

    public static class OneAllowedOrigin implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "quarkus.http.cors.origins",
                    APP,
                    "trawl.rate-limit.enabled",
                    "true",
                    "trawl.redis.key-prefix",
                    TestServices.KEY_PREFIX + "cors:");
        }
    }

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void anAllowedOriginMayPreflightASubmitWithAKey() {
        given().header("Origin", APP)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,authorization,idempotency-key")
                .when()
                .options("/v1/jobs")
                .then()
                .statusCode(200)
                .header("Access-Control-Allow-Origin", APP)
                .header("Access-Control-Allow-Headers", containsString("Authorization"))
                .header("Access-Control-Allow-Headers", containsString("Idempotency-Key"));
    }

    @Test
    void anEventSourceOnTheAllowedOriginFollowsAJobAndSeesItsStanding() {
        SITE.html("/followed", "<title>followed</title>");
        String id = Jobs.submit(SITE.url("/followed"));
        Jobs.awaitStatus(id, "succeeded");

        given().header("Origin", APP)
                .header("Accept", "text/event-stream")
                .header("Last-Event-ID", "0-0")
                .when()
                .get("/v1/jobs/" + id + "/events")
                .then()
                .statusCode(200)
                .header("Access-Control-Allow-Origin", APP)
                .header("Access-Control-Expose-Headers", containsString("X-RateLimit-Remaining"))
                .header("X-RateLimit-Limit", equalTo("100"))
                .body(containsString("event:succeeded"));
    }

    @Test
    void aPageCanReadWhyItWasRefused() {
        given().header("Origin", APP)
                .header("Authorization", "Bearer trawl_unknown")
                .when()
                .get("/v1/jobs/0193a6d0-0000-7000-8000-00000000cafe")
                .then()
                .statusCode(401)
                .header("Access-Control-Allow-Origin", APP);
    }

    @Test
    void anotherOriginIsRefused() {
        given().header("Origin", "http://evil.example.test")
                .header("Access-Control-Request-Method", "POST")
                .when()
                .options("/v1/jobs")
                .then()
                .header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "http://evil.example.test")
                .when()
                .get("/v1/jobs/0193a6d0-0000-7000-8000-00000000cafe")
                .then()
                .statusCode(403)
                .header("Access-Control-Allow-Origin", nullValue());
    }
}
