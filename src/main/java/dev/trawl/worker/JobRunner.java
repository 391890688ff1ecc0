package dev.trawl.worker;

import dev.trawl.events.EventLog;
import dev.trawl.events.EventType;
import dev.trawl.job.ClaimedJob;
import dev.trawl.job.JobIds;
import dev.trawl.job.JobState;
import dev.trawl.job.JobStore;
import dev.trawl.job.StoredPage;
import dev.trawl.scrape.ExtractedPage;
import dev.trawl.scrape.FetchFailure;
import dev.trawl.scrape.FetchedPage;
import dev.trawl.scrape.PageExtractor;
import dev.trawl.scrape.PageFetcher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Runs one job taken from the queue: claim it (the conditional UPDATE that makes this worker its
 * owner), fetch and extract the page, store the result and end the job, writing an event at each
 * step, then acknowledge the stream entry. If the job cannot be recorded (PostgreSQL or Redis
 * down) the entry is nacked and stays pending, so another delivery finishes it later.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final JobStore store;
    private final EventLog events;
    private final PageFetcher fetcher;
    private final PageExtractor extractor;
    private final WorkerConfig config;
    private final WorkerIdentity identity;
    private final MeterRegistry registry;

    public JobRunner(JobStore store, EventLog events, PageFetcher fetcher, PageExtractor extractor,
            WorkerConfig config, WorkerIdentity identity, MeterRegistry registry) {
        this.store = store;
        this.events = events;
        this.fetcher = fetcher;
        this.extractor = extractor;
        this.config = config;
        this.identity = identity;
        this.registry = registry;
    }

    public Uni<Void> run(Message<String> message) {
        Optional<UUID> id = JobIds.parse(message.getPayload());
        if (id.isEmpty()) {
            LOG.warnf("Dropping a queue entry that names no job: %s", message.getPayload());
            return Uni.createFrom().completionStage(message.ack());
        }
        return store.claim(id.get(), identity.name(), config.lease())
                .chain(claimed -> claimed.map(this::execute).orElseGet(() -> {
                    LOG.debugf("Job %s is not claimable (finished, cancelled or owned by a live worker)", id.get());
                    return Uni.createFrom().voidItem();
                }))
                .chain(() -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(failure -> {
                    LOG.errorf(failure, "Job %s could not be recorded; leaving it for redelivery", id.get());
                    return Uni.createFrom().completionStage(message.nack(failure));
                });
    }

    private Uni<Void> execute(ClaimedJob job) {
        Timer.Sample timing = Timer.start(registry);
        return events.append(job.id(), EventType.STARTED, Map.of("attempt", job.attempt(), "url", job.spec().url()))
                .chain(() -> scrape(job))
                .chain(page -> store.succeed(job, page).chain(state -> recordSuccess(job, page, state)))
                .onFailure(FetchFailure.class).recoverWithUni(failure -> recordFailure(job, (FetchFailure) failure))
                .invoke(outcome -> timing.stop(Timer.builder("trawl.jobs.duration").tag("outcome", outcome)
                        .publishPercentileHistogram().register(registry)))
                .replaceWithVoid();
    }

    private Uni<StoredPage> scrape(ClaimedJob job) {
        return fetcher.fetch(job.spec().url())
                .invoke(page -> registry.counter("trawl.fetches", "status_class", page.statusCode() / 100 + "xx").increment())
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(page -> toStored(page, extractPage(page)));
    }

    private ExtractedPage extractPage(FetchedPage page) {
        try {
            return extractor.extract(page);
        } catch (RuntimeException e) {
            throw FetchFailure.permanent("invalid-content", "Could not parse " + page.finalUrl() + ": " + e.getMessage());
        }
    }

    private static StoredPage toStored(FetchedPage page, ExtractedPage extracted) {
        return new StoredPage(page.url(), page.finalUrl(), page.statusCode(), page.contentType(), extracted.title(),
                extracted.description(), extracted.text(), extracted.links());
    }

    private Uni<String> recordSuccess(ClaimedJob job, StoredPage page, Optional<JobState> state) {
        if (state.isEmpty()) {
            return leaseLost(job);
        }
        if (state.get() == JobState.CANCELLED) {
            return cancelled(job);
        }
        Map<String, Object> pageData = new LinkedHashMap<>();
        pageData.put("url", page.url());
        pageData.put("statusCode", page.statusCode());
        pageData.put("depth", 0);
        pageData.put("title", page.title());
        pageData.put("links", page.links().size());
        return events.append(job.id(), EventType.PAGE, pageData)
                .chain(() -> events.append(job.id(), EventType.SUCCEEDED, Map.of("pages", 1)))
                .map(id -> outcome(JobState.SUCCEEDED));
    }

    private Uni<String> recordFailure(ClaimedJob job, FetchFailure failure) {
        registry.counter("trawl.fetch.failures", "code", failure.code()).increment();
        return store.fail(job, failure.toError()).chain(state -> {
            if (state.isEmpty()) {
                return leaseLost(job);
            }
            if (state.get() == JobState.CANCELLED) {
                return cancelled(job);
            }
            return events.append(job.id(), EventType.FAILED, Map.of("error", failure.toError()))
                    .map(id -> outcome(JobState.FAILED));
        });
    }

    private Uni<String> cancelled(ClaimedJob job) {
        return events.append(job.id(), EventType.CANCELLED, Map.of("reason", "cancelled by the client"))
                .map(id -> outcome(JobState.CANCELLED));
    }

    private Uni<String> leaseLost(ClaimedJob job) {
        LOG.warnf("Job %s: lease of %s was lost before the job ended; its result was not written", job.id(),
                job.owner());
        return Uni.createFrom().item(outcome(null));
    }

    private String outcome(JobState state) {
        String name = state == null ? "lease-lost" : state.wireName();
        registry.counter("trawl.jobs.completed", "outcome", name).increment();
        return name;
    }
}
