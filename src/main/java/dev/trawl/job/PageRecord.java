package dev.trawl.job;

import dev.trawl.scrape.MainContent;
import java.util.List;
import java.util.Map;

/** A stored page of a job's result, as read back for the API ({@link JobQueries#pages}). */
public record PageRecord(
        String url,
        String finalUrl,
        int statusCode,
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
        String skipReason,
        MainContent main) {

    /** Neither failed nor skipped: its content was fetched and extracted. */
    public boolean fetched() {
        return error == null && skipReason == null;
    }
}
