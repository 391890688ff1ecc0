package dev.trawl.worker;

import dev.trawl.job.ClaimedJob;
import dev.trawl.job.CrawlLimits;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Where crawl checkpoints are kept (PostgreSQL, beside the pages they describe). A save is fenced
 * like every other write of a worker: only the lease holder of the running attempt writes (the
 * job row is locked FOR SHARE, so a take-over committing meanwhile is seen, not missed), and
 * within one attempt only a later sequence replaces a checkpoint. Attempt numbers only grow (a
 * re-drive does not reset them), so a later attempt's checkpoint replaces an earlier one's.
 */
@ApplicationScoped
public class CrawlCheckpoints {

    private static final Logger LOG = Logger.getLogger(CrawlCheckpoints.class);

    private static final String SAVE = """
            INSERT INTO crawl_checkpoints (job_id, attempt, sequence, format, payload, checksum, pages_done)
            SELECT id, attempt, $4, $5, $6, $7, $8 FROM jobs
             WHERE id = $1 AND state = 'running' AND lease_owner = $2 AND attempt = $3
               FOR SHARE
            ON CONFLICT (job_id) DO UPDATE
               SET attempt = EXCLUDED.attempt, sequence = EXCLUDED.sequence, format = EXCLUDED.format,
                   payload = EXCLUDED.payload, checksum = EXCLUDED.checksum, pages_done = EXCLUDED.pages_done,
                   saved_at = now()
             WHERE crawl_checkpoints.attempt <> EXCLUDED.attempt OR crawl_checkpoints.sequence < EXCLUDED.sequence
            RETURNING job_id""";

    private static final String LOAD =
            "SELECT format, payload, checksum, sequence FROM crawl_checkpoints WHERE job_id = $1";

    private static final String PAGES_NOT_IN = """
            SELECT url, depth, links, error IS NULL AND skip_reason IS NULL AS fetched FROM pages
             WHERE job_id = $1 AND NOT (url = ANY($2))
             ORDER BY depth, id""";

    /** A checkpoint as stored, not yet checked. */
    record Stored(int format, String payload, String checksum, long sequence) {}

    private final Pool pool;
    private final FrontierBounds bounds;

    public CrawlCheckpoints(Pool pool, CrawlLimits limits) {
        this.pool = pool;
        this.bounds = FrontierBounds.of(limits);
    }

    /**
     * The frontier this attempt of the crawl starts from: the stored checkpoint if it checks out,
     * completed by the pages stored after it; else the pages stored so far; else the start page.
     */
    public Uni<CrawlResumption> resume(ClaimedJob job) {
        String startUrl = job.spec().url();
        return load(job.id()).chain(stored -> {
            CrawlFrontier.Snapshot snapshot = null;
            String rejected = null;
            if (stored.isPresent()) {
                try {
                    snapshot = CrawlCheckpoint.decode(
                            stored.get().format(),
                            stored.get().payload(),
                            stored.get().checksum(),
                            startUrl);
                } catch (CrawlCheckpoint.Rejected e) {
                    LOG.warnf(
                            "Job %s: checkpoint %d refused (%s); resuming from the stored pages",
                            job.id(), stored.get().sequence(), e.getMessage());
                    rejected = e.reason();
                }
            }
            CrawlFrontier.Snapshot usable = snapshot;
            String reason = rejected;
            Long sequence = stored.map(Stored::sequence).orElse(null);
            return pagesNotIn(job.id(), usable == null ? List.of() : usable.done())
                    .map(pages -> {
                        if (usable == null && pages.isEmpty() && reason == null) {
                            return new CrawlResumption(
                                    new CrawlFrontier(startUrl, job.spec().crawl(), bounds),
                                    CrawlResumption.Source.START,
                                    0,
                                    null,
                                    null,
                                    0);
                        }
                        CrawlFrontier frontier = usable == null
                                ? new CrawlFrontier(startUrl, job.spec().crawl(), bounds)
                                : CrawlFrontier.restore(startUrl, job.spec().crawl(), bounds, usable);
                        frontier.replay(pages);
                        int pagesStored = (usable == null ? 0 : usable.pagesStored())
                                + (int) pages.stream()
                                        .filter(CrawlFrontier.Visited::fetched)
                                        .count();
                        return new CrawlResumption(
                                frontier,
                                usable == null
                                        ? CrawlResumption.Source.STORED_PAGES
                                        : CrawlResumption.Source.CHECKPOINT,
                                pagesStored,
                                reason,
                                sequence,
                                pages.size());
                    });
        });
    }

    /** Saves the checkpoint; false if this worker no longer holds the job or a later checkpoint is stored. */
    public Uni<Boolean> save(ClaimedJob job, long sequence, CrawlCheckpoint.Encoded checkpoint) {
        Tuple values = Tuple.tuple()
                .addValue(job.id())
                .addValue(job.owner())
                .addValue(job.attempt())
                .addValue(sequence)
                .addValue(CrawlCheckpoint.FORMAT)
                .addValue(checkpoint.payload())
                .addValue(checkpoint.checksum())
                .addValue(checkpoint.pagesDone());
        return pool.preparedQuery(SAVE).execute(values).map(rows -> rows.rowCount() > 0);
    }

    Uni<Optional<Stored>> load(UUID jobId) {
        return pool.preparedQuery(LOAD).execute(Tuple.of(jobId)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row row = it.next();
            return Optional.of(new Stored(
                    row.getInteger("format"),
                    row.getString("payload"),
                    row.getString("checksum"),
                    row.getLong("sequence")));
        });
    }

    /** The job's stored pages other than {@code done}, shallowest first, in the order they were stored. */
    Uni<List<CrawlFrontier.Visited>> pagesNotIn(UUID jobId, List<String> done) {
        return pool.preparedQuery(PAGES_NOT_IN)
                .execute(Tuple.of(jobId, done.toArray(String[]::new)))
                .map(rows -> {
                    List<CrawlFrontier.Visited> pages = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        String[] links = row.getArrayOfStrings("links");
                        pages.add(new CrawlFrontier.Visited(
                                row.getString("url"),
                                row.getInteger("depth"),
                                links == null ? List.of() : Arrays.asList(links),
                                row.getBoolean("fetched")));
                    }
                    return pages;
                });
    }
}
