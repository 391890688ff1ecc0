package dev.trawl.scrape;

import java.util.List;
import java.util.Map;

/**
 * What the extractor took from a page. {@code links} are always collected (a crawl follows them);
 * the other parts are null when their format was not asked for ({@code main} for the {@code main}
 * format).
 */
public record ExtractedPage(
        Map<String, Object> metadata,
        String text,
        String markdown,
        List<String> links,
        String html,
        Map<String, Object> fields,
        MainContent main) {

    public ExtractedPage(
            Map<String, Object> metadata,
            String text,
            String markdown,
            List<String> links,
            String html,
            Map<String, Object> fields) {
        this(metadata, text, markdown, links, html, fields, null);
    }

    public String title() {
        return metadata == null ? null : (String) metadata.get("title");
    }

    public String description() {
        return metadata == null ? null : (String) metadata.get("description");
    }
}
