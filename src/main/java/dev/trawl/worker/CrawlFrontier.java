package dev.trawl.worker;

import dev.trawl.job.CrawlSpec;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pages a crawl still has to visit, breadth first, and the ones it has seen: a URL (in
 * canonical form) is taken at most once, only within depth, the include/exclude patterns, the
 * start page's site if asked, and the page budget. Not thread-safe: the crawl serialises access.
 */
final class CrawlFrontier {

    record Target(String url, int depth) {
    }

    private final CrawlSpec spec;
    private final String startHost;
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final Deque<Target> queue = new ArrayDeque<>();
    private final Set<String> seen = new HashSet<>();
    private int taken;

    CrawlFrontier(String startUrl, CrawlSpec spec) {
        this.spec = spec;
        this.startHost = siteOf(startUrl);
        this.include = spec.include().stream().map(Pattern::compile).toList();
        this.exclude = spec.exclude().stream().map(Pattern::compile).toList();
        seen.add(startUrl);
        queue.add(new Target(startUrl, 0));
    }

    /** Offers the links of a page found at {@code depth}; returns how many were new and admissible. */
    int offer(List<String> links, int depth) {
        if (depth >= spec.maxDepth()) {
            return 0;
        }
        int added = 0;
        for (String link : links) {
            if (admissible(link) && seen.add(link)) {
                queue.add(new Target(link, depth + 1));
                added++;
            }
        }
        return added;
    }

    Optional<Target> next() {
        if (taken >= spec.maxPages() || queue.isEmpty()) {
            return Optional.empty();
        }
        taken++;
        return Optional.of(queue.poll());
    }

    boolean exhausted() {
        return taken >= spec.maxPages() || queue.isEmpty();
    }

    int pending() {
        return queue.size();
    }

    private boolean admissible(String url) {
        if (spec.sameSite() && !startHost.equals(siteOf(url))) {
            return false;
        }
        if (!include.isEmpty() && include.stream().noneMatch(p -> p.matcher(url).find())) {
            return false;
        }
        return exclude.stream().noneMatch(p -> p.matcher(url).find());
    }

    /** Host without a leading "www.", so example.org and www.example.org are one site. */
    static String siteOf(String url) {
        String host = URI.create(url).getHost();
        if (host == null) {
            return "";
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.startsWith("www.") ? host.substring(4) : host;
    }
}
