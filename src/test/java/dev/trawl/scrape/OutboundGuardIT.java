package dev.trawl.scrape;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubRenderBackend;
import dev.trawl.support.StubSite;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With private networks refused (the production default), no spelling of a loopback address, no
 * redirect and no render reaches our own machine. Only loopback sites exist here; private, link-local and
 * metadata ranges are covered by {@code AddressClassifierTest} without sending a packet.
 */
@QuarkusTest
@TestProfile(OutboundGuardIT.PrivateNetworksRefused.class)
class OutboundGuardIT {

    public static class PrivateNetworksRefused implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trawl.fetch.allow-private-networks", "false", "trawl.fetch.allow-list", "127.0.0.2/32");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(Renderer.class));
        }
    }

    /** A render service (infrastructure, so on 127.0.0.1 and not subject to the guard), started before the application. */
    public static class Renderer implements QuarkusTestResourceLifecycleManager {
        private StubRenderBackend renderer;

        @Override
        public Map<String, String> start() {
            renderer = new StubRenderBackend("guarded");
            return Map.of("trawl.render.backends", renderer.url());
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(renderer, new TestInjector.MatchesType(StubRenderBackend.class));
        }

        @Override
        public void stop() {
            renderer.close();
        }
    }

    StubRenderBackend renderer;

    private static final StubSite INSIDE = new StubSite("127.0.0.1");
    private static final StubSite TRUSTED = new StubSite("127.0.0.2");

    @AfterAll
    static void stopSites() {
        INSIDE.close();
        TRUSTED.close();
    }

    @Test
    void aSitemapOrASitemapUrlOnAnAddressWeMayNotFetchIsNeverRequestedAndTheCrawlGoesOn() {
        try (StubSite site = new StubSite("127.0.0.2")) {
            INSIDE.html("/inside-sitemap.xml", "<urlset></urlset>").html("/inside-page", "<title>secret</title>");
            site.reply(
                    "/robots.txt",
                    new StubSite.Reply(
                            200,
                            "text/plain",
                            ("User-agent: *\nAllow: /\nSitemap: " + INSIDE.url("/inside-sitemap.xml") + "\n")
                                    .getBytes(),
                            Map.of(),
                            null));
            site.reply(
                    "/sitemap.xml",
                    new StubSite.Reply(
                            200,
                            "application/xml",
                            ("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>"
                                            + INSIDE.url("/inside-page") + "</loc></url><url><loc>"
                                            + site.url("/listed") + "</loc></url></urlset>")
                                    .getBytes(),
                            Map.of(),
                            null));
            site.html("/", "<title>home</title>").html("/listed", "<title>listed</title>");

            String id = Jobs.submit(Map.of(
                    "url",
                    site.url("/"),
                    "crawl",
                    Map.of("maxPages", 10, "maxDepth", 1, "sameSite", false, "sitemaps", true)));
            Jobs.awaitStatus(id, "succeeded");

            assertThat(INSIDE.hits("/inside-sitemap.xml")).isZero();
            assertThat(INSIDE.hits("/inside-page")).isZero();
            assertThat(site.hits("/listed")).isEqualTo(1);
            given().when()
                    .get("/v1/jobs/" + id + "/result")
                    .then()
                    .body(
                            "pages.find { it.url == '" + INSIDE.url("/inside-page") + "' }.error.code",
                            equalTo("blocked-address"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "localhost", "[::1]", "2130706433", "[::ffff:127.0.0.1]"})
    void everySpellingOfLoopbackIsRefused(String host) {
        INSIDE.html("/secret", "<title>internal</title>");
        String id = Jobs.submit("http://" + host + ":" + INSIDE.port() + "/secret");
        Jobs.awaitStatus(id, "failed");
        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .body("error.code", equalTo("blocked-address"))
                .body("error.transient", equalTo(false))
                .body("error.message", containsString("not allowed"));
        assertThat(INSIDE.hits("/secret")).isZero();
    }

    @Test
    void aRefusalDoesNotTellTheClientWhatTheNameResolvedTo() {
        String id = Jobs.submit(Map.of("url", "http://localhost:" + INSIDE.port() + "/secret", "respectRobots", false));
        Jobs.awaitStatus(id, "failed");
        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .body("error.code", equalTo("blocked-address"))
                .body("error.message", equalTo("Refused to fetch localhost: its address is not allowed"));
    }

    @Test
    void aRenderOfAnAddressAFetchMayNotReachIsRefusedBeforeTheBackendSeesIt() {
        int before = renderer.requests();
        String id = Jobs.submit(Map.of("url", INSIDE.url("/secret"), "render", true, "respectRobots", false));
        Jobs.awaitStatus(id, "failed");
        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .body("error.code", equalTo("blocked-address"))
                .body("error.transient", equalTo(false));
        assertThat(renderer.requests()).isEqualTo(before);
    }

    @Test
    void aRenderOfAnAllowedAddressGoesToTheBackend() {
        int before = renderer.requests();
        String id = Jobs.submit(Map.of("url", TRUSTED.url("/rendered"), "render", true, "respectRobots", false));
        Jobs.awaitStatus(id, "succeeded");
        assertThat(renderer.requests()).isEqualTo(before + 1);
        assertThat(renderer.lastBody().get("url").asText()).isEqualTo(TRUSTED.url("/rendered"));
    }

    @Test
    void aRedirectToAnotherSchemeFailsAtOnceAndIsNotRetried() {
        TRUSTED.redirect("/to-ftp", "ftp://127.0.0.2:" + TRUSTED.port() + "/file");
        String id = Jobs.submit(Map.of("url", TRUSTED.url("/to-ftp"), "respectRobots", false));
        Jobs.awaitStatus(id, "failed");
        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .body("error.code", equalTo("unsupported-scheme"))
                .body("error.transient", equalTo(false))
                .body("attempt", equalTo(1));
        assertThat(TRUSTED.hits("/to-ftp")).isEqualTo(1);
    }

    @Test
    void aRedirectIntoOurOwnNetworkIsRefusedAtThatHop() {
        INSIDE.html("/admin", "<title>admin</title>");
        TRUSTED.redirect("/jump", INSIDE.url("/admin"));
        String id = Jobs.submit(TRUSTED.url("/jump"));
        Jobs.awaitStatus(id, "failed");
        given().when().get("/v1/jobs/" + id).then().body("error.code", equalTo("blocked-address"));
        assertThat(TRUSTED.hits("/jump")).isEqualTo(1);
        assertThat(INSIDE.hits("/admin")).isZero();
    }

    @Test
    void anAllowListedAddressIsFetched() {
        TRUSTED.html("/ok", "<title>trusted</title>");
        Jobs.awaitStatus(Jobs.submit(TRUSTED.url("/ok")), "succeeded");
    }
}
