package dev.trawl.worker;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.trawl.redis.RedisKeys;
import dev.trawl.scrape.RobotsPolicy;
import dev.trawl.support.Jobs;
import dev.trawl.support.RedisCli;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What one crawl may touch, whatever its pages link to: here at most two origins. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@TestProfile(CrawlBoundsIT.TwoOrigins.class)
class CrawlBoundsIT {

    public static class TwoOrigins implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trawl.crawl.max-origins",
                    "2",
                    "trawl.abort.min-samples",
                    "2",
                    "trawl.redis.key-prefix",
                    TestServices.KEY_PREFIX + "bounds:");
        }
    }

    private static final StubSite START = new StubSite();
    private static final StubSite SECOND = new StubSite("127.0.0.2");
    private static final StubSite THIRD = new StubSite("127.0.0.4");
    private static final StubSite FOURTH = new StubSite("127.0.0.5");

    @Inject
    RedisKeys keys;

    @AfterAll
    static void stopSites() {
        START.close();
        SECOND.close();
        THIRD.close();
        FOURTH.close();
    }

    private static String links(String... urls) {
        StringBuilder html = new StringBuilder("<title>links</title>");
        for (String url : urls) {
            html.append("<a href=\"").append(url).append("\">").append(url).append("</a>");
        }
        return html.toString();
    }

    @Test
    void pagesOfOriginsBeyondTheBoundFailAloneAndNothingOfThemIsFetchedOrCached() {
        // more refused pages than fetched ones: were they counted as the site's failures, the crawl would abort
        START.html(
                "/origins/",
                links(
                        SECOND.url("/second"),
                        THIRD.url("/third"),
                        FOURTH.url("/fourth"),
                        "http://127.0.0.6:9/nobody",
                        "http://127.0.0.7:9/nobody",
                        START.url("/origins/own")));
        START.html("/origins/own", "<title>own</title>");
        SECOND.html("/second", "<title>second</title>");

        String id = Jobs.submit(Map.of(
                "url",
                START.url("/origins/"),
                "formats",
                List.of("metadata"),
                "crawl",
                Map.of("maxPages", 10, "maxDepth", 1, "sameSite", false)));
        Jobs.awaitStatus(id, "succeeded");

        given().queryParam("limit", 100)
                .when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("pages", hasSize(7))
                .body("pages.find { it.url.endsWith('/second') }.title", equalTo("second"))
                .body("pages.find { it.url.endsWith('/origins/own') }.title", equalTo("own"))
                .body("pages.find { it.url.endsWith('/third') }.error.code", equalTo("too-many-origins"))
                .body("pages.find { it.url.endsWith('/fourth') }.error.code", equalTo("too-many-origins"))
                .body("pages.find { it.url.endsWith('/fourth') }.error.transient", equalTo(false))
                .body("pages.findAll { it.error?.code == 'too-many-origins' }", hasSize(4));
        assertThat(THIRD.allHits()).as("not even robots.txt").isEmpty();
        assertThat(FOURTH.allHits()).isEmpty();
        try (RedisCli redis = new RedisCli()) {
            assertThat((Long) redis.call("EXISTS", keys.robots(RobotsPolicy.origin(URI.create(THIRD.url("/"))))))
                    .isZero();
            assertThat((Long) redis.call("EXISTS", keys.robots(RobotsPolicy.origin(URI.create(SECOND.url("/"))))))
                    .isOne();
        }
    }
}
