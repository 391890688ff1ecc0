package dev.trawl.scrape;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Formats, selectors and fetch failures, end to end through the API and a real worker. */
@QuarkusTest
class ScrapeEngineIT {

    private static final StubSite SITE = new StubSite();

    private static final String ARTICLE = """
            <!doctype html><html lang="en-GB"><head><title>Trawl article</title>
            <meta name="description" content="About trawling">
            <link rel="canonical" href="/articles/trawl"><script>var tracking = 1;</script></head>
            <body><h1>Trawling</h1><p>Nets are <strong>big</strong>.</p>
            <ul class="tags"><li>fish</li><li>boats</li></ul>
            <a class="more" href="/more">More</a><span class="price" data-eur="12.50">12,50 €</span>
            </body></html>""";

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    private static String submit(Map<String, Object> body) {
        return Jobs.submit(body);
    }

    @Test
    void everyFormatIsProducedWhenAskedFor() {
        SITE.html("/article", ARTICLE);
        String id = submit(Map.of(
                "url", SITE.url("/article"), "formats", List.of("metadata", "text", "markdown", "links", "html")));
        Jobs.awaitStatus(id, "succeeded");
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .statusCode(200)
                .body("pages[0].title", equalTo("Trawl article"))
                .body("pages[0].metadata.description", equalTo("About trawling"))
                .body("pages[0].metadata.canonical", equalTo(SITE.url("/articles/trawl")))
                .body("pages[0].metadata.language", equalTo("en-GB"))
                .body("pages[0].metadata.statusCode", equalTo(200))
                .body("pages[0].metadata.finalUrl", equalTo(SITE.url("/article")))
                .body("pages[0].metadata.contentType", containsString("text/html"))
                .body("pages[0].text", containsString("Nets are big."))
                .body("pages[0].text", org.hamcrest.Matchers.not(containsString("tracking")))
                .body("pages[0].markdown", containsString("# Trawling"))
                .body("pages[0].markdown", containsString("**big**"))
                .body("pages[0].markdown", containsString("[More](" + SITE.url("/more") + ")"))
                .body("pages[0].html", containsString("<h1>Trawling</h1>"))
                .body("pages[0].links", hasItems(SITE.url("/more")));
    }

    @Test
    void onlyTheFormatsAskedForAreReturned() {
        SITE.html("/article-text", ARTICLE);
        String id = submit(Map.of("url", SITE.url("/article-text"), "formats", List.of("text")));
        Jobs.awaitStatus(id, "succeeded");
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("pages[0].text", containsString("Nets are big."))
                .body("pages[0].markdown", nullValue())
                .body("pages[0].html", nullValue())
                .body("pages[0].links", nullValue())
                .body("pages[0].metadata", nullValue());
    }

    @Test
    void selectorsFillNamedFieldsWithTextAttributesAndLists() {
        SITE.html("/fields", ARTICLE);
        String id = submit(Map.of(
                "url",
                SITE.url("/fields"),
                "formats",
                List.of("metadata"),
                "selectors",
                Map.of(
                        "heading", "h1",
                        "tags", Map.of("selector", "ul.tags li", "all", true),
                        "next", Map.of("selector", "a.more", "attr", "href"),
                        "price", Map.of("selector", ".price", "attr", "data-eur"),
                        "missing", "table.none")));
        Jobs.awaitStatus(id, "succeeded");
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("pages[0].fields.heading", equalTo("Trawling"))
                .body("pages[0].fields.tags", equalTo(List.of("fish", "boats")))
                .body("pages[0].fields.next", equalTo(SITE.url("/more")))
                .body("pages[0].fields.price", equalTo("12.50"))
                .body("pages[0].fields.missing", nullValue());
    }

    @Test
    void aLatin1PageWithoutDeclaredCharsetIsDecodedBySniffing() {
        byte[] body = "<html><head><title>Gr\u00fc\u00dfe aus K\u00f6ln</title></head><body>\u00e9t\u00e9</body></html>"
                .getBytes(Charset.forName("windows-1252"));
        SITE.reply("/latin1", new StubSite.Reply(200, "text/html", body, Map.of(), null));
        String id = submit(Map.of("url", SITE.url("/latin1"), "formats", List.of("text")));
        Jobs.awaitStatus(id, "succeeded");
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("pages[0].title", equalTo("Gr\u00fc\u00dfe aus K\u00f6ln"))
                .body("pages[0].text", equalTo("\u00e9t\u00e9"));
    }

    @Test
    void binaryContentIsRecordedNotParsed() {
        SITE.reply(
                "/file.bin",
                new StubSite.Reply(200, "application/octet-stream", new byte[] {0, 1, 2, 3, 4}, Map.of(), null));
        String id = submit(Map.of("url", SITE.url("/file.bin"), "formats", List.of("metadata", "text")));
        Jobs.awaitStatus(id, "succeeded");
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("pages[0].contentType", equalTo("application/octet-stream"))
                .body("pages[0].metadata.contentLength", equalTo(5))
                .body("pages[0].title", nullValue())
                .body("pages[0].text", nullValue());
    }

    @Test
    void compressedPagesAreDecodedWhateverTheEncoding() throws Exception {
        byte[] html = "<html><head><title>Squeezed</title></head><body>small</body></html>".getBytes();
        java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(gzipped)) {
            gzip.write(html);
        }
        com.aayushatharva.brotli4j.Brotli4jLoader.ensureAvailability();
        byte[] brotli = com.aayushatharva.brotli4j.encoder.Encoder.compress(html);
        SITE.reply(
                "/gzip",
                new StubSite.Reply(200, "text/html", gzipped.toByteArray(), Map.of("Content-Encoding", "gzip"), null));
        SITE.reply("/br", new StubSite.Reply(200, "text/html", brotli, Map.of("Content-Encoding", "br"), null));
        String gzipJob = submit(Map.of("url", SITE.url("/gzip"), "formats", List.of("text")));
        String brJob = submit(Map.of("url", SITE.url("/br"), "formats", List.of("text")));
        for (String id : List.of(gzipJob, brJob)) {
            Jobs.awaitStatus(id, "succeeded");
            given().when()
                    .get("/v1/jobs/" + id + "/result")
                    .then()
                    .body("pages[0].title", equalTo("Squeezed"))
                    .body("pages[0].text", equalTo("small"));
        }
        assertThat(SITE.lastHeaders("/br").get("accept-encoding"))
                .contains("br")
                .contains("gzip");
    }

    @Test
    void aRedirectLoopIsAPermanentFailure() {
        SITE.redirect("/loop-a", "/loop-b").redirect("/loop-b", "/loop-a");
        String id = submit(Map.of("url", SITE.url("/loop-a")));
        Jobs.awaitStatus(id, "failed");
        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .body("error.code", equalTo("redirect-loop"))
                .body("error.transient", equalTo(false));
    }

    @Test
    void redirectsAreFollowedToTheFinalUrl() {
        SITE.redirect("/old", "/new").html("/new", "<title>moved</title>");
        String id = submit(Map.of("url", SITE.url("/old"), "formats", List.of("metadata")));
        Jobs.awaitStatus(id, "succeeded");
        given().when()
                .get("/v1/jobs/" + id + "/result")
                .then()
                .body("pages[0].url", equalTo(SITE.url("/old")))
                .body("pages[0].finalUrl", equalTo(SITE.url("/new")))
                .body("pages[0].title", equalTo("moved"));
    }

    @Test
    void anOversizedBodyIsAPermanentFailure() {
        SITE.reply("/huge", new StubSite.Reply(200, "text/html", new byte[1_500_000], Map.of(), null));
        String id = submit(Map.of("url", SITE.url("/huge")));
        Jobs.awaitStatus(id, "failed");
        given().when()
                .get("/v1/jobs/" + id)
                .then()
                .body("error.code", equalTo("oversize"))
                .body("error.transient", equalTo(false));
    }

    @Test
    void aPageSlowerThanTheJobsTimeoutIsATransientTimeout() {
        CountDownLatch gate = SITE.gatedHtml("/stuck", "<title>late</title>");
        try {
            String id = submit(Map.of("url", SITE.url("/stuck"), "timeoutSeconds", 1));
            Jobs.awaitStatus(id, "failed");
            given().when()
                    .get("/v1/jobs/" + id)
                    .then()
                    .body("error.code", equalTo("timeout"))
                    .body("error.transient", equalTo(true));
        } finally {
            gate.countDown();
        }
    }

    @Test
    void aServerErrorIsATransientFailureAndNotFoundIsPermanent() {
        SITE.reply("/busy", new StubSite.Reply(503, "text/plain", "busy".getBytes(), Map.of("Retry-After", "1"), null));
        String busy = submit(Map.of("url", SITE.url("/busy")));
        String gone = submit(Map.of("url", SITE.url("/gone-for-good")));
        Jobs.awaitStatus(busy, "failed");
        Jobs.awaitStatus(gone, "failed");
        given().when()
                .get("/v1/jobs/" + busy)
                .then()
                .body("error.code", equalTo("http-503"))
                .body("error.transient", equalTo(true));
        given().when()
                .get("/v1/jobs/" + gone)
                .then()
                .body("error.code", equalTo("http-404"))
                .body("error.transient", equalTo(false));
    }

    @Test
    void invalidOptionsAreRejectedNamingTheMember() {
        String url = SITE.url("/x");
        reject(Map.of("url", url, "selectors", Map.of("bad", "div[")), "selectors.bad");
        reject(Map.of("url", url, "selectors", Map.of("bad", Map.of("selector", "p", "all", "yes"))), "selectors.bad");
        reject(Map.of("url", url, "selectors", Map.of("bad", 42)), "selectors.bad");
        reject(Map.of("url", url, "crawl", Map.of("maxPages", 10_001)), "crawl.maxPages");
        reject(Map.of("url", url, "crawl", Map.of("maxPages", 0)), "crawl.maxPages");
        reject(Map.of("url", url, "crawl", Map.of("maxPages", 5, "maxDepth", 21)), "crawl.maxDepth");
        reject(Map.of("url", url, "crawl", Map.of("maxPages", 5, "include", List.of("(unclosed"))), "crawl.include[0]");
        reject(Map.of("url", url, "headers", Map.of("Host", "evil.example")), "headers.Host");
        reject(Map.of("url", url, "headers", Map.of("Cookie", "a=b")), "headers.Cookie");
        reject(Map.of("url", url, "headers", Map.of("X-Trace", "a\r\nInjected: 1")), "headers.X-Trace");
        reject(Map.of("url", url, "timeoutSeconds", 0), "timeoutSeconds");
        reject(Map.of("url", url, "render", "yes"), "render");
    }

    private static void reject(Map<String, Object> body, String field) {
        given().contentType(ContentType.JSON)
                .body(body)
                .when()
                .post("/v1/jobs")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo(field));
    }

    @Test
    void allowedHeadersReachTheSite() {
        SITE.html("/lang", "<title>lang</title>");
        String id = submit(
                Map.of("url", SITE.url("/lang"), "headers", Map.of("Accept-Language", "de-CH", "X-Trace", "abc")));
        Jobs.awaitStatus(id, "succeeded");
        assertThat(SITE.lastHeaders("/lang"))
                .containsEntry("accept-language", "de-CH")
                .containsEntry("x-trace", "abc");
    }
}
