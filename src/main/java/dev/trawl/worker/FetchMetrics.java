package dev.trawl.worker;

import dev.trawl.scrape.FetchFailure;
import dev.trawl.scrape.FetchedPage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of every page fetch, made once and reused: counting a fetch allocates nothing but
 * the first time a failure code is seen. Labels are status classes, failure codes (a fixed set,
 * see {@link FetchFailure}) and refusal reasons; never a URL or a host.
 */
@ApplicationScoped
public class FetchMetrics {

    /** The codes of an outbound request the address guard refused: the SSRF defence at work. */
    private static final Set<String> REFUSALS = Set.of("blocked-address", "unsupported-scheme");

    private final MeterRegistry registry;
    private final Counter[] byStatusClass = new Counter[6];
    private final Map<String, Counter> failures = new ConcurrentHashMap<>();
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
    private final Counter robotsSkips;
    private final Timer duration;
    private final DistributionSummary bodies;
    private final Timer politenessWait;

    public FetchMetrics(MeterRegistry registry, JobTimeoutConfig timeout) {
        this.registry = registry;
        for (int statusClass = 1; statusClass <= 5; statusClass++) {
            byStatusClass[statusClass] = Counter.builder("trawl.fetches")
                    .tag("status_class", statusClass + "xx")
                    .description("Pages fetched (or rendered), by the status class of the answer")
                    .register(registry);
        }
        this.robotsSkips = Counter.builder("trawl.fetch.skipped")
                .tag("reason", "robots")
                .description("Pages not fetched because robots.txt disallows them")
                .register(registry);
        this.duration = Timer.builder("trawl.fetch.duration")
                .description("Time to fetch a page, redirects included, waiting for politeness excluded")
                .publishPercentileHistogram()
                .minimumExpectedValue(QueueWait.SHORTEST)
                .maximumExpectedValue(timeout.timeout())
                .register(registry);
        this.bodies = DistributionSummary.builder("trawl.fetch.body")
                .baseUnit("bytes")
                .description("Size of the bodies fetched")
                .register(registry);
        this.politenessWait = Timer.builder("trawl.politeness.wait")
                .description("Time a fetch waited for its site's politeness permit (delay and concurrency)")
                .register(registry);
        for (String reason : REFUSALS) {
            refusal(reason);
        }
    }

    void fetched(FetchedPage page, long startedNanos) {
        duration.record(Duration.ofNanos(System.nanoTime() - startedNanos));
        bodies.record(page.body() == null ? 0 : page.body().length);
        int statusClass = page.statusCode() / 100;
        if (statusClass >= 1 && statusClass <= 5) {
            byStatusClass[statusClass].increment();
        }
    }

    void failed(FetchFailure failure) {
        failures.computeIfAbsent(
                        failure.code(),
                        code -> Counter.builder("trawl.fetch.failures")
                                .tag("code", code)
                                .description("Fetches that failed, by error code")
                                .register(registry))
                .increment();
        if (REFUSALS.contains(failure.code())) {
            refusal(failure.code()).increment();
        }
    }

    void skippedByRobots() {
        robotsSkips.increment();
    }

    void waitedForPoliteness(long startedNanos) {
        politenessWait.record(Duration.ofNanos(System.nanoTime() - startedNanos));
    }

    private Counter refusal(String reason) {
        return refusals.computeIfAbsent(
                reason,
                r -> Counter.builder("trawl.fetch.refusals")
                        .tag("reason", r)
                        .description("Outbound requests (fetch, redirect hop, render) refused by the address guard")
                        .register(registry));
    }
}
