package dev.trawl.worker;

import dev.trawl.events.EventLog;
import dev.trawl.events.EventType;
import dev.trawl.job.ClaimedJob;
import dev.trawl.job.JobStore;
import dev.trawl.job.StoredPage;
import dev.trawl.scrape.FailureWindow;
import dev.trawl.scrape.FetchClients;
import dev.trawl.scrape.FetchFailure;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One crawl: pages are scraped up to {@code parallelism} at a time; each is stored (while the
 * lease holds and no cancel is pending) and announced with a {@code page} event before its links
 * join the frontier. The crawl ends when the frontier is exhausted, the budget is spent, a cancel
 * is seen, or the lease is lost. A failed page is recorded and the crawl goes on, except the start
 * page, whose failure fails the job, and a crawl whose window of page outcomes crosses the abort
 * bound, which is aborted. Every {@code everyPages} pages or {@code every} of time the crawl saves
 * a checkpoint of its frontier (one save at a time; the run ends only after a save in progress),
 * so a worker that takes the job over resumes from it. A crawl that records no page for its stall
 * timeout ends {@link End#STALLED}; there is no limit on its total time, which its page budget bounds.
 * A crawl with sitemaps reads them while its first pages are fetched; their URLs join the frontier
 * as links of the start page do, and the crawl does not end for want of pages before they are in.
 */
final class CrawlRun {

    private static final Logger LOG = Logger.getLogger(CrawlRun.class);

    enum End {
        COMPLETED,
        CANCEL_REQUESTED,
        LEASE_LOST,
        START_FAILED,
        ABORTED,
        STALLED
    }

    record Outcome(End end, FetchFailure startFailure, int pages, FailureWindow.Trip abort) {}

    private final ClaimedJob job;
    private final FetchClients.Lease lease;
    private final PageScraper scraper;
    private final JobStore store;
    private final EventLog events;
    private final int parallelism;
    private final CrawlFrontier frontier;
    private final FailureWindow failures;
    private final CrawlCheckpoints checkpoints;
    private final CheckpointConfig checkpointConfig;
    private long checkpointSequence;
    private int pagesSinceCheckpoint;
    private long lastCheckpointNanos = System.nanoTime();
    private boolean saving;
    private boolean ended;
    private UniEmitter<? super Outcome> emitter;
    private int inFlight;
    private int stored;
    private End stop;
    private FetchFailure startFailure;
    private FailureWindow.Trip abort;
    private final Duration stallTimeout;
    private final ScheduledExecutorService timers;
    private long lastProgressNanos = System.nanoTime();
    private final Optional<Uni<SitemapSeeds>> sitemaps;
    private boolean discovering;
    private Cancellable discovery;

    /**
     * @param stallTimeout the longest the crawl may go without recording a page before it ends
     *                     {@link End#STALLED}: a crawl's time grows with its page budget and the
     *                     site's pace, so it is bounded by its progress, not by a total
     * @param timers       where the stall watch runs
     * @param sitemaps     the reading of the site's sitemaps, if the crawl asked for it
     */
    CrawlRun(
            ClaimedJob job,
            CrawlResumption start,
            FetchClients.Lease lease,
            PageScraper scraper,
            JobStore store,
            EventLog events,
            int parallelism,
            FailureWindow failures,
            CrawlCheckpoints checkpoints,
            CheckpointConfig checkpointConfig,
            Duration stallTimeout,
            ScheduledExecutorService timers,
            Optional<Uni<SitemapSeeds>> sitemaps) {
        this.sitemaps = sitemaps;
        this.stallTimeout = stallTimeout;
        this.timers = timers;
        this.job = job;
        this.lease = lease;
        this.scraper = scraper;
        this.store = store;
        this.events = events;
        this.parallelism = Math.max(1, parallelism);
        this.frontier = start.frontier();
        this.stored = start.pagesStored();
        this.failures = failures;
        this.checkpoints = checkpoints;
        this.checkpointConfig = checkpointConfig;
    }

    Uni<Outcome> run() {
        return Uni.createFrom().emitter(e -> {
            synchronized (this) {
                emitter = e;
            }
            // a cancelled run (the job timed out) starts no more pages; those in flight find the job ended
            e.onTermination(() -> {
                synchronized (this) {
                    if (stop == null) {
                        stop = End.LEASE_LOST;
                    }
                    if (discovery != null) {
                        discovery.cancel();
                    }
                }
            });
            watchForStall(stallTimeout.toNanos());
            sitemaps.ifPresent(this::discover);
            pump();
        });
    }

    private void discover(Uni<SitemapSeeds> reading) {
        synchronized (this) {
            discovering = true;
        }
        Cancellable subscription = reading.onFailure()
                .recoverWithItem(failure -> {
                    // the client reads the event: the cause goes to the log, not to it
                    LOG.warnf(failure, "Job %s: reading its sitemaps failed", job.id());
                    return SitemapSeeds.failed("Reading the sitemaps failed; the crawl goes on with its links");
                })
                .subscribe()
                .with(this::seeded);
        synchronized (this) {
            if (discovering) {
                discovery = subscription;
            }
        }
    }

    /**
     * The sitemaps' URLs join the frontier as links of the start page; the event tells what was
     * read. The crawl counts as discovering until the event is written, so it never comes after
     * the job's terminal event.
     */
    private void seeded(SitemapSeeds seeds) {
        int queued;
        synchronized (this) {
            discovery = null;
            if (ended) {
                discovering = false;
                return;
            }
            queued = frontier.offer(seeds.urls(), 0);
            lastProgressNanos = System.nanoTime();
        }
        pump(); // the seeds' pages start while the event is written
        events.append(job.id(), EventType.SITEMAPS, seeds.toEvent(queued))
                .subscribe()
                .with(appended -> discovered(), failure -> {
                    LOG.warnf("Job %s: the sitemaps event was not written: %s", job.id(), failure.getMessage());
                    discovered();
                });
    }

    private void discovered() {
        synchronized (this) {
            discovering = false;
        }
        pump();
    }

    /** Checks after {@code delayNanos} whether a page was recorded within the stall timeout; re-arms itself if so. */
    private void watchForStall(long delayNanos) {
        timers.schedule(
                () -> {
                    long again;
                    synchronized (this) {
                        if (ended) {
                            return;
                        }
                        long idle = System.nanoTime() - lastProgressNanos;
                        again = stallTimeout.toNanos() - idle;
                        if (again <= 0) {
                            // pages still in flight are left to find the job ended; nothing more is started
                            ended = true;
                            stop = End.STALLED;
                            emitter.complete(new Outcome(End.STALLED, startFailure, stored, abort));
                            return;
                        }
                    }
                    watchForStall(again);
                },
                delayNanos,
                TimeUnit.NANOSECONDS);
    }

    private void pump() {
        synchronized (this) {
            if (emitter == null || ended) {
                return; // not started yet (a shutdown checkpoint came first), or over
            }
            while (stop == null && inFlight < parallelism) {
                Optional<CrawlFrontier.Target> next = frontier.next();
                if (next.isEmpty()) {
                    break;
                }
                inFlight++;
                CrawlFrontier.Target target = next.get();
                visit(target).subscribe().with(ignored -> finished(), failure -> failed(failure));
            }
            if (inFlight == 0 && !saving && (stop != null || !discovering && frontier.exhausted())) {
                ended = true;
                emitter.complete(new Outcome(stop == null ? End.COMPLETED : stop, startFailure, stored, abort));
            }
        }
    }

    private void finished() {
        synchronized (this) {
            inFlight--;
        }
        pump();
    }

    private void failed(Throwable failure) {
        synchronized (this) {
            inFlight--;
            if (stop == null) {
                ended = true;
                emitter.fail(failure);
                stop = End.LEASE_LOST; // nothing more is started; the failure already went out
            }
        }
    }

    private Uni<Void> visit(CrawlFrontier.Target target) {
        // deferred: a page that makes scrape throw fails as that page, never inside pump()
        return Uni.createFrom()
                .deferred(() -> scrapeWithinOrigins(target))
                .onFailure(FetchFailure.class)
                .recoverWithItem(failure -> onPageFailure(target, (FetchFailure) failure))
                .map(page -> page != null && page.depth() == 0 && page.skipReason() != null
                        ? onPageFailure(target, JobRunner.disallowed(page))
                        : page)
                .chain(page -> page == null ? Uni.createFrom().voidItem() : record(target, page));
    }

    /** A page of an origin beyond the crawl's bound fails before anything of that origin is fetched or cached. */
    private Uni<StoredPage> scrapeWithinOrigins(CrawlFrontier.Target target) {
        synchronized (this) {
            if (!frontier.admitsOrigin(target.url())) {
                return Uni.createFrom()
                        .failure(FetchFailure.permanent(
                                CrawlFrontier.TOO_MANY_ORIGINS,
                                "This crawl already fetches from " + frontier.maxOrigins()
                                        + " origins, the most one crawl may; the page is not fetched"));
            }
        }
        return scraper.scrape(lease, target.url(), target.depth(), job.spec());
    }

    /**
     * Saves a checkpoint now unless one is being saved; the item says whether one was stored.
     * Used by a worker shutting down before it hands the job back.
     */
    Uni<Boolean> checkpoint() {
        CrawlFrontier.Snapshot snapshot;
        long sequence;
        synchronized (this) {
            if (saving) {
                return Uni.createFrom().item(false);
            }
            saving = true;
            sequence = ++checkpointSequence;
            pagesSinceCheckpoint = 0;
            lastCheckpointNanos = System.nanoTime();
            snapshot = frontier.snapshot(stored); // a copy: encoding it elsewhere races nothing
        }
        return CrawlCheckpoint.encodeOffTheEventLoop(job.spec().url(), snapshot)
                .chain(encoded -> checkpoints.save(job, sequence, encoded))
                .onFailure()
                .recoverWithItem(failure -> {
                    LOG.warnf(
                            "Job %s: saving checkpoint %d failed, the next one will try again: %s",
                            job.id(), sequence, failure.getMessage());
                    return false;
                })
                .eventually(() -> {
                    boolean dueAgain;
                    synchronized (this) {
                        saving = false;
                        dueAgain = stop == null && checkpointDue();
                    }
                    // a checkpoint that came due while this one was saved is postponed, never skipped
                    if (dueAgain) {
                        checkpoint().subscribe().with(saved -> {});
                    } else {
                        pump();
                    }
                });
    }

    private boolean checkpointDue() {
        return pagesSinceCheckpoint >= checkpointConfig.everyPages()
                || System.nanoTime() - lastCheckpointNanos
                        >= checkpointConfig.every().toNanos();
    }

    private StoredPage onPageFailure(CrawlFrontier.Target target, FetchFailure failure) {
        if (target.depth() == 0) {
            synchronized (this) {
                startFailure = failure;
                stop = End.START_FAILED;
            }
            return null;
        }
        return StoredPage.failed(target.url(), target.depth(), failure.statusCode(), failure.toError());
    }

    /**
     * What was written for a page: the page itself, or its failure instead; whether a cancel is
     * pending, empty if the lease was lost.
     */
    private record PageWrite(StoredPage recorded, Optional<Boolean> cancelPending) {}

    /**
     * Stores the page; if PostgreSQL refuses its values (see {@link JobStore#refusedValues}), the
     * page is stored as failed instead, without them, and if even that is refused (its URL is the
     * problem) nothing is stored and its page event alone tells of it. Any other failure (the
     * database is away) fails the run, which is delivered again.
     */
    private Uni<PageWrite> storeOrRecordWhyNot(StoredPage page) {
        return store.storePage(job, page)
                .map(cancelPending -> new PageWrite(page, cancelPending))
                .onFailure(JobStore::refusedValues)
                .recoverWithUni(refused -> {
                    LOG.warnf("Job %s: page %s could not be stored: %s", job.id(), page.url(), refused.getMessage());
                    StoredPage failed = StoredPage.failed(
                            page.url(),
                            page.depth(),
                            page.statusCode(),
                            JobRunner.notStored(refused).toError());
                    return store.storePage(job, failed)
                            .map(cancelPending -> new PageWrite(failed, cancelPending))
                            .onFailure(JobStore::refusedValues)
                            .recoverWithItem(again -> new PageWrite(failed, Optional.of(false)));
                });
    }

    private Uni<Void> record(CrawlFrontier.Target target, StoredPage fetched) {
        return storeOrRecordWhyNot(fetched).chain(write -> {
            StoredPage page = write.recorded();
            Optional<Boolean> cancelPending = write.cancelPending();
            if (cancelPending.isEmpty() || cancelPending.get()) {
                synchronized (this) {
                    if (stop == null) {
                        stop = cancelPending.isEmpty() ? End.LEASE_LOST : End.CANCEL_REQUESTED;
                    }
                }
                return Uni.createFrom().voidItem();
            }
            int found;
            boolean checkpointDue;
            synchronized (this) {
                lastProgressNanos = System.nanoTime();
                frontier.done(target.url());
                pagesSinceCheckpoint++;
                if (page.fetched()) {
                    stored++;
                }
                if (page.fetched() || page.error() != null && !refusedByTheCrawl(page)) {
                    failures.record(page.error() != null)
                            .filter(trip -> stop == null)
                            .ifPresent(trip -> {
                                abort = trip;
                                stop = End.ABORTED;
                            });
                }
                // a page whose content was refused was still read: the crawl goes on through its links
                found = frontier.offer(fetched.links(), page.depth());
                checkpointDue = stop == null && !saving && checkpointDue();
            }
            if (checkpointDue) {
                checkpoint().subscribe().with(saved -> {});
            }
            return events.append(job.id(), EventType.PAGE, pageEvent(page, found))
                    .replaceWithVoid();
        });
    }

    /** A page the crawl's own bounds refused says nothing about the site: it stays out of the failure window. */
    private static boolean refusedByTheCrawl(StoredPage page) {
        return CrawlFrontier.TOO_MANY_ORIGINS.equals(page.error().get("code"));
    }

    private Map<String, Object> pageEvent(StoredPage page, int newLinks) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("url", page.url());
        data.put("statusCode", page.statusCode());
        data.put("depth", page.depth());
        if (page.error() != null) {
            data.put("error", page.error().get("code"));
        } else if (page.skipReason() != null) {
            data.put("skipped", page.skipReason());
        } else {
            data.put("title", page.title());
            data.put("links", page.links().size());
        }
        synchronized (this) {
            data.put("newLinks", newLinks);
            data.put("pagesStored", stored);
            data.put("frontier", frontier.pending());
            CrawlFrontier.Discards discards = frontier.discards();
            if (discards.linksTooLong() > 0) {
                data.put("linksTooLong", discards.linksTooLong());
            }
            if (discards.frontierFull() > 0) {
                data.put("frontierFull", discards.frontierFull());
            }
        }
        return data;
    }
}
