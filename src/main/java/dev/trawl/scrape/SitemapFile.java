package dev.trawl.scrape;

import java.util.List;

/**
 * A sitemap as read: the page URLs it lists, or, for a sitemap index, the sitemaps it lists; the
 * URLs in the order the file gives them, as the file spells them.
 */
public record SitemapFile(boolean index, List<String> urls) {

    public SitemapFile {
        urls = List.copyOf(urls);
    }
}
