package dev.trawl.worker;

import dev.trawl.job.JobSpec;
import dev.trawl.scrape.CanonicalUrl;
import dev.trawl.scrape.FetchClients;
import dev.trawl.scrape.FetchConfig;
import dev.trawl.scrape.FetchFailure;
import dev.trawl.scrape.RobotsPolicy;
import dev.trawl.scrape.SitemapConfig;
import dev.trawl.scrape.SitemapFile;
import dev.trawl.scrape.SitemapReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the sitemaps of a crawl's start origin: those its robots.txt names in {@code Sitemap:}
 * lines, then {@code /sitemap.xml}. Each is fetched like a page of the crawl ({@link
 * PageScraper#fetchFile}: robots.txt, politeness, the address guard, the fetch's size bound) and
 * read off the event loop ({@link SitemapReader}); an index's sitemaps are read too, breadth first,
 * down to {@code trawl.sitemaps.max-index-depth}. One file at a time, at most
 * {@code trawl.sitemaps.max-sitemaps} of them, and URLs up to the given bound; a sitemap that cannot
 * be fetched or read is a {@link SitemapSeeds.Problem}, never a failure of the crawl.
 */
@ApplicationScoped
public class SitemapDiscovery {

    private final PageScraper scraper;
    private final RobotsPolicy robots;
    private final SitemapReader reader;
    private final SitemapConfig config;
    private final FetchConfig fetch;
    private final Counter read;
    private final Counter failed;
    private final Counter notRead;
    private final Counter urlsFound;

    public SitemapDiscovery(
            PageScraper scraper,
            RobotsPolicy robots,
            SitemapReader reader,
            SitemapConfig config,
            FetchConfig fetch,
            MeterRegistry registry) {
        this.read = sitemaps(registry, "read");
        this.failed = sitemaps(registry, "failed");
        this.notRead = sitemaps(registry, "not-read");
        this.urlsFound = Counter.builder("trawl.sitemap.urls")
                .description("Page URLs crawls found in sitemaps, before the crawl's own rules chose among them")
                .register(registry);
        this.scraper = scraper;
        this.robots = robots;
        this.reader = reader;
        this.config = config;
        this.fetch = fetch;
    }

    /** The URLs of the sitemaps of the job's start origin, at most {@code maxUrls} (and the configured bound). */
    Uni<SitemapSeeds> discover(FetchClients.Lease lease, JobSpec spec, int maxUrls) {
        String start = spec.url();
        String origin;
        try {
            origin = RobotsPolicy.origin(URI.create(start));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(SitemapSeeds.failed("The start URL has no origin: " + start));
        }
        return robots.sitemaps(start).chain(named -> {
            Reading reading = new Reading(Math.min(maxUrls, config.maxUrls()));
            named.forEach(url -> reading.queue(url, 0));
            reading.queue(origin + "/sitemap.xml", 0);
            return readNext(reading, lease, spec).map(done -> counted(reading.seeds()));
        });
    }

    private static Counter sitemaps(MeterRegistry registry, String outcome) {
        return Counter.builder("trawl.sitemaps")
                .tag("outcome", outcome)
                .description("Sitemap files of crawls: read, failed (fetch or parse), or not read at a bound")
                .register(registry);
    }

    private SitemapSeeds counted(SitemapSeeds seeds) {
        read.increment(seeds.sitemapsRead());
        failed.increment(seeds.problems().size());
        notRead.increment(seeds.sitemapsNotRead());
        urlsFound.increment(seeds.urls().size());
        return seeds;
    }

    private Uni<Void> readNext(Reading reading, FetchClients.Lease lease, JobSpec spec) {
        Optional<Reading.Pending> next = reading.take(config.maxSitemaps());
        if (next.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Reading.Pending sitemap = next.get();
        return scraper.fetchFile(lease, sitemap.url(), spec)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(reader::read)
                .map(file -> {
                    reading.read(sitemap, file, config.maxIndexDepth(), this::canonical);
                    return true;
                })
                .onFailure()
                .recoverWithItem(failure -> {
                    reading.failed(sitemap, failure);
                    return false;
                })
                .chain(ignored -> readNext(reading, lease, spec));
    }

    private Optional<String> canonical(String url) {
        return fetch.stripTrackingParams() ? CanonicalUrl.withoutTracking(url) : CanonicalUrl.of(url);
    }

    /** One discovery's state; touched by one step at a time (each step starts when the last ended). */
    private static final class Reading {

        record Pending(String url, int depth) {}

        private final int maxUrls;
        private final Deque<Pending> queue = new ArrayDeque<>();
        private final Set<String> sitemapsSeen = new HashSet<>();
        private final Set<String> urls = new LinkedHashSet<>();
        private final List<SitemapSeeds.Problem> problems = new ArrayList<>();
        private int sitemapsRead;
        private int sitemapsNotRead;
        private boolean urlsCapped;

        Reading(int maxUrls) {
            this.maxUrls = Math.max(0, maxUrls);
        }

        void queue(String url, int depth) {
            if (sitemapsSeen.add(url)) {
                queue.add(new Pending(url, depth));
            }
        }

        /** The next sitemap to read, unless enough were read or enough URLs were found. */
        Optional<Pending> take(int maxSitemaps) {
            if (queue.isEmpty()) {
                return Optional.empty();
            }
            if (urlsCapped || sitemapsRead + problems.size() >= maxSitemaps) {
                sitemapsNotRead += queue.size();
                queue.clear();
                return Optional.empty();
            }
            return Optional.of(queue.poll());
        }

        void read(Pending sitemap, SitemapFile file, int maxIndexDepth, Function<String, Optional<String>> canonical) {
            sitemapsRead++;
            if (file.index()) {
                if (sitemap.depth() >= maxIndexDepth) {
                    sitemapsNotRead += file.urls().size();
                    return;
                }
                file.urls().forEach(url -> queue(url, sitemap.depth() + 1));
                return;
            }
            for (String url : file.urls()) {
                if (urls.size() >= maxUrls) {
                    urlsCapped = true;
                    return;
                }
                canonical.apply(url).ifPresent(urls::add);
            }
        }

        void failed(Pending sitemap, Throwable failure) {
            if (failure instanceof FetchFailure fetchFailure) {
                problems.add(new SitemapSeeds.Problem(sitemap.url(), fetchFailure.code(), fetchFailure.getMessage()));
            } else {
                problems.add(new SitemapSeeds.Problem(
                        sitemap.url(),
                        "sitemap-unreadable",
                        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage()));
            }
        }

        SitemapSeeds seeds() {
            return new SitemapSeeds(List.copyOf(urls), sitemapsRead, sitemapsNotRead, urlsCapped, problems);
        }
    }
}
