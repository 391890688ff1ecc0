package dev.trawl.console;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trawl.support.Browser;
import dev.trawl.support.Keys;
import dev.trawl.support.StubSite;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The console in a real headless Chromium, against the real platform, as a person uses it. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
class ConsoleIT {

    /** Under target/ so a test run leaves the tree clean; `-Dtrawl.console.screenshots=docs` refreshes the README's. */
    private static final Path SCREENSHOTS =
            Path.of(System.getProperty("trawl.console.screenshots", "target/console-screenshots"));

    private static final StubSite SITE = new StubSite();
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TestHTTPResource("/console")
    URL console;

    private Browser browser;

    @BeforeEach
    void openBrowser() {
        browser = new Browser();
    }

    @AfterEach
    void closeBrowser() {
        browser.close();
    }

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void aJobSubmittedInTheConsoleIsFollowedLiveUntilItSucceedsAndItsResultOpens() {
        CountDownLatch gate = SITE.gatedHtml(
                "/live",
                "<html><head><title>Live page</title></head><body><h1>Hello</h1><a href=\"/x\">x</a></body></html>");
        browser.open(console + "/jobs");
        browser.useKey(Keys.issue("console user", "api-key"));
        await().atMost(WAIT).until(() -> browser.texts("who").contains("key"));
        browser.type("submit-url", SITE.url("/live"));
        browser.byTestId("submit").click();

        // the job page follows the events while the site has not answered yet
        await().atMost(WAIT).until(() -> browser.driver().getCurrentUrl().matches(".*/console/jobs/[0-9a-f-]{36}$"));
        await().atMost(WAIT).until(() -> browser.texts("event-type").contains("started"));
        assertThat(browser.texts("event-type")).doesNotContain("page", "succeeded");
        assertThat(browser.byTestId("connection").getText()).isEqualTo("live");
        gate.countDown();

        await().atMost(WAIT).until(() -> browser.texts("event-type").contains("succeeded"));
        assertThat(browser.texts("event-type")).containsSubsequence("queued", "started", "page", "succeeded");
        await().atMost(WAIT).until(() -> browser.texts("status").contains("succeeded"));
        await().atMost(WAIT).until(() -> browser.texts("page-title").contains("Live page"));
        assertThat(browser.byTestId("format-body").getText()).contains("Hello");
        browser.byTestId("format-links").click();
        assertThat(browser.byTestId("format-body").getText()).contains(SITE.url("/x"));
        browser.byTestId("format-markdown").click();
        browser.screenshot(SCREENSHOTS.resolve("console.png"));

        // and the job is in the list, linked to its page
        browser.driver()
                .findElement(By.cssSelector("nav a[href='/console/jobs']"))
                .click();
        await().atMost(WAIT).until(() -> !browser.allByTestId("job-row").isEmpty());
        assertThat(browser.texts("job-row").get(0)).contains(SITE.url("/live")).contains("succeeded");
    }

    @Test
    void aScrapedTitleHoldingScriptAndOnerrorIsShownAsTextAndNeverRuns() {
        String hostile = "<script>window.pwned = 'script'</script><img src=x onerror=\"window.pwned = 'onerror'\">";
        SITE.html(
                "/hostile",
                "<html><head><title>" + hostile + "</title></head><body><p>"
                        + "<img src=x onerror=\"window.pwned='body'\"></p></body></html>");
        String key = Keys.issue("hostile", "api-key");
        String id = given().header("Authorization", "Bearer " + key)
                .contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/hostile"), "formats", java.util.List.of("metadata", "html", "markdown")))
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");

        browser.open(console.toString());
        browser.useKey(key);
        // a deep link opens the job's page directly
        browser.open(console + "/jobs/" + id);
        await().atMost(WAIT).until(() -> browser.texts("page-title").stream().anyMatch(t -> t.contains("<script>")));
        String title = browser.texts("page-title").get(0);
        assertThat(title).contains("<script>window.pwned = 'script'</script>").contains("onerror=");
        browser.byTestId("format-html").click();
        assertThat(browser.byTestId("format-body").getText()).contains("onerror=");
        assertThat(browser.texts("event-type")).contains("page");
        assertThat(browser.driver().findElements(By.cssSelector("main script, main img")))
                .isEmpty();
        assertThat(browser.script("return window.pwned === undefined")).isEqualTo(true);
    }

    @Test
    void everyConsolePathServesTheConsoleWithAPolicyThatForbidsInlineScript() {
        for (String path :
                new String[] {"/console", "/console/", "/console/jobs/0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d"}) {
            given().when()
                    .get(path)
                    .then()
                    .statusCode(200)
                    .contentType(org.hamcrest.Matchers.containsString("text/html"))
                    .header("Content-Security-Policy", org.hamcrest.Matchers.containsString("script-src 'self'"))
                    .body(org.hamcrest.Matchers.containsString("/console/app.js"));
        }
        given().when()
                .get("/console/app.js")
                .then()
                .statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("X-RateLimit-Limit", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void anAdminPausesAndResumesAQueueAndReDrivesADeadLetterFromTheConsole() {
        SITE.sequence("/console-dead", StubSite.status(404));
        String id = given().header("Authorization", "Bearer " + Keys.ADMIN_TOKEN)
                .contentType(ContentType.JSON)
                .body(Map.of("url", SITE.url("/console-dead")))
                .post("/v1/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        await().atMost(WAIT)
                .until(() -> "failed"
                        .equals(given().header("Authorization", "Bearer " + Keys.ADMIN_TOKEN)
                                .get("/v1/jobs/" + id)
                                .then()
                                .extract()
                                .path("status")));

        browser.open(console.toString());
        browser.useKey(Keys.ADMIN_TOKEN);
        await().atMost(WAIT).until(() -> browser.texts("who").contains("admin key"));
        // the overview: every queue, the workers of this platform, the dead letter
        await().atMost(WAIT)
                .until(() -> browser.byTestId("queues")
                                .findElements(By.cssSelector("tbody tr"))
                                .size()
                        == 3);
        assertThat(Integer.parseInt(browser.byTestId("workers").getText())).isGreaterThanOrEqualTo(1);
        assertThat(Integer.parseInt(browser.byTestId("dead-letters").getText())).isGreaterThanOrEqualTo(1);
        assertThat(browser.byTestId("scope").getText()).isEqualTo("all");
        browser.screenshot(SCREENSHOTS.resolve("console-overview.png"));
        browser.driver()
                .findElement(By.cssSelector("nav a[href='/console/admin']"))
                .click();
        browser.byTestId("toggle-low").click();
        await().atMost(WAIT).until(() -> browser.texts("queue-state-low").contains("paused"));
        browser.byTestId("toggle-low").click();
        await().atMost(WAIT).until(() -> browser.texts("queue-state-low").contains("running"));

        SITE.html("/console-dead", "<html><head><title>back</title></head></html>");
        browser.driver()
                .findElement(By.cssSelector("nav a[href='/console/dead-letters']"))
                .click();
        WebElement box = await().atMost(WAIT)
                .ignoreExceptions()
                .until(
                        () -> browser.driver().findElement(By.cssSelector("input[data-job='" + id + "']")),
                        e -> e != null);
        box.click();
        browser.byTestId("redrive-selected").click();
        await().atMost(WAIT).until(() -> browser.texts("bulk-outcome").contains("1 job(s) re-driven"));
        await().atMost(WAIT)
                .until(() -> "succeeded"
                        .equals(given().header("Authorization", "Bearer " + Keys.ADMIN_TOKEN)
                                .get("/v1/jobs/" + id)
                                .then()
                                .extract()
                                .path("status")));
    }
}
