package dev.trawl.scrape;

import java.util.Map;
import java.util.Set;

/** Which outputs to produce from a page: formats by name, and named selector fields. */
public record ExtractionRequest(Set<String> formats, Map<String, FieldSelector> selectors) {

    public static final ExtractionRequest EVERYTHING =
            new ExtractionRequest(Set.of("metadata", "text", "markdown", "links", "html"), Map.of());

    public boolean wants(String format) {
        return formats.contains(format);
    }
}
