package dev.trawl.job;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * How far a job goes beyond its first page: at most {@code maxPages} pages, links followed to
 * {@code maxDepth} hops, only URLs matching an {@code include} pattern (if any) and none matching
 * an {@code exclude} pattern, on the start page's site only when {@code sameSite}. With
 * {@code sitemaps}, the URLs of the start origin's sitemaps (robots.txt {@code Sitemap:} lines and
 * {@code /sitemap.xml}) join the frontier as if the start page linked to them.
 */
public record CrawlSpec(
        int maxPages,
        int maxDepth,
        List<String> include,
        List<String> exclude,
        boolean sameSite,
        // written only when true: a stored request without it reads as before, on a pod of the previous release too
        @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean sitemaps) {

    public static final CrawlSpec SINGLE_PAGE = new CrawlSpec(1, 0, List.of(), List.of(), true);

    @JsonCreator
    public CrawlSpec {
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    /** A crawl of links only, without sitemaps. */
    public CrawlSpec(int maxPages, int maxDepth, List<String> include, List<String> exclude, boolean sameSite) {
        this(maxPages, maxDepth, include, exclude, sameSite, false);
    }

    public boolean singlePage() {
        return maxPages <= 1 || maxDepth == 0;
    }
}
