package dev.trawl.job;

import dev.trawl.scrape.MainContent;
import java.util.List;
import java.util.Map;

/**
 * One page of a job as the worker hands it over for storage: fetched and extracted, failed
 * ({@code error}), or skipped without a fetch ({@code skipReason}, e.g. robots.txt). {@code main}
 * is the page's main content (the {@code main} format), null when not asked for.
 */
public record StoredPage(
        String url,
        String finalUrl,
        int statusCode,
        String contentType,
        int depth,
        Map<String, Object> metadata,
        String title,
        String description,
        String text,
        String markdown,
        String html,
        List<String> links,
        Map<String, Object> fields,
        Map<String, Object> error,
        String skipReason,
        MainContent main) {

    public StoredPage(
            String url,
            String finalUrl,
            int statusCode,
            String contentType,
            int depth,
            Map<String, Object> metadata,
            String title,
            String description,
            String text,
            String markdown,
            String html,
            List<String> links,
            Map<String, Object> fields,
            Map<String, Object> error,
            String skipReason) {
        this(
                url,
                finalUrl,
                statusCode,
                contentType,
                depth,
                metadata,
                title,
                description,
                text,
                markdown,
                html,
                links,
                fields,
                error,
                skipReason,
                null);
    }

    public static StoredPage failed(String url, int depth, Integer statusCode, Map<String, Object> error) {
        return new StoredPage(
                url,
                null,
                statusCode == null ? 0 : statusCode,
                null,
                depth,
                null,
                null,
                null,
                null,
                null,
                null,
                List.of(),
                null,
                error,
                null);
    }

    public static StoredPage skipped(String url, int depth, String reason) {
        return new StoredPage(
                url, null, 0, null, depth, null, null, null, null, null, null, List.of(), null, null, reason);
    }

    public boolean fetched() {
        return error == null && skipReason == null;
    }
}
