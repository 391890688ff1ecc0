package dev.trawl.api;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /v1/jobs} (and of the original API's submits). */
@Schema(
        description = "A scrape job: one page, or a crawl with crawl; every member but url is optional (docs/api.md)",
        example = """
                {"url": "https://example.org/docs/", "formats": ["metadata", "markdown", "links"], "priority": "normal",
                 "selectors": {"heading": "h1", "next": {"selector": "a.next", "attr": "href"}},
                 "crawl": {"maxPages": 50, "maxDepth": 2, "include": ["/docs/"], "sameSite": true, "sitemaps": false},
                 "headers": {"Accept-Language": "de-CH"}, "timeoutSeconds": 20, "respectRobots": true}""")
public record JobSubmission(
        @NotBlank(message = "is required") @Size(max = 2048, message = "must be at most 2048 characters") @Pattern(regexp = "(?i)https?://\\S+", message = "must be an absolute http or https URL")
        String url,

        @Size(max = 5, message = "lists at most 5 formats") List<
                        @NotNull(message = "must not be null") @Pattern(
                                regexp = "metadata|text|markdown|links|html|main",
                                message = "must be one of metadata, text, markdown, links, html, main")
                        String>
                formats,

        @Pattern(regexp = "high|normal|low", message = "must be one of high, normal, low") String priority,

        @Size(max = 50, message = "names at most 50 fields") Map<String, JsonNode> selectors,

        @Valid CrawlOptions crawl,

        @Size(max = 20, message = "has at most 20 headers") Map<String, String> headers,

        @Min(value = 1, message = "must be at least 1") @Max(value = 300, message = "must be at most 300") Integer timeoutSeconds,

        Boolean respectRobots,

        Boolean render,

        Boolean dedupe,

        @Min(value = 1, message = "must be at least 1") @Max(value = 10, message = "must be at most 10") Integer maxAttempts,

        @Schema(
                description = "When the job may run: ISO-8601 with an offset; a time past runs now",
                example = "2026-12-01T06:00:00+01:00")
        String runAt,

        @Schema(description = "Run the job this many seconds from now (not with runAt)")
        @Min(value = 0, message = "must be 0 or more") Long delaySeconds,

        @Valid WebhookOptions webhook) {

    /**
     * {@code webhook}: where the job's chosen events are POSTed, signed with the caller's webhook
     * secret (docs/webhooks.md); {@code events} defaults to the terminal ones.
     */
    @Schema(
            description = "POSTs the chosen events of the job to url, signed per Standard Webhooks (docs/webhooks.md)",
            example = """
                    {"url": "https://hooks.example.com/trawl", "events": ["succeeded", "failed"],
                     "headers": {"X-Team": "crawl"}}""")
    public record WebhookOptions(
            @NotBlank(message = "is required") @Size(max = 2048, message = "must be at most 2048 characters") String url,

            @Size(max = 9, message = "lists at most 9 events") List<@NotNull(message = "must not be null") String> events,

            @Size(max = 10, message = "has at most 10 headers") Map<String, String> headers) {}

    /** {@code crawl}: absent members take the single-page defaults. */
    public record CrawlOptions(
            @Min(value = 1, message = "must be at least 1") Integer maxPages,
            @Min(value = 0, message = "must be 0 or more") Integer maxDepth,

            @Size(max = 20, message = "has at most 20 patterns") List<
                            @NotBlank(message = "must not be blank") @Size(max = 500, message = "must be at most 500 characters") String>
                    include,

            @Size(max = 20, message = "has at most 20 patterns") List<
                            @NotBlank(message = "must not be blank") @Size(max = 500, message = "must be at most 500 characters") String>
                    exclude,

            Boolean sameSite,

            @Schema(
                    description = "Also seed the crawl with the URLs of the start origin's sitemaps (robots.txt"
                            + " Sitemap: lines and /sitemap.xml); they pass the same include, exclude, site"
                            + " and robots rules and the page budget as links do")
            Boolean sitemaps) {}

    /** This submission, with {@code defaults} as its formats if it names none. */
    JobSubmission withDefaultFormats(List<String> defaults) {
        return formats != null && !formats.isEmpty()
                ? this
                : new JobSubmission(
                        url,
                        defaults,
                        priority,
                        selectors,
                        crawl,
                        headers,
                        timeoutSeconds,
                        respectRobots,
                        render,
                        dedupe,
                        maxAttempts,
                        runAt,
                        delaySeconds,
                        webhook);
    }

    /** Whether the client asked for the job to run later. */
    boolean delayed() {
        return runAt != null || delaySeconds != null;
    }

    /** Unless the client opted out, an identical live or recently succeeded job answers instead of a new one. */
    boolean deduplicates() {
        return dedupe == null || dedupe;
    }

    /** A submission with just a URL, as the original API's clients send. */
    public JobSubmission(String url) {
        this(url, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }
}
