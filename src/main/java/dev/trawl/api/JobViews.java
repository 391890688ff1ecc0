package dev.trawl.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.trawl.job.JobSummary;
import dev.trawl.job.LedgerEntry;
import dev.trawl.job.ListedJob;
import dev.trawl.job.PageRecord;
import dev.trawl.job.SubmittedJob;
import dev.trawl.scrape.MainContent;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Response bodies of the job API. */
public final class JobViews {

    private JobViews() {}

    public record Links(String self, String events, String result) {
        static Links of(UUID id) {
            String self = "/v1/jobs/" + id;
            return new Links(self, self + "/events", self + "/result");
        }
    }

    /** {@code deduplicated} is present (true) only when an earlier identical job answers. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @Schema(example = """
            {"id": "0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "status": "queued", "createdAt": "2026-11-23T13:50:53.964869Z",
             "links": {"self": "/v1/jobs/0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d",
                       "events": "/v1/jobs/0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d/events",
                       "result": "/v1/jobs/0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d/result"}}""")
    public record Accepted(String id, String status, OffsetDateTime createdAt, Links links, Boolean deduplicated) {

        static Accepted of(SubmittedJob job) {
            return new Accepted(
                    job.id().toString(),
                    job.state().wireName(),
                    job.createdAt(),
                    Links.of(job.id()),
                    job.deduplicated() ? Boolean.TRUE : null);
        }
    }

    /** One job of a listing; {@code errorCode} only for a job that has an error. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Listed(
            String id,
            String status,
            String priority,
            String url,
            int attempt,
            OffsetDateTime createdAt,
            OffsetDateTime finishedAt,
            int pages,
            String errorCode) {

        static Listed of(ListedJob job) {
            return new Listed(
                    job.id().toString(),
                    job.state(),
                    job.priority(),
                    job.url(),
                    job.attempt(),
                    job.createdAt(),
                    job.finishedAt(),
                    job.pageCount(),
                    job.errorCode());
        }
    }

    /** A page of a listing, newest first; {@code next} is the cursor of the following page, null on the last. */
    @Schema(example = """
            {"items": [{"id": "0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "status": "succeeded", "priority": "normal",
                        "url": "https://example.org/", "attempt": 1, "createdAt": "2026-11-23T13:50:53.964869Z",
                        "finishedAt": "2026-11-23T13:50:54.8Z", "pages": 1}],
             "next": "0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d"}""")
    public record JobList(List<Listed> items, String next) {}

    /** The effects recorded once for a job in the operation ledger, oldest first. */
    public record Ops(String jobId, List<Op> ops) {

        public record Op(String kind, String context, OffsetDateTime createdAt) {}

        static Ops of(String jobId, List<LedgerEntry> entries) {
            return new Ops(
                    jobId,
                    entries.stream()
                            .map(e -> new Op(e.kind(), e.context(), e.createdAt()))
                            .toList());
        }
    }

    @Schema(example = """
            {"id": "0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d", "status": "failed", "priority": "normal", "attempt": 1,
             "createdAt": "2026-11-23T13:50:53.964869Z", "startedAt": "2026-11-23T13:50:54.010Z",
             "finishedAt": "2026-11-23T13:50:54.800Z", "pages": 0,
             "error": {"code": "http-404", "transient": false, "statusCode": 404, "message": "The site answered HTTP 404"},
             "links": {"self": "/v1/jobs/0193b2d4-5e6f-7a8b-9c0d-1e2f3a4b5c6d"},
             "traceId": "4bf92f3577b34da6a3ce929d0e0e4736"}""")
    public record Status(
            String id,
            String status,
            String priority,
            int attempt,
            OffsetDateTime createdAt,
            OffsetDateTime startedAt,
            OffsetDateTime finishedAt,
            int pages,
            Map<String, Object> error,
            Links links,

            @Schema(description = "The W3C trace id of the submit's traceparent header; absent if it had none")
            @JsonInclude(JsonInclude.Include.NON_NULL)
            String traceId,

            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "When a scheduled job will run; absent in any other state")
            OffsetDateTime runAt,

            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "The schedule that submitted the job; absent for a client's submit")
            UUID scheduleId,

            @JsonInclude(JsonInclude.Include.NON_NULL)
            @Schema(description = "The tick of that schedule the job is for; absent for a client's submit")
            OffsetDateTime scheduleTick) {

        static Status of(JobSummary job) {
            return new Status(
                    job.id().toString(),
                    job.state(),
                    job.priority(),
                    job.attempt(),
                    job.createdAt(),
                    job.startedAt(),
                    job.finishedAt(),
                    job.pageCount(),
                    job.error(),
                    Links.of(job.id()),
                    job.traceId(),
                    job.runAt(),
                    job.scheduleId(),
                    job.scheduleTick());
        }
    }

    /**
     * A stored page with the formats its job asked for; absent members were not asked for or do not
     * apply. {@code truncated} names the outputs cut to the configured bounds ({@code text},
     * {@code fields.price}, ...).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PageView(
            String url,
            String finalUrl,
            Integer statusCode,
            String contentType,
            int depth,
            String title,
            String description,
            Map<String, Object> metadata,
            String text,
            String markdown,
            String html,
            List<String> links,
            Map<String, Object> fields,
            Map<String, Object> error,
            String skipped,
            List<?> truncated,

            @Schema(
                    description = "The main content of the page as text and markdown (the main format); empty"
                            + " strings when the page has none")
            MainContent main) {

        static PageView of(PageRecord page, List<String> formats) {
            boolean fetched = page.fetched();
            return new PageView(
                    page.url(),
                    page.finalUrl(),
                    fetched ? page.statusCode() : null,
                    page.contentType(),
                    page.depth(),
                    page.title(),
                    page.description(),
                    formats.contains("metadata") ? page.metadata() : null,
                    formats.contains("text") ? page.text() : null,
                    formats.contains("markdown") ? page.markdown() : null,
                    formats.contains("html") ? page.html() : null,
                    formats.contains("links") && fetched ? (page.links() == null ? List.of() : page.links()) : null,
                    page.fields() == null || page.fields().isEmpty() ? null : page.fields(),
                    page.error(),
                    page.skipReason(),
                    truncated(page),
                    formats.contains("main") && fetched ? mainOf(page) : null);
        }

        /** A fetched page asked for main content has one, empty if none was found (or the body was not HTML). */
        private static MainContent mainOf(PageRecord page) {
            return page.main() != null ? page.main() : MainContent.EMPTY;
        }

        private static List<?> truncated(PageRecord page) {
            return page.metadata() != null && page.metadata().get("truncated") instanceof List<?> parts ? parts : null;
        }
    }

    /**
     * {@code next} (present while pages are left) is the path of the following page of the
     * result: a response holds at most {@code limit} pages and at most
     * {@code trawl.api.result-max-bytes} of them.
     */
    public record Result(
            String id,
            String status,
            int offset,
            int limit,
            long total,
            List<PageView> pages,
            @JsonInclude(JsonInclude.Include.NON_NULL) String next) {

        static Result of(JobLookup.JobPages read, int limit) {
            String id = read.id().toString();
            String next = read.nextOffset().isPresent()
                    ? "/v1/jobs/" + id + "/result?offset=" + read.nextOffset().getAsInt() + "&limit=" + limit
                    : null;
            return new Result(
                    id,
                    read.job().state(),
                    read.offset(),
                    limit,
                    read.job().total(),
                    read.pages().stream()
                            .map(p -> PageView.of(p, read.job().formats()))
                            .toList(),
                    next);
        }
    }

    /** {@code POST /scrape/async} of the original scraper API. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LegacyAccepted(
            @JsonProperty("job_id") String jobId,
            String status,
            @JsonProperty("stream_url") String streamUrl,
            @JsonProperty("status_url") String statusUrl,
            @JsonProperty("result_url") String resultUrl,
            Boolean deduplicated) {

        static LegacyAccepted of(SubmittedJob job) {
            String base = "/jobs/" + job.id();
            return new LegacyAccepted(
                    job.id().toString(),
                    job.state().wireName(),
                    base + "/stream",
                    base + "/status",
                    base + "/result",
                    job.deduplicated() ? Boolean.TRUE : null);
        }
    }

    /** {@code GET /jobs/{id}/status} of the original scraper API. */
    public record LegacyStatus(
            @JsonProperty("job_id") String jobId,
            String status,
            int attempt,
            @JsonProperty("created_at") OffsetDateTime createdAt,
            @JsonProperty("started_at") OffsetDateTime startedAt,
            @JsonProperty("finished_at") OffsetDateTime finishedAt,
            Map<String, Object> error) {

        static LegacyStatus of(JobSummary job) {
            return new LegacyStatus(
                    job.id().toString(),
                    job.state(),
                    job.attempt(),
                    job.createdAt(),
                    job.startedAt(),
                    job.finishedAt(),
                    job.error());
        }
    }

    /**
     * {@code GET /jobs/{id}/result} and {@code POST /scrape} of the original scraper API. {@code next}
     * (present while pages are left) is the path of the rest of the result, when the pages did not
     * fit in one response ({@code trawl.api.result-max-bytes}).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record LegacyResult(
            @JsonProperty("job_id") String jobId,
            String status,
            List<PageView> pages,
            Map<String, Object> error,
            String next) {

        static LegacyResult of(JobLookup.JobPages read) {
            String id = read.id().toString();
            String next = read.nextOffset().isPresent()
                    ? "/jobs/" + id + "/result?offset=" + read.nextOffset().getAsInt()
                    : null;
            return new LegacyResult(
                    id,
                    read.job().state(),
                    read.pages().stream()
                            .map(p -> PageView.of(p, read.job().formats()))
                            .toList(),
                    null,
                    next);
        }
    }
}
