package dev.trawl.scrape.render;

/** The HTML a render backend produced for a URL, and which backend did it. */
public record RenderedPage(String url, String html, String backend) {
}
