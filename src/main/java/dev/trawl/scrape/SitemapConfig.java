package dev.trawl.scrape;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How much of a site's sitemaps one crawl with {@code crawl.sitemaps} reads. Each sitemap is one
 * fetch, bounded like any page by {@code trawl.fetch.max-body-bytes} (a gzipped one also after it is
 * unpacked); the URLs taken are further bounded by the crawl's page budget and frontier.
 */
@ConfigMapping(prefix = "trawl.sitemaps")
public interface SitemapConfig {

    /** Sitemap files one crawl fetches, index files and the sitemaps they list together. */
    @WithDefault("10")
    int maxSitemaps();

    /**
     * How deep sitemap indexes are followed: 1 reads the sitemaps an index lists, 2 also those of an
     * index listed by an index. The protocol allows no nesting; some sites nest anyway.
     */
    @WithDefault("2")
    int maxIndexDepth();

    /** URLs one crawl takes from its sitemaps at most (also never more than its frontier may queue). */
    @WithDefault("10000")
    int maxUrls();
}
