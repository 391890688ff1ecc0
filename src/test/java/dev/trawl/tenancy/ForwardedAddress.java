package dev.trawl.tenancy;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import java.util.Map;

/** Submits with one Idempotency-Key as if from the address a proxy forwarded: the job id tells the callers apart. */
final class ForwardedAddress {

    private ForwardedAddress() {}

    static String submitAs(String forwardedFor, String idempotencyKey, String url) {
        return given().contentType(ContentType.JSON)
                .header("X-Forwarded-For", forwardedFor)
                .header("Idempotency-Key", idempotencyKey)
                .body(Map.of("url", url, "dedupe", false))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    static Map<String, String> forwardingFrom(String trustedProxies) {
        return Map.of(
                "quarkus.http.proxy.proxy-address-forwarding",
                "true",
                "quarkus.http.proxy.allow-x-forwarded",
                "true",
                "quarkus.http.proxy.trusted-proxies",
                trustedProxies);
    }
}
