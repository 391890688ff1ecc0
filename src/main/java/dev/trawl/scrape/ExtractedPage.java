package dev.trawl.scrape;

import java.util.List;

/** What the extractor took from a page. */
public record ExtractedPage(String title, String description, String text, List<String> links) {
}
