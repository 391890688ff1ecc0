package dev.trawl.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.trawl.tenancy.Tenant;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;

/** Submitting and watching jobs through the public API, as a client would. */
public final class Jobs {

    /** The tenant a test's own HTTP calls act as: anonymous, from the loopback address. */
    public static final String LOCAL_CALLER = Tenant.anonymous("127.0.0.1").id();

    private Jobs() {}

    public static String submit(Map<String, Object> body) {
        return given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    public static String submit(String url) {
        return submit(Map.of("url", url));
    }

    public static String status(String id) {
        return given().when()
                .get("/v1/jobs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .path("status");
    }

    public static void awaitStatus(String id, String status) {
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> status.equals(status(id)));
    }
}
