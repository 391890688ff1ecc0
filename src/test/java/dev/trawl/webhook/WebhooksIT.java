package dev.trawl.webhook;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.trawl.support.Database;
import dev.trawl.support.Jobs;
import dev.trawl.support.Keys;
import dev.trawl.support.Metrics;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StandardWebhooks;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import dev.trawl.support.WebhookReceiver;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A job's webhook, as its receiver and its owner see it: each chosen event arrives signed with the
 * owner's secret, a failing receiver is retried and finally dead-lettered, every attempt is on the
 * job's ops, rotation signs with both secrets for the grace, no tenant reaches another's secret,
 * and a bad webhook is a 400 naming the member.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class WebhooksIT {

    private static final StubSite SITE = new StubSite();
    private static final WebhookReceiver RECEIVER = new WebhookReceiver();
    private static final WebhookReceiver SLOW_RECEIVER = new WebhookReceiver().delay(Duration.ofSeconds(30));
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Database DB = Database.shared(TestServices.DATABASE);

    @AfterAll
    static void stop() {
        SITE.close();
        RECEIVER.close();
        SLOW_RECEIVER.close();
    }

    private static RequestSpecification as(String key) {
        return key == null ? given() : given().header("Authorization", "Bearer " + key);
    }

    /** A new API key: its id and its secret. */
    private record Key(String id, String secret) {}

    private static Key issue(String name) {
        JsonPath created = given().contentType(ContentType.JSON)
                .header("Authorization", "Bearer " + Keys.ADMIN_TOKEN)
                .body(Map.of("name", name, "tier", "api-key"))
                .when()
                .post("/v1/admin/keys")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
        return new Key(created.getString("id"), created.getString("key"));
    }

    private static String rotate(String key) {
        return as(key).when()
                .post("/v1/webhook-secret/rotate")
                .then()
                .statusCode(200)
                .body("secret", startsWith("whsec_"))
                .extract()
                .path("secret");
    }

    private static String submit(String key, String page, Map<String, Object> webhook) {
        SITE.html(page, "<html><head><title>" + page + "</title></head><body><p>hello</p></body></html>");
        return as(key).contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url(page), "webhook", webhook))
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

    private static List<String> opsOfKind(String key, String id, String kind) {
        return ops(key, id).stream()
                .filter(op -> kind.equals(op.get("kind")))
                .map(op -> (String) op.get("context"))
                .toList();
    }

    private static boolean verifies(String secret, WebhookReceiver.Received r) {
        return StandardWebhooks.verifies(
                secret, r.header("webhook-id"), r.header("webhook-timestamp"), r.body(), r.header("webhook-signature"));
    }

    @Test
    void eachChosenEventArrivesSignedWithTheOwnersSecretAndIsRecordedOnce() {
        Key key = issue("hooks-signed");
        String secret = rotate(key.secret());
        String id = submit(
                key.secret(),
                "/signed",
                Map.of(
                        "url",
                        RECEIVER.url("/signed"),
                        "events",
                        List.of("queued", "started", "succeeded"),
                        "headers",
                        Map.of("X-Team", "crawl")));

        await().atMost(WAIT)
                .until(() -> opsOfKind(key.secret(), id, "webhook-delivered").size() == 3);
        List<WebhookReceiver.Received> received = RECEIVER.at("/signed");
        assertThat(received).hasSize(3);
        for (WebhookReceiver.Received r : received) {
            assertThat(verifies(secret, r)).as("signature of %s", r.body()).isTrue();
            assertThat(r.header("content-type")).startsWith("application/json");
            assertThat(r.header("x-team")).isEqualTo("crawl");
            assertThat(r.header("webhook-id")).startsWith("msg_");
            assertThat(Math.abs(Long.parseLong(r.header("webhook-timestamp"))
                            - Instant.now().getEpochSecond()))
                    .isLessThan(300);
            JsonPath body = JsonPath.from(r.body());
            assertThat(body.getString("data.jobId")).isEqualTo(id);
            assertThat(body.getString("type")).isEqualTo("job." + body.getString("data.event"));
            assertThat(body.getString("data.links.result")).isEqualTo("/v1/jobs/" + id + "/result");
        }
        assertThat(received.stream()
                        .map(r -> JsonPath.from(r.body()).getString("type"))
                        .collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("job.queued", "job.started", "job.succeeded");
        assertThat(received.stream().map(r -> r.header("webhook-id")).distinct())
                .hasSize(3);
        assertThat(opsOfKind(key.secret(), id, "webhook-delivered"))
                .allMatch(context -> context.startsWith("queued ")
                        || context.startsWith("started ")
                        || context.startsWith("succeeded "));
        assertThat(opsOfKind(key.secret(), id, "webhook-attempt")).hasSize(3);
        assertThat(Metrics.value("trawl_webhook_deliveries_total", "{outcome=\"delivered\"}"))
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void aDelayedJobWhoseSubscriptionExpiredStillSendsTheEventsOfItsRun() {
        Key key = issue("hooks-delayed");
        String secret = rotate(key.secret());
        SITE.html("/delayed", "<html><head><title>delayed</title></head><body><p>later</p></body></html>");
        String id = as(key.secret())
                .contentType(ContentType.JSON)
                .body(Map.of(
                        "url",
                        SITE.url("/delayed"),
                        "delaySeconds",
                        2,
                        "webhook",
                        Map.of("url", RECEIVER.url("/delayed"), "events", List.of("started", "succeeded"))))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .body("status", equalTo("scheduled"))
                .extract()
                .path("id");
        // as when a job waits longer than the event stream lives, or Redis lost its data meanwhile
        try (RedisCli redis = new RedisCli()) {
            redis.call("DEL", TestServices.KEY_PREFIX + "job:" + id + ":webhook");
        }

        await().atMost(WAIT)
                .until(() -> opsOfKind(key.secret(), id, "webhook-delivered").size() == 2);
        assertThat(RECEIVER.at("/delayed"))
                .extracting(r -> JsonPath.from(r.body()).getString("type"))
                .containsExactlyInAnyOrder("job.started", "job.succeeded");
        assertThat(RECEIVER.at("/delayed")).allMatch(r -> verifies(secret, r));
    }

    @Test
    void aReceiverThatFailsTwiceGetsTheSameMessageOnTheThirdAttempt() {
        Key key = issue("hooks-flaky");
        String secret = rotate(key.secret());
        RECEIVER.answers("/flaky", 500, 500, 200);
        String id =
                submit(key.secret(), "/flaky", Map.of("url", RECEIVER.url("/flaky"), "events", List.of("succeeded")));

        await().atMost(WAIT)
                .until(() -> opsOfKind(key.secret(), id, "webhook-delivered").size() == 1);
        List<WebhookReceiver.Received> received = RECEIVER.at("/flaky");
        assertThat(received).hasSize(3);
        assertThat(received.stream().map(r -> r.header("webhook-id")).distinct())
                .hasSize(1);
        assertThat(received).allMatch(r -> verifies(secret, r));
        assertThat(opsOfKind(key.secret(), id, "webhook-attempt"))
                .containsExactlyInAnyOrder(
                        opsContext(received, "attempt 1: HTTP 500"),
                        opsContext(received, "attempt 2: HTTP 500"),
                        opsContext(received, "attempt 3: HTTP 200"));
        assertThat(Metrics.value("trawl_webhook_retries_total", "")).isGreaterThanOrEqualTo(2);
    }

    private static String opsContext(List<WebhookReceiver.Received> received, String attempt) {
        String eventId = JsonPath.from(received.get(0).body()).getString("data.eventId");
        return "succeeded " + eventId + " " + attempt;
    }

    @Test
    void aReceiverThatNeverSucceedsLeavesOneDeadLetterAnAdminCanRead() {
        Key key = issue("hooks-dead");
        rotate(key.secret());
        RECEIVER.answers("/dead", 503);
        String id = submit(key.secret(), "/dead", Map.of("url", RECEIVER.url("/dead"), "events", List.of("succeeded")));

        await().atMost(WAIT)
                .until(() -> opsOfKind(key.secret(), id, "webhook-dead").size() == 1);
        // trawl.webhooks.max-attempts is 4 in tests
        assertThat(RECEIVER.at("/dead")).hasSize(4);
        assertThat(opsOfKind(key.secret(), id, "webhook-attempt")).hasSize(4);
        assertThat(opsOfKind(key.secret(), id, "webhook-delivered")).isEmpty();
        List<Map<String, Object>> letters = given().header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .when()
                .get("/v1/admin/webhook-dead-letters")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("items");
        assertThat(letters)
                .filteredOn(l -> id.equals(l.get("jobId")))
                .singleElement()
                .satisfies(l -> {
                    assertThat(l.get("event")).isEqualTo("succeeded");
                    assertThat(l.get("attempts")).isEqualTo(4);
                    assertThat(l.get("error")).isEqualTo("HTTP 503");
                    assertThat(l.get("url")).isEqualTo(RECEIVER.url("/dead"));
                });
        // a tenant is no admin
        as(key.secret())
                .when()
                .get("/v1/admin/webhook-dead-letters")
                .then()
                .statusCode(403)
                .contentType("application/problem+json");
        assertThat(Metrics.value("trawl_webhook_dead_letters_total", "")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void afterARotationBothSecretsSignUntilTheGraceEndsThenOnlyTheNewOne() {
        Key key = issue("hooks-rotation");
        String old = rotate(key.secret());
        String current = rotate(key.secret());
        String during = submit(
                key.secret(), "/rotation-1", Map.of("url", RECEIVER.url("/rotation-1"), "events", List.of("queued")));
        await().atMost(WAIT).until(() -> RECEIVER.at("/rotation-1").size() == 1);
        WebhookReceiver.Received signedTwice = RECEIVER.at("/rotation-1").get(0);
        assertThat(signedTwice.header("webhook-signature").split(" ")).hasSize(2);
        assertThat(verifies(current, signedTwice)).isTrue();
        assertThat(verifies(old, signedTwice)).isTrue();
        assertThat(during).isNotBlank();

        // the grace is over (24 h in production): as if that time had passed
        DB.execute("UPDATE webhook_secrets SET previous_until = now() - interval '1 second' WHERE tenant = 'key:"
                + key.id() + "'");
        submit(key.secret(), "/rotation-2", Map.of("url", RECEIVER.url("/rotation-2"), "events", List.of("queued")));
        await().atMost(WAIT).until(() -> RECEIVER.at("/rotation-2").size() == 1);
        WebhookReceiver.Received signedOnce = RECEIVER.at("/rotation-2").get(0);
        assertThat(signedOnce.header("webhook-signature").split(" ")).hasSize(1);
        assertThat(verifies(current, signedOnce)).isTrue();
        assertThat(verifies(old, signedOnce)).isFalse();
    }

    @Test
    void noTenantCanRotateOrReadAnothersSecret() {
        Key a = issue("hooks-tenant-a");
        Key b = issue("hooks-tenant-b");
        String secretB = rotate(b.secret());
        as(a.secret())
                .when()
                .post("/v1/admin/keys/" + b.id() + "/webhook-secret/rotate")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/admin-required"));
        String secretA = rotate(a.secret());
        // what A sees is its own secret's dates; the secret itself is never shown again
        as(a.secret()).when().get("/v1/webhook-secret").then().statusCode(200).body("secret", equalTo(null));

        submit(b.secret(), "/tenant-b", Map.of("url", RECEIVER.url("/tenant-b"), "events", List.of("queued")));
        await().atMost(WAIT).until(() -> RECEIVER.at("/tenant-b").size() == 1);
        WebhookReceiver.Received forB = RECEIVER.at("/tenant-b").get(0);
        assertThat(verifies(secretB, forB)).isTrue();
        assertThat(verifies(secretA, forB)).isFalse();

        // an admin can rotate B's; B's deliveries then carry the new secret's signature
        String rotatedByAdmin = given().header("X-Admin-Token", Keys.ADMIN_TOKEN)
                .when()
                .post("/v1/admin/keys/" + b.id() + "/webhook-secret/rotate")
                .then()
                .statusCode(200)
                .extract()
                .path("secret");
        submit(b.secret(), "/tenant-b2", Map.of("url", RECEIVER.url("/tenant-b2"), "events", List.of("queued")));
        await().atMost(WAIT).until(() -> RECEIVER.at("/tenant-b2").size() == 1);
        assertThat(verifies(rotatedByAdmin, RECEIVER.at("/tenant-b2").get(0))).isTrue();
        String stored = DB.column("SELECT sealed FROM webhook_secrets WHERE tenant = 'key:" + b.id() + "'")
                .get(0);
        assertThat(stored).startsWith("sealed:v1:").doesNotContain(rotatedByAdmin.substring(6));
    }

    @Test
    void anonymousCallersHaveNoWebhooksAndNoSecret() {
        given().when()
                .post("/v1/webhook-secret/rotate")
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/webhook-needs-key"));
        SITE.html("/anonymous", "<html><title>a</title></html>");
        given().contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/anonymous"), "webhook", Map.of("url", RECEIVER.url("/anonymous"))))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(403)
                .body("type", equalTo("https://trawl.dev/problems/webhook-needs-key"))
                .body("field", equalTo("webhook"));
    }

    @Test
    void aWebhookFromAKeyHolderWithoutASecretIsRefusedUntilTheyMakeOne() {
        Key key = issue("hooks-no-secret");
        SITE.html("/no-secret", "<html><title>n</title></html>");
        Map<String, Object> body =
                Map.of("url", SITE.url("/no-secret"), "webhook", Map.of("url", RECEIVER.url("/no-secret")));
        as(key.secret())
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://trawl.dev/problems/webhook-secret-missing"))
                .body("field", equalTo("webhook"));
        as(key.secret())
                .when()
                .get("/v1/webhook-secret")
                .then()
                .statusCode(404)
                .body("type", equalTo("https://trawl.dev/problems/webhook-secret-not-found"));
        rotate(key.secret());
        as(key.secret())
                .contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(202);
    }

    @Test
    void aBadWebhookIsA400NamingTheMember() {
        Key key = issue("hooks-invalid");
        Map<String, String> manyHeaders = new LinkedHashMap<>();
        IntStream.range(0, 11).forEach(i -> manyHeaders.put("X-H" + i, "v"));
        Map<Map<String, Object>, String> cases = new LinkedHashMap<>();
        cases.put(Map.of("url", "ftp://hooks.example.org/"), "webhook.url");
        cases.put(Map.of("url", "not a url"), "webhook.url");
        cases.put(Map.of("url", "https://user:pw@hooks.example.org/"), "webhook.url");
        cases.put(Map.of("events", List.of("succeeded")), "webhook.url");
        cases.put(Map.of("url", "https://hooks.example.org/", "events", List.of("finished")), "webhook.events[0]");
        cases.put(
                Map.of("url", "https://hooks.example.org/", "headers", Map.of("webhook-signature", "v1,forged")),
                "webhook.headers.webhook-signature");
        cases.put(
                Map.of("url", "https://hooks.example.org/", "headers", Map.of("Connection", "close")),
                "webhook.headers.Connection");
        cases.put(
                Map.of("url", "https://hooks.example.org/", "headers", Map.of("Authorization", "Bearer s")),
                "webhook.headers.Authorization");
        cases.put(
                Map.of("url", "https://hooks.example.org/", "headers", Map.of("X-Ok", "a\nb")), "webhook.headers.X-Ok");
        cases.put(Map.of("url", "https://hooks.example.org/", "headers", manyHeaders), "webhook.headers");
        cases.forEach((webhook, field) -> as(key.secret())
                .contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/invalid"), "webhook", webhook))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field)));
    }

    @Test
    void aReceiverThatHangsHoldsUpNoJob() {
        Key key = issue("hooks-slow");
        rotate(key.secret());
        String hooked = submit(
                key.secret(),
                "/slow-hooked",
                Map.of("url", SLOW_RECEIVER.url("/slow"), "events", List.of("queued", "started", "succeeded")));
        String plain = Jobs.submit(SITE.url("/slow-hooked"));
        // both end while the receiver has not yet answered a single delivery
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Set.of("succeeded")
                        .containsAll(List.of(
                                Jobs.status(plain),
                                as(key.secret())
                                        .when()
                                        .get("/v1/jobs/" + hooked)
                                        .then()
                                        .extract()
                                        .path("status"))));
        assertThat(SLOW_RECEIVER.all()).isEmpty();
        assertThat(opsOfKind(key.secret(), hooked, "webhook-delivered")).isEmpty();
    }
}
