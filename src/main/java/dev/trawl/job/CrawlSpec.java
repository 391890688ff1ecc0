package dev.trawl.job;

import java.util.List;

/**
 * How far a job goes beyond its first page: at most {@code maxPages} pages, links followed to
 * {@code maxDepth} hops, only URLs matching an {@code include} pattern (if any) and none matching
 * an {@code exclude} pattern, on the start page's site only when {@code sameSite}.
 */
public record CrawlSpec(int maxPages, int maxDepth, List<String> include, List<String> exclude, boolean sameSite) {

    public static final CrawlSpec SINGLE_PAGE = new CrawlSpec(1, 0, List.of(), List.of(), true);

    public CrawlSpec {
        include = include == null ? List.of() : List.copyOf(include);
        exclude = exclude == null ? List.of() : List.copyOf(exclude);
    }

    public boolean singlePage() {
        return maxPages <= 1 || maxDepth == 0;
    }
}
