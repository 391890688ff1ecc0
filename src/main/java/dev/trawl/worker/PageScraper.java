package dev.trawl.worker;

import dev.trawl.job.JobSpec;
import dev.trawl.job.StoredPage;
import dev.trawl.scrape.ExtractedPage;
import dev.trawl.scrape.ExtractionRequest;
import dev.trawl.scrape.FetchClients;
import dev.trawl.scrape.FetchConfig;
import dev.trawl.scrape.FetchFailure;
import dev.trawl.scrape.FetchedPage;
import dev.trawl.scrape.PageExtractor;
import dev.trawl.scrape.PageFetcher;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashSet;

/**
 * One page of a job: fetch it with the job's headers and time limit, extract the formats the
 * job asked for on a worker thread, and shape it for storage. A fetch that fails arrives as a
 * {@link FetchFailure}.
 */
@ApplicationScoped
public class PageScraper {

    private final FetchClients clients;
    private final PageFetcher fetcher;
    private final PageExtractor extractor;
    private final FetchConfig config;
    private final MeterRegistry registry;

    public PageScraper(FetchClients clients, PageFetcher fetcher, PageExtractor extractor, FetchConfig config,
            MeterRegistry registry) {
        this.clients = clients;
        this.fetcher = fetcher;
        this.extractor = extractor;
        this.config = config;
        this.registry = registry;
    }

    /** A job holds one lease on the fetch client for all its pages, so recycling counts jobs. */
    public FetchClients.Lease lease() {
        return clients.acquire();
    }

    public Uni<StoredPage> scrape(FetchClients.Lease lease, String url, int depth, JobSpec spec) {
        Duration timeout = spec.timeoutSeconds() == null ? config.requestTimeout()
                : Duration.ofSeconds(spec.timeoutSeconds());
        return fetcher.fetch(lease, url, spec.headers(), timeout)
                .invoke(page -> registry.counter("trawl.fetches", "status_class", page.statusCode() / 100 + "xx")
                        .increment())
                .onFailure(FetchFailure.class).invoke(failure ->
                        registry.counter("trawl.fetch.failures", "code", ((FetchFailure) failure).code()).increment())
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(page -> toStored(page, depth, extract(page, spec)));
    }

    private ExtractedPage extract(FetchedPage page, JobSpec spec) {
        try {
            return extractor.extract(page, new ExtractionRequest(new HashSet<>(spec.formats()), spec.selectors()));
        } catch (RuntimeException e) {
            throw FetchFailure.permanent("invalid-content", "Could not parse " + page.finalUrl() + ": " + e.getMessage());
        }
    }

    private static StoredPage toStored(FetchedPage page, int depth, ExtractedPage extracted) {
        return new StoredPage(page.url(), page.finalUrl(), page.statusCode(), page.contentType(), depth,
                extracted.metadata(), extracted.title(), extracted.description(), extracted.text(),
                extracted.markdown(), extracted.html(), extracted.links(), extracted.fields(), null, null);
    }
}
