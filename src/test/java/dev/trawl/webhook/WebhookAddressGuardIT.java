package dev.trawl.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Keys;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import dev.trawl.support.WebhookReceiver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A webhook goes through the same address guard as a fetch: with private networks refused (the
 * production default), a receiver on our own machine is never sent a byte and the delivery is a
 * dead letter at once; an address the operator allows is delivered to.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(WebhookAddressGuardIT.PrivateNetworksRefused.class)
class WebhookAddressGuardIT {

    public static class PrivateNetworksRefused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.fetch.allow-private-networks", "false", "trawl.fetch.allow-list", "127.0.0.2/32");
        }
    }

    /** On the allowed address, so the jobs themselves succeed. */
    private static final StubSite SITE = new StubSite("127.0.0.2");

    private static final WebhookReceiver REFUSED = new WebhookReceiver("127.0.0.1");
    private static final WebhookReceiver ALLOWED = new WebhookReceiver("127.0.0.2");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @AfterAll
    static void stop() {
        SITE.close();
        REFUSED.close();
        ALLOWED.close();
    }

    private static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key);
    }

    private static String submit(String key, String page, String hook) {
        SITE.html(page, "<html><head><title>guarded</title></head><body>guarded</body></html>");
        return as(key).contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url(page), "webhook", Map.of("url", hook, "events", List.of("queued"))))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
    }

    private static List<Map<String, Object>> ops(String key, String id) {
        return as(key).when()
                .get("/v1/jobs/" + id + "/ops")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("ops");
    }

    @Test
    void aReceiverOnAPrivateAddressIsRefusedAndDeadLetteredWithoutARetry() {
        String key = Keys.issue("hooks-guard-refused", "api-key");
        as(key).when().post("/v1/webhook-secret/rotate").then().statusCode(200);
        String id = submit(key, "/refused", REFUSED.url("/hook"));

        await().atMost(WAIT).until(() -> ops(key, id).stream().anyMatch(op -> "webhook-dead".equals(op.get("kind"))));
        List<Map<String, Object>> ops = ops(key, id);
        assertThat(ops)
                .filteredOn(op -> "webhook-attempt".equals(op.get("kind")))
                .hasSize(1);
        assertThat(ops)
                .filteredOn(op -> "webhook-dead".equals(op.get("kind")))
                .singleElement()
                .satisfies(op -> assertThat((String) op.get("context")).contains("blocked-address"));
        assertThat(REFUSED.all()).isEmpty();
    }

    @Test
    void aReceiverOnAnAllowedAddressIsDeliveredTo() {
        String key = Keys.issue("hooks-guard-allowed", "api-key");
        as(key).when().post("/v1/webhook-secret/rotate").then().statusCode(200);
        String id = submit(key, "/allowed", ALLOWED.url("/hook"));

        await().atMost(WAIT)
                .until(() -> ops(key, id).stream().anyMatch(op -> "webhook-delivered".equals(op.get("kind"))));
        assertThat(ALLOWED.at("/hook")).hasSize(1);
    }
}
