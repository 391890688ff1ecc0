package dev.trawl.worker;

import dev.trawl.events.EventLog;
import dev.trawl.events.EventType;
import dev.trawl.events.NewEvent;
import dev.trawl.events.WebhookSubscriptions;
import dev.trawl.job.Backoff;
import dev.trawl.job.ClaimedJob;
import dev.trawl.job.CrawlLimits;
import dev.trawl.job.JobIds;
import dev.trawl.job.JobRequest;
import dev.trawl.job.JobSpec;
import dev.trawl.job.JobState;
import dev.trawl.job.JobStore;
import dev.trawl.job.JobTransitions;
import dev.trawl.job.StoredPage;
import dev.trawl.job.Transition;
import dev.trawl.job.WebhookSpec;
import dev.trawl.queue.RedisStreamsIncomingMetadata;
import dev.trawl.runtime.OnContext;
import dev.trawl.scrape.AbortConfig;
import dev.trawl.scrape.FailureWindow;
import dev.trawl.scrape.FetchClients;
import dev.trawl.scrape.FetchFailure;
import dev.trawl.scrape.RetryAfter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Runs one job taken from the queue: claim it (the conditional UPDATE that makes this worker its
 * owner), scrape its page or crawl, store the result and end the job, writing an event at each
 * step, then acknowledge the stream entry. If the job cannot be recorded (PostgreSQL or Redis
 * down) the entry is nacked and stays pending, so another delivery finishes it later.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    private final JobStore store;
    private final EventLog events;
    private final JobTransitions transitions;
    private final PageScraper scraper;
    private final WorkerConfig config;
    private final CrawlLimits crawlConfig;
    private final WorkerIdentity identity;
    private final MeterRegistry registry;
    private final Backoff backoff;
    private final RetryAfter retryAfter;
    private final JobTimeoutConfig timeout;
    private final AbortConfig abortConfig;
    private final CrawlCheckpoints checkpoints;
    private final CheckpointConfig checkpointConfig;
    private final ActiveCrawls activeCrawls;
    private final TerminalEventRepair terminalEvents;
    private final LeaseKeeper leases;
    private final SitemapDiscovery sitemaps;
    private final WebhookSubscriptions webhooks;
    private final FetchSlots slots;
    /** Every job arms a timeout and nearly every one disarms it: an event loop's timer is the cheapest. */
    private final ScheduledExecutorService timers;

    private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();
    /** The fetches this worker started before claiming their jobs, until those jobs are handled. */
    private final Map<UUID, Uni<StoredPage>> unclaimedFetches = new ConcurrentHashMap<>();

    private final Map<String, Timer> durations = new ConcurrentHashMap<>();
    private final QueueWait queueWait;

    public JobRunner(
            JobStore store,
            EventLog events,
            JobTransitions transitions,
            PageScraper scraper,
            WorkerConfig config,
            CrawlLimits crawlConfig,
            WorkerIdentity identity,
            MeterRegistry registry,
            Backoff backoff,
            RetryAfter retryAfter,
            JobTimeoutConfig timeout,
            AbortConfig abortConfig,
            CrawlCheckpoints checkpoints,
            CheckpointConfig checkpointConfig,
            ActiveCrawls activeCrawls,
            TerminalEventRepair terminalEvents,
            LeaseKeeper leases,
            SitemapDiscovery sitemaps,
            WebhookSubscriptions webhooks,
            FetchSlots slots,
            Vertx vertx) {
        this.slots = slots;
        this.sitemaps = sitemaps;
        this.webhooks = webhooks;
        this.timers = vertx.getDelegate().nettyEventLoopGroup();
        this.terminalEvents = terminalEvents;
        this.checkpoints = checkpoints;
        this.checkpointConfig = checkpointConfig;
        this.activeCrawls = activeCrawls;
        this.timeout = timeout;
        this.store = store;
        this.events = events;
        this.transitions = transitions;
        this.scraper = scraper;
        this.config = config;
        this.crawlConfig = crawlConfig;
        this.identity = identity;
        this.registry = registry;
        this.backoff = backoff;
        this.retryAfter = retryAfter;
        this.abortConfig = abortConfig;
        this.leases = leases;
        this.queueWait = new QueueWait(registry, timeout.timeout());
    }

    public Uni<Void> run(Message<String> message) {
        Optional<RedisStreamsIncomingMetadata> entry = message.getMetadata(RedisStreamsIncomingMetadata.class);
        entry.ifPresent(queueWait::record);
        Optional<UUID> id = JobIds.parse(message.getPayload());
        if (id.isEmpty()) {
            LOG.warnf("Dropping a queue entry that names no job: %s", message.getPayload());
            return Uni.createFrom().completionStage(message.ack());
        }
        Optional<ClaimedJob> unclaimed = entry.flatMap(e -> runnableBeforeClaim(id.get(), e));
        return (unclaimed.isPresent()
                        ? fetchThenClaim(unclaimed.get())
                        // a second entry of a job this worker is fetching unclaimed reuses that fetch
                        : claimThenRun(id.get(), unclaimedFetches.get(id.get())))
                .chain(verdict -> verdict == TerminalEventRepair.Verdict.ACK
                        ? Uni.createFrom().completionStage(message.ack())
                        // left pending: the queue's take-over brings the entry back for another look
                        : Uni.createFrom()
                                .completionStage(message.nack(new IllegalStateException(
                                        "job " + id.get() + " ended moments ago without its terminal event yet"))))
                .onFailure()
                .recoverWithUni(failure -> {
                    LOG.errorf(failure, "Job %s could not be recorded; leaving it for redelivery", id.get());
                    return Uni.createFrom().completionStage(message.nack(failure));
                });
    }

    private Uni<TerminalEventRepair.Verdict> claimThenRun(UUID id, Uni<StoredPage> fetching) {
        return store.claim(id, identity.name(), config.lease())
                .chain(claimed -> claimed.map(
                                job -> execute(job, fetching).replaceWith(TerminalEventRepair.Verdict.ACK))
                        .orElseGet(() -> {
                            LOG.debugf("Job %s is not claimable (finished, cancelled or owned by a live worker)", id);
                            return terminalEvents.check(id);
                        }));
    }

    /**
     * The job of an entry delivered for the first time that carries its request, if it may run
     * before its claim ({@link JobRequest}), as it will be claimed: attempt 1, by this worker.
     */
    private Optional<ClaimedJob> runnableBeforeClaim(UUID id, RedisStreamsIncomingMetadata entry) {
        if (entry.claimed() || config.claimAfter().isZero()) {
            return Optional.empty();
        }
        return JobRequest.of(entry.fields()).flatMap(request -> {
            try {
                return Optional.of(new ClaimedJob(id, request.spec(), 1, identity.name(), request.traceId()));
            } catch (RuntimeException unreadable) {
                LOG.debugf("Job %s: its entry's request cannot be read here (%s); claiming it first", id, unreadable);
                return Optional.empty();
            }
        });
    }

    /**
     * A single page fetched before its job is claimed: if it is there within
     * {@code trawl.worker.claim-after}, one statement claims the job, stores the page and ends the
     * job, and its {@code started}, {@code page} and {@code succeeded} events go together. A job
     * claimed, cancelled or ended meanwhile gets nothing written. Any other outcome (a failure, a
     * page robots.txt forbids, a slow page) claims the job first and goes on as a claimed job
     * would, with the same fetch.
     */
    private Uni<TerminalEventRepair.Verdict> fetchThenClaim(ClaimedJob job) {
        JobLogContext.addTraceId(job.traceId());
        Timer.Sample timing = Timer.start(registry);
        // claim-after counts the wait for a fetch slot too: a job waiting long is claimed, so it
        // shows running and holds a lease instead of looking stranded in the queue
        CompletableFuture<StoredPage> fetch = inSlot(() -> {
                    FetchClients.Lease lease = scraper.lease();
                    return scraper.scrape(lease, job.spec().url(), 0, job.spec())
                            .eventually(lease::close);
                })
                .subscribeAsCompletionStage();
        // Giving up waiting on the fetch must not cancel it: the claimed path goes on with it, on the
        // job's context (it carries the job's log context) whatever thread the fetch ended on.
        Context jobContext = io.vertx.core.Vertx.currentContext();
        Uni<StoredPage> fetching = Uni.createFrom()
                .emitter(emitter -> fetch.whenComplete((page, failure) -> OnContext.run(jobContext, () -> {
                    if (failure == null) {
                        emitter.complete(page);
                    } else {
                        emitter.fail(failure);
                    }
                })));
        unclaimedFetches.put(job.id(), fetching);
        return fetching.ifNoItem()
                .after(config.claimAfter())
                .on(timers)
                .recoverWithItem(() -> null)
                .onFailure()
                .recoverWithNull()
                .chain(page -> page == null || page.skipReason() != null
                        ? claimThenRun(job.id(), fetching)
                        : claimAndSucceed(job, page, fetching, timing))
                .eventually(() -> unclaimedFetches.remove(job.id(), fetching));
    }

    private Uni<TerminalEventRepair.Verdict> claimAndSucceed(
            ClaimedJob job, StoredPage page, Uni<StoredPage> fetched, Timer.Sample timing) {
        return store.claimAndSucceed(job, page)
                .onFailure(JobStore::refusedValues)
                .recoverWithItem(Optional.<JobState>empty())
                .chain(state -> {
                    if (state.isEmpty()) {
                        // refused values fail the job on the claimed path; any other job is not ours
                        return claimThenRun(job.id(), fetched);
                    }
                    List<NewEvent> before = List.of(
                            startedEvent(job), new NewEvent(job.id(), EventType.PAGE, pageEvent(page, job.spec())));
                    return transitions
                            .announce(Transition.succeeded(job.id(), 1, before))
                            .invoke(() -> {
                                String outcome = outcome(JobState.SUCCEEDED);
                                LOG.debugf("Job %s ended: %s", job.id(), outcome);
                                timing.stop(duration(outcome));
                            })
                            .replaceWith(TerminalEventRepair.Verdict.ACK);
                });
    }

    private static NewEvent startedEvent(ClaimedJob job) {
        return new NewEvent(
                job.id(),
                EventType.STARTED,
                Map.of("attempt", job.attempt(), "url", job.spec().url()));
    }

    /**
     * A job with a webhook tells the event log again which events it wants before its first event
     * of this attempt: the submit's subscription expires with the event stream (a job delayed past
     * that), is lost with Redis, and a schedule's tick writes none.
     */
    private Uni<Void> execute(ClaimedJob job, Uni<StoredPage> fetching) {
        WebhookSpec webhook = job.spec().webhook();
        if (webhook == null) {
            return run(job, fetching);
        }
        return webhooks.subscribe(List.of(new WebhookSubscriptions.Subscription(job.id(), webhook.events())))
                .onFailure()
                .invoke(failure -> LOG.warnf(
                        "Job %s: renewing its webhook subscription failed; its events of this attempt may go"
                                + " unsent: %s",
                        job.id(), failure.getMessage()))
                .onFailure()
                .recoverWithNull()
                .chain(() -> run(job, fetching));
    }

    /** Runs a claimed job; {@code fetching}, if not null, is its page's fetch, already under way. */
    private Uni<Void> run(ClaimedJob job, Uni<StoredPage> fetching) {
        JobLogContext.addTraceId(job.traceId());
        Timer.Sample timing = Timer.start(registry);
        Runnable release = leases.hold(job);
        // Not waited for: the event log writes appends in the order they are made, so this one
        // still comes before the job's later events, and the fetch need not wait a round trip.
        events.appendAll(List.of(startedEvent(job)))
                .subscribe()
                .with(
                        id -> {},
                        failure -> LOG.warnf(
                                "Job %s: writing its started event failed: %s", job.id(), failure.getMessage()));
        return Uni.createFrom()
                .deferred(() -> {
                    if (fetching != null) {
                        return singlePageWithinTimeout(job, fetching);
                    }
                    FetchClients.Lease lease = scraper.lease();
                    return (job.spec().crawl().singlePage()
                                    ? singlePageWithinTimeout(
                                            job,
                                            inSlot(() -> scraper.scrape(
                                                    lease, job.spec().url(), 0, job.spec())))
                                    : inSlot(() -> crawl(job, lease)))
                            .eventually(lease::close);
                })
                .invoke(outcome -> LOG.debugf("Job %s ended: %s", job.id(), outcome))
                .invoke(outcome -> timing.stop(duration(outcome)))
                .replaceWithVoid()
                .eventually(release);
    }

    /** {@code work} run in a fetch slot, given back when it ends. */
    private <T> Uni<T> inSlot(Supplier<Uni<T>> work) {
        return slots.take().chain(slot -> work.get().onTermination().invoke(slot::release));
    }

    private Timer duration(String outcome) {
        return durations.computeIfAbsent(
                outcome,
                name -> Timer.builder("trawl.jobs.duration")
                        .tag("outcome", name)
                        .description("Time from a worker's claim (or first fetch) to the end of the attempt")
                        .publishPercentileHistogram()
                        .minimumExpectedValue(QueueWait.SHORTEST)
                        .maximumExpectedValue(timeout.timeout())
                        .register(registry));
    }

    /**
     * A single page may take {@code trawl.jobs.timeout} in all. The timeout cancels the run; the
     * conditional UPDATE of recordFailure then ends the job unless it ended meanwhile.
     */
    private Uni<String> singlePageWithinTimeout(ClaimedJob job, Uni<StoredPage> fetching) {
        return singlePage(job, fetching)
                .ifNoItem()
                .after(timeout.timeout())
                .on(timers)
                .recoverWithUni(() -> recordFailure(job, timedOut()));
    }

    /** One page: the page is stored and the job ended in a single statement. */
    private Uni<String> singlePage(ClaimedJob job, Uni<StoredPage> fetching) {
        return fetching.invoke(page -> {
                    if (page.skipReason() != null) {
                        throw disallowed(page);
                    }
                })
                .chain(page -> store.succeed(job, page)
                        // a page the database refuses fails its job like any permanent failure
                        .onFailure(JobStore::refusedValues)
                        .transform(JobRunner::notStored)
                        .chain(state -> announceSinglePage(job, page, state)))
                .onFailure(FetchFailure.class)
                .recoverWithUni(failure -> recordFailure(job, (FetchFailure) failure));
    }

    private Uni<String> announceSinglePage(ClaimedJob job, StoredPage page, Optional<JobState> state) {
        if (state.isEmpty() || state.get() != JobState.SUCCEEDED) {
            return ended(job, state, 0);
        }
        return transitions
                .announce(Transition.succeeded(
                        job.id(), 1, List.of(new NewEvent(job.id(), EventType.PAGE, pageEvent(page, job.spec())))))
                .map(done -> outcome(JobState.SUCCEEDED));
    }

    private Uni<String> crawl(ClaimedJob job, FetchClients.Lease lease) {
        return checkpoints
                .resume(job)
                .call(start -> start.resumed()
                        ? events.append(job.id(), EventType.RESUMED, start.toEvent())
                        : Uni.createFrom().voidItem())
                .chain(start -> {
                    CrawlRun run = new CrawlRun(
                            job,
                            start,
                            lease,
                            scraper,
                            store,
                            events,
                            crawlConfig.parallelism(),
                            FailureWindow.of(abortConfig),
                            checkpoints,
                            checkpointConfig,
                            timeout.timeout(),
                            timers,
                            sitemapsOf(job, lease));
                    activeCrawls.add(run);
                    return run.run().eventually(() -> activeCrawls.remove(run));
                })
                .chain(outcome -> switch (outcome.end()) {
                    case START_FAILED -> recordFailure(job, outcome.startFailure());
                    case STALLED -> recordFailure(job, stalled(outcome.pages()));
                    case ABORTED -> abort(job, outcome.abort(), outcome.pages());
                    case LEASE_LOST -> ended(job, Optional.empty(), outcome.pages());
                    case COMPLETED, CANCEL_REQUESTED ->
                        store.finishCrawl(job).chain(state -> ended(job, state, outcome.pages()));
                });
    }

    /**
     * The reading of the sitemaps of a crawl that asked for it, bounded by what its frontier may
     * queue at all.
     */
    private Optional<Uni<SitemapSeeds>> sitemapsOf(ClaimedJob job, FetchClients.Lease lease) {
        if (!job.spec().crawl().sitemaps()) {
            return Optional.empty();
        }
        long queueable = (long) job.spec().crawl().maxPages() * crawlConfig.frontierPerPage();
        return Optional.of(sitemaps.discover(lease, job.spec(), (int) Math.min(Integer.MAX_VALUE, queueable)));
    }

    private FetchFailure timedOut() {
        return FetchFailure.permanent(
                "job-timeout",
                "The job ran longer than trawl.jobs.timeout ("
                        + timeout.timeout().toSeconds() + " s)");
    }

    /** A crawl is timed out by its progress: the pages it stored stay readable at {@code /result}. */
    private FetchFailure stalled(int pages) {
        return FetchFailure.permanent(
                "job-timeout",
                "The crawl stored no page for trawl.jobs.timeout ("
                        + timeout.timeout().toSeconds() + " s); " + pages + " pages were stored before");
    }

    private Uni<String> abort(ClaimedJob job, FailureWindow.Trip trip, int pages) {
        Map<String, Object> error = new LinkedHashMap<>(Map.of("code", "too-many-failures", "message", trip.reason()));
        error.putAll(trip.toEvent());
        return store.abort(job, error)
                .chain(state -> state.isPresent() && state.get() == JobState.ABORTED
                        ? transitions
                                .announce(Transition.aborted(job.id(), trip.toEvent()))
                                .map(done -> outcome(JobState.ABORTED))
                        : ended(job, state, pages));
    }

    /** PostgreSQL refused the page's values ({@link JobStore#refusedValues}): storing it again would fail again. */
    static FetchFailure notStored(Throwable refused) {
        return FetchFailure.permanent(
                "page-not-stored",
                "The page was fetched but the database refused its content: "
                        + (refused instanceof PgException pg
                                ? pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")"
                                : refused.getMessage()));
    }

    /** The page a job starts from is disallowed by robots.txt: nothing of the job can be done. */
    static FetchFailure disallowed(StoredPage page) {
        return FetchFailure.permanent("robots-disallowed", "robots.txt of the site disallows " + page.url());
    }

    /** The page event of a single page: the links are counted only when they were asked for (and so extracted). */
    private static Map<String, Object> pageEvent(StoredPage page, JobSpec spec) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("url", page.url());
        data.put("statusCode", page.statusCode());
        data.put("depth", page.depth());
        data.put("title", page.title());
        if (spec.wants("links")) {
            data.put("links", page.links().size());
        }
        return data;
    }

    /**
     * A transient failure is retried after a backoff if attempts are left (the store decides, in
     * the same statement that ends the attempt); anything else fails the job. The {@code retrying}
     * event is written before the job enters the delayed set, so it precedes the next
     * {@code started}.
     */
    private Uni<String> recordFailure(ClaimedJob job, FetchFailure failure) {
        Instant now = Instant.now();
        Instant retryAt = failure.isTransient()
                ? now.plus(backoff.delay(
                        job.attempt(), failure.retryAfter().flatMap(header -> retryAfter.parse(header, now))))
                : null;
        Map<String, Object> error = failure.toError();
        return store.fail(job, error, retryAt).chain(result -> {
            if (result.isEmpty()) {
                return ended(job, Optional.empty(), 0);
            }
            return switch (result.get().state()) {
                case FAILED ->
                    transitions
                            .announce(Transition.failed(
                                    job.id(), error, job.spec().url(), job.attempt()))
                            .map(done -> outcome(JobState.FAILED));
                case RETRYING ->
                    transitions
                            .announce(Transition.retrying(
                                    job.id(), job.attempt(), result.get().nextAttemptAt(), error))
                            .map(done -> outcome(JobState.RETRYING));
                default -> ended(job, Optional.of(result.get().state()), 0);
            };
        });
    }

    /** Writes the terminal event of the state the job ended in; empty means the lease was lost. */
    private Uni<String> ended(ClaimedJob job, Optional<JobState> state, int pages) {
        if (state.isEmpty()) {
            LOG.warnf(
                    "Job %s: lease of %s was lost before the job ended; its result was not written",
                    job.id(), job.owner());
            return Uni.createFrom().item(outcome(null));
        }
        return switch (state.get()) {
            case CANCELLED ->
                transitions.announce(Transition.cancelled(job.id())).map(done -> outcome(JobState.CANCELLED));
            case SUCCEEDED ->
                transitions
                        .announce(Transition.succeeded(job.id(), pages, List.of()))
                        .map(done -> outcome(JobState.SUCCEEDED));
            default -> Uni.createFrom().item(outcome(state.get()));
        };
    }

    private String outcome(JobState state) {
        String name = state == null ? "lease-lost" : state.wireName();
        outcomes.computeIfAbsent(
                        name,
                        n -> Counter.builder("trawl.jobs.completed")
                                .tag("outcome", n)
                                .description("Attempts ended, by how (a retried job counts once per attempt)")
                                .register(registry))
                .increment();
        return name;
    }
}
