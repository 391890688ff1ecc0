package dev.trawl.job;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.trawl.support.Jobs;
import dev.trawl.support.StubSite;
import dev.trawl.support.Submits;
import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(TestServices.class)
class OperationLedgerIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final StubSite SITE = new StubSite();

    @Inject
    JobStore store;

    @AfterAll
    static void stopSite() {
        SITE.close();
    }

    @Test
    void aCrawlRecordsOnePageStoredEntryPerStoredPage() {
        SITE.html("/ledger/a", "<html><body><a href=\"/ledger/b\">b</a><a href=\"/ledger/c\">c</a></body></html>");
        SITE.html("/ledger/b", "<html><body><a href=\"/ledger/a\">a</a></body></html>");
        SITE.html("/ledger/c", "<html><body>c</body></html>");
        String id = Jobs.submit(Map.of("url", SITE.url("/ledger/a"), "crawl", Map.of("maxPages", 10, "maxDepth", 2)));
        Jobs.awaitStatus(id, "succeeded");

        List<Map<String, Object>> ops = given().when()
                .get("/v1/jobs/" + id + "/ops")
                .then()
                .statusCode(200)
                .body("jobId", equalTo(id))
                .extract()
                .jsonPath()
                .getList("ops");
        assertThat(ops)
                .allSatisfy(op ->
                        assertThat(op).containsEntry("kind", "page-stored").containsKey("createdAt"));
        assertThat(ops.stream().map(op -> op.get("context")))
                .containsExactlyInAnyOrder(SITE.url("/ledger/a"), SITE.url("/ledger/b"), SITE.url("/ledger/c"));
        assertThat(Submits.sql("SELECT count(*) FROM pages WHERE job_id = ?::uuid", id))
                .isEqualTo("3");
    }

    @Test
    void storingTheSamePageTwiceStoresAndRecordsItOnce() {
        UUID id = JobIds.next();
        JobSpec spec = new JobSpec("http://127.0.0.1:9/" + id, List.of("text"), Priority.NORMAL);
        store.insert(NewJob.of(id, spec, Jobs.LOCAL_CALLER, false)).await().atMost(WAIT);
        ClaimedJob job = store.claim(id, "ledger-test", Duration.ofMinutes(1))
                .await()
                .atMost(WAIT)
                .orElseThrow();
        StoredPage page = new StoredPage(
                "http://127.0.0.1:9/" + id + "/p",
                null,
                200,
                "text/html",
                1,
                null,
                "title",
                null,
                "text",
                null,
                null,
                List.of(),
                null,
                null,
                null);

        assertThat(store.storePage(job, page).await().atMost(WAIT)).contains(false);
        assertThat(store.storePage(job, page).await().atMost(WAIT)).contains(false);

        assertThat(store.ops(id).await().atMost(WAIT)).singleElement().satisfies(entry -> {
            assertThat(entry.kind()).isEqualTo(OpKeys.PAGE_STORED);
            assertThat(entry.context()).isEqualTo(page.url());
        });
        assertThat(Submits.sql("SELECT count(*) FROM pages WHERE job_id = ?::uuid", id.toString()))
                .isEqualTo("1");
        assertThat(store.finishCrawl(job).await().atMost(WAIT)).contains(JobState.SUCCEEDED);
    }

    @Test
    void theOpsOfAnUnknownJobAreA404() {
        given().when()
                .get("/v1/jobs/" + UUID.randomUUID() + "/ops")
                .then()
                .statusCode(404)
                .contentType("application/problem+json")
                .body("field", equalTo("id"));
    }
}
