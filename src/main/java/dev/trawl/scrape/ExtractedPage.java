package dev.trawl.scrape;

import java.util.List;
import java.util.Map;

/**
 * What the extractor took from a page. {@code links} are always collected (a crawl follows them);
 * the other parts are null when their format was not asked for.
 */
public record ExtractedPage(
        Map<String, Object> metadata,
        String text,
        String markdown,
        List<String> links,
        String html,
        Map<String, Object> fields) {

    public String title() {
        return metadata == null ? null : (String) metadata.get("title");
    }

    public String description() {
        return metadata == null ? null : (String) metadata.get("description");
    }
}
