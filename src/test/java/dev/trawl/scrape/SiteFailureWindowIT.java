package dev.trawl.scrape;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Which failures a site's cluster-wide failure window counts: those that say how the site is doing. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class SiteFailureWindowIT {

    /** A loopback address no other test fetches from, so this site's window is this test's alone. */
    private static final StubSite SITE = new StubSite("127.0.0.9");

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void aTimeoutUnderTheClientsOwnShorterLimitIsNotCountedAgainstTheSiteButAServerErrorIs() {
        SITE.html("/slow", "<title>slow</title>").latency("/slow", Duration.ofSeconds(3));
        String impatient = Jobs.submit(Map.of("url", SITE.url("/slow"), "timeoutSeconds", 1, "maxAttempts", 1));
        Jobs.awaitStatus(impatient, "failed");
        given().when().get("/v1/jobs/" + impatient).then().body("error.code", equalTo("timeout"));

        SITE.sequence("/broken", StubSite.status(500));
        String broken = Jobs.submit(Map.of("url", SITE.url("/broken"), "maxAttempts", 1));
        Jobs.awaitStatus(broken, "failed");
        given().when()
                .get("/v1/jobs/" + broken)
                .then()
                .body("error.code", equalTo("http-500"))
                .body("error.transient", equalTo(true));

        SITE.html("/fine", "<title>fine</title>");
        Jobs.awaitStatus(Jobs.submit(SITE.url("/fine")), "succeeded");

        // outcomes are recorded in the order the fetches ended: the second one in is the page that
        // succeeded, unless the timeout was counted first, and then it is the server error
        String counts = TestServices.KEY_PREFIX + "site:{127.0.0.9}:window-counts";
        try (RedisCli redis = new RedisCli()) {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> redis.call("HGET", counts, "n") != null
                            && Long.parseLong((String) redis.call("HGET", counts, "n")) >= 2);
            assertThat(redis.call("HGET", counts, "failed"))
                    .as("failures in the site's window")
                    .isEqualTo("1");
        }
    }
}
