package dev.trawl.scrape;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A page that cannot be followed, read or stored fails as that page; its crawl goes on. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class BadPageIT {

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void aPageWhoseRedirectIsNoUrlOrWhoseContentTheDatabaseRefusesFailsAloneAndTheCrawlSucceeds() {
        SITE.html(
                "/bad/start",
                "<html><head><title>start</title></head><body><a href=\"/bad/spaced\">1</a>"
                        + "<a href=\"/bad/nul\">2</a><a href=\"/bad/ok\">3</a></body></html>");
        SITE.reply("/bad/spaced", new StubSite.Reply(302, null, new byte[0], Map.of("Location", "/bad/a page"), null));
        // PostgreSQL cannot store a NUL character in text
        SITE.html(
                "/bad/nul",
                "<html><head><title>nul</title></head><body><p>before\u0000after</p>"
                        + "<a href=\"/bad/behind-nul\">4</a></body></html>");
        SITE.html("/bad/behind-nul", "<html><head><title>behind</title></head><body>reached</body></html>");
        SITE.html("/bad/ok", "<html><head><title>ok</title></head><body>fine</body></html>");

        String id = Jobs.submit(Map.of(
                "url",
                SITE.url("/bad/start"),
                "formats",
                List.of("metadata", "text", "links"),
                "crawl",
                Map.of("maxPages", 10, "maxDepth", 2)));
        Jobs.awaitStatus(id, "succeeded");

        given().when().get("/v1/jobs/" + id).then().body("pages", equalTo(3));
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .statusCode(200)
                .body("total", equalTo(5))
                .body("pages.find { it.url.endsWith('/bad/spaced') }.error.code", equalTo("invalid-redirect"))
                .body("pages.find { it.url.endsWith('/bad/spaced') }.error.transient", equalTo(false))
                .body("pages.find { it.url.endsWith('/bad/nul') }.error.code", equalTo("page-not-stored"))
                .body("pages.find { it.url.endsWith('/bad/nul') }.error.message", containsString("SQLSTATE 22"))
                .body("pages.find { it.url.endsWith('/bad/ok') }.text", equalTo("fine"))
                .body("pages.find { it.url.endsWith('/bad/behind-nul') }.text", equalTo("reached"));
    }

    @Test
    void aSinglePageWhoseContentTheDatabaseRefusesFailsItsJobAtOnceAndAloneAmongItsBatch() {
        SITE.html("/single/nul", "<html><body><p>before\u0000after</p></body></html>");
        SITE.html("/single/fine", "<html><body><p>fine</p></body></html>");
        String refused = Jobs.submit(Map.of("url", SITE.url("/single/nul"), "formats", List.of("text")));
        String fine = Jobs.submit(Map.of("url", SITE.url("/single/fine"), "formats", List.of("text")));

        Jobs.awaitStatus(refused, "failed");
        given().when()
                .get("/v1/jobs/" + refused)
                .then()
                .body("attempt", equalTo(1))
                .body("error.code", equalTo("page-not-stored"))
                .body("error.transient", equalTo(false));
        Jobs.awaitStatus(fine, "succeeded");
    }
}
