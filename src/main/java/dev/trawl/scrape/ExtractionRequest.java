package dev.trawl.scrape;

import java.util.Map;
import java.util.Set;

/**
 * Which outputs to produce from a page: formats by name, named selector fields, and whether the
 * page's links are wanted even if the {@code links} format is not (a crawl follows them). Only
 * what is asked for is computed.
 */
public record ExtractionRequest(Set<String> formats, Map<String, FieldSelector> selectors, boolean followLinks) {

    public static final ExtractionRequest EVERYTHING =
            new ExtractionRequest(Set.of("metadata", "text", "markdown", "links", "html"), Map.of(), false);

    public boolean wants(String format) {
        return formats.contains(format);
    }

    public boolean wantsLinks() {
        return followLinks || formats.contains("links");
    }
}
