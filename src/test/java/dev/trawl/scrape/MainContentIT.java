package dev.trawl.scrape;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The {@code main} format through the API: the article of a page, without its menus, ads and footer. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class MainContentIT {

    private static final StubSite SITE = new StubSite();

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void theResultOfAPageAskedForMainHoldsItsArticleAsTextAndMarkdown() {
        SITE.html("/blog/starter", MainContentExtractionTest.ARTICLE_PAGE);

        String id = Jobs.submit(Map.of("url", SITE.url("/blog/starter"), "formats", List.of("main", "metadata")));
        Jobs.awaitStatus(id, "succeeded");

        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .statusCode(200)
                .body(
                        "pages[0].main.text",
                        allOf(
                                containsString("A sourdough starter is a living culture"),
                                not(containsString("COPYRIGHT-FOOTER")),
                                not(containsString("BUY-CHEAP-FLOUR-NOW")),
                                not(containsString("About us"))))
                .body(
                        "pages[0].main.markdown",
                        allOf(
                                containsString("[our feeding guide](" + SITE.url("/guides/feeding") + ")"),
                                not(containsString("COPYRIGHT-FOOTER"))))
                .body("pages[0].markdown", nullValue())
                .body("pages[0].text", nullValue());
    }

    @Test
    void aPageWithNothingToReadHasAnEmptyMainContentAndSucceeds() {
        SITE.html("/empty", "<html><head><title>Empty</title></head><body><nav></nav></body></html>");

        String id = Jobs.submit(Map.of("url", SITE.url("/empty"), "formats", List.of("main")));
        Jobs.awaitStatus(id, "succeeded");

        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("pages[0].main.text", equalTo(""))
                .body("pages[0].main.markdown", equalTo(""));
    }

    @Test
    void anUnknownFormatIsStillRefusedAndNamesMainAmongTheValidOnes() {
        given().contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/x"), "formats", List.of("readable")))
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(400)
                .contentType(containsString("application/problem+json"))
                .body("detail", containsString("main"));
    }
}
