package dev.trawl.worker;

import com.google.re2j.Pattern;
import dev.trawl.job.CrawlSpec;
import dev.trawl.scrape.RobotsPolicy;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pages a crawl still has to visit, breadth first, and the ones it has seen: a URL (in
 * canonical form) is taken at most once, only within depth, the include/exclude patterns, the
 * start page's site if asked, and the page budget. A taken page is in flight until the crawl
 * marks it {@link #done}; a {@link #snapshot} puts the pages in flight back in front of the
 * queue, so a crawl resumed from it visits them again. Not thread-safe: the crawl serialises access.
 *
 * <p>Bounded whatever the pages link to ({@link FrontierBounds}): at most a multiple of the
 * remaining page budget is queued, over-long links are dropped, both counted in
 * {@link #discards}, and only so many origins are admitted. The patterns are RE2J's, which match
 * in time linear in the URL, so a client's pattern cannot stall a worker.
 */
final class CrawlFrontier {

    /** The error code of a page whose origin is beyond {@link FrontierBounds#maxOrigins()}. */
    static final String TOO_MANY_ORIGINS = "too-many-origins";

    record Target(String url, int depth) {}

    /** The frontier as a checkpoint keeps it: pages done, pages still to visit in order, pages stored. */
    record Snapshot(List<String> done, List<Target> pending, int pagesStored) {}

    /** Links not followed so far because they were too long or the queue was full. */
    record Discards(int linksTooLong, int frontierFull) {}

    private final CrawlSpec spec;
    private final FrontierBounds bounds;
    private final String startHost;
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final Deque<Target> queue = new ArrayDeque<>();
    private final Set<String> seen = new HashSet<>();
    private final Map<String, Target> inFlight = new LinkedHashMap<>();
    private final Set<String> done = new LinkedHashSet<>();
    private final Set<String> origins = new HashSet<>();
    private int linksTooLong;
    private int frontierFull;

    CrawlFrontier(String startUrl, CrawlSpec spec, FrontierBounds bounds) {
        this.spec = spec;
        this.bounds = bounds;
        this.startHost = siteOf(startUrl);
        this.include = spec.include().stream().map(Pattern::compile).toList();
        this.exclude = spec.exclude().stream().map(Pattern::compile).toList();
        seen.add(startUrl);
        queue.add(new Target(startUrl, 0));
        admitsOrigin(startUrl);
    }

    /**
     * A frontier as a checkpoint left it: its done pages are not visited again, and their origins
     * (in the order they were done) are admitted again, up to the bound.
     */
    static CrawlFrontier restore(String startUrl, CrawlSpec spec, FrontierBounds bounds, Snapshot snapshot) {
        CrawlFrontier frontier = new CrawlFrontier(startUrl, spec, bounds);
        frontier.queue.clear();
        frontier.done.addAll(snapshot.done());
        frontier.seen.addAll(snapshot.done());
        snapshot.done().forEach(frontier::admitsOrigin);
        for (Target target : snapshot.pending()) {
            if (!frontier.done.contains(target.url()) && !frontier.seen.contains(target.url())) {
                frontier.enqueue(target);
            }
        }
        return frontier;
    }

    /** A page an earlier attempt stored: its URL, its depth, the links found on it, whether it was fetched. */
    record Visited(String url, int depth, List<String> links, boolean fetched) {}

    /**
     * Pages stored by an earlier attempt that this frontier does not count as done yet, in the
     * order they were visited: each is done now (never taken again) and its links are offered as
     * if it had just been visited.
     */
    void replay(List<Visited> pages) {
        for (Visited page : pages) {
            if (done.add(page.url())) {
                seen.add(page.url());
                admitsOrigin(page.url());
                offer(page.links(), page.depth());
            }
        }
        queue.removeIf(target -> done.contains(target.url()));
    }

    /** Offers the links of a page found at {@code depth}; returns how many were new and admissible. */
    int offer(List<String> links, int depth) {
        if (depth >= spec.maxDepth()) {
            return 0;
        }
        int added = 0;
        for (String link : links) {
            if (link.length() > bounds.maxUrlLength()) {
                linksTooLong++;
            } else if (!seen.contains(link) && admissible(link) && enqueue(new Target(link, depth + 1))) {
                added++;
            }
        }
        return added;
    }

    /** Queues a target unless the queue is full; a dropped target is not marked seen, so a later offer may queue it. */
    private boolean enqueue(Target target) {
        if (queue.size() >= queueCapacity()) {
            frontierFull++;
            return false;
        }
        seen.add(target.url());
        queue.add(target);
        return true;
    }

    private long queueCapacity() {
        long remaining = Math.max(0, (long) spec.maxPages() - done.size() - inFlight.size());
        return remaining * bounds.queuedPerRemainingPage();
    }

    /**
     * Whether the crawl may fetch from the URL's origin: yes if it already does, or if it touches
     * fewer than {@link FrontierBounds#maxOrigins()} origins (then the origin joins them).
     */
    boolean admitsOrigin(String url) {
        String origin;
        try {
            origin = RobotsPolicy.origin(URI.create(url));
        } catch (IllegalArgumentException e) {
            return true; // not an http(s) URL: the fetch refuses it with its own error
        }
        if (origins.contains(origin)) {
            return true;
        }
        if (origins.size() >= bounds.maxOrigins()) {
            return false;
        }
        origins.add(origin);
        return true;
    }

    int maxOrigins() {
        return bounds.maxOrigins();
    }

    Discards discards() {
        return new Discards(linksTooLong, frontierFull);
    }

    Optional<Target> next() {
        if (budgetSpent() || queue.isEmpty()) {
            return Optional.empty();
        }
        Target target = queue.poll();
        inFlight.put(target.url(), target);
        return Optional.of(target);
    }

    /** The page was visited and its outcome stored. */
    void done(String url) {
        if (inFlight.remove(url) != null) {
            done.add(url);
        }
    }

    boolean exhausted() {
        return budgetSpent() || queue.isEmpty();
    }

    int pending() {
        return queue.size();
    }

    int doneCount() {
        return done.size();
    }

    Snapshot snapshot(int pagesStored) {
        List<Target> pending = new ArrayList<>(inFlight.size() + queue.size());
        pending.addAll(inFlight.values());
        pending.addAll(queue);
        return new Snapshot(List.copyOf(done), pending, pagesStored);
    }

    private boolean budgetSpent() {
        return done.size() + inFlight.size() >= spec.maxPages();
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
