package dev.trawl.job;

import java.util.Map;
import java.util.Optional;

/**
 * What a new job asked for, as its work stream entry carries it: the request's JSON, as stored,
 * and its trace id (null if none). With it a worker can fetch a job's page before claiming it and
 * claim it in the statement that stores the page (see {@code JobRunner}).
 */
public record JobRequest(String json, String traceId) {

    static final String REQUEST_FIELD = "request";
    static final String TRACE_FIELD = "trace";

    /** The entry fields that carry it. */
    public Map<String, String> fields() {
        return traceId == null ? Map.of(REQUEST_FIELD, json) : Map.of(REQUEST_FIELD, json, TRACE_FIELD, traceId);
    }

    /** The request an entry's fields carry, if they carry one. */
    public static Optional<JobRequest> of(Map<String, String> fields) {
        String json = fields.get(REQUEST_FIELD);
        return json == null ? Optional.empty() : Optional.of(new JobRequest(json, fields.get(TRACE_FIELD)));
    }

    /** The request read back; fails if the JSON is not a request this version can read. */
    public JobSpec spec() {
        return JobStore.fromJson(json);
    }

    /**
     * Whether a worker may run the job before claiming it: a single page without a webhook (a
     * webhook's subscription is renewed at the claim, and a crawl's pages are stored one by one
     * under a lease) and without {@code X-} headers, which may carry a key for the site and are
     * not copied into Redis.
     */
    static boolean runsBeforeClaim(JobSpec spec) {
        return spec.crawl().singlePage()
                && spec.webhook() == null
                && spec.headers().keySet().stream().noneMatch(name -> name.regionMatches(true, 0, "X-", 0, 2));
    }
}
