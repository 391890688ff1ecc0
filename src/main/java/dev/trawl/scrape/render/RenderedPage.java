package dev.trawl.scrape.render;

/** The HTML a render backend produced for a URL, and which backend did it (its position in the pool, never its URL). */
public record RenderedPage(String url, String html, String backend) {}
