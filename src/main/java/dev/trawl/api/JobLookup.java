package dev.trawl.api;

import dev.trawl.job.JobCancellation;
import dev.trawl.job.JobIds;
import dev.trawl.job.JobQueries;
import dev.trawl.job.JobRedrive;
import dev.trawl.job.JobResultHeader;
import dev.trawl.job.JobState;
import dev.trawl.job.JobStore;
import dev.trawl.job.JobSummary;
import dev.trawl.job.LedgerEntry;
import dev.trawl.job.PageRecord;
import dev.trawl.tenancy.Tenant;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Finds, reads and cancels jobs for both the v1 and the original API, with their errors. Every
 * lookup is on behalf of a caller: another tenant's job is answered exactly as an unknown one
 * (404), so its existence is not disclosed either.
 */
@ApplicationScoped
public class JobLookup {

    private final JobQueries queries;
    private final JobStore store;
    private final JobCancellation cancellation;
    private final JobRedrive redrive;
    private final long resultMaxBytes;

    public JobLookup(
            JobQueries queries, JobStore store, JobCancellation cancellation, JobRedrive redrive, ApiConfig config) {
        this.resultMaxBytes = config.resultMaxBytes().asLongValue();
        this.redrive = redrive;
        this.queries = queries;
        this.store = store;
        this.cancellation = cancellation;
    }

    /**
     * A page of a succeeded job's result: the job's formats decide what each page shows. It may
     * hold fewer pages than asked for when they would not fit in {@code trawl.api.result-max-bytes};
     * {@link #nextOffset()} says where the next read starts while any page is left.
     */
    public record JobPages(UUID id, JobResultHeader job, int offset, List<PageRecord> pages) {

        public OptionalInt nextOffset() {
            long next = (long) offset + pages.size();
            return !pages.isEmpty() && next < job.total() ? OptionalInt.of((int) next) : OptionalInt.empty();
        }
    }

    public static UUID parseId(String id) {
        return JobIds.parse(id).orElseThrow(() -> ProblemException.jobNotFound(id));
    }

    public Uni<JobSummary> find(Tenant caller, String id) {
        UUID uuid = parseId(id);
        return queries.find(uuid)
                .map(job ->
                        job.filter(j -> caller.owns(j.owner())).orElseThrow(() -> ProblemException.jobNotFound(id)));
    }

    /** The job's state alone (what following its events needs); a 404 problem for an unknown job. */
    public Uni<JobState> state(Tenant caller, String id) {
        return find(caller, id).map(JobSummary::jobState);
    }

    /**
     * The stored pages of a job that has a result (see {@link JobResultHeader#hasResult}) from
     * {@code offset}: at most {@code limit}, and no more than fit in {@code trawl.api.result-max-bytes}
     * (but always one); a 409 naming the status for any other.
     */
    public Uni<JobPages> result(Tenant caller, String id, int offset, int limit) {
        UUID uuid = parseId(id);
        return queries.resultHeader(uuid).chain(found -> {
            JobResultHeader job =
                    found.filter(j -> caller.owns(j.owner())).orElseThrow(() -> ProblemException.jobNotFound(id));
            if (!job.hasResult()) {
                return Uni.createFrom()
                        .failure(new ProblemException(Problem.of(
                                        409,
                                        "result-not-ready",
                                        "Result not available",
                                        "The job is " + job.state() + "; a result exists once it has "
                                                + "succeeded, or once it has ended with pages stored")
                                .withJob(id, job.state())));
            }
            return queries.pages(uuid, offset, limit, resultMaxBytes)
                    .map(pages -> new JobPages(uuid, job, offset, pages));
        });
    }

    /** The state after the cancel: cancelled, or running for a job its worker will stop at its next step. */
    public Uni<JobState> cancel(Tenant caller, String id) {
        UUID uuid = parseId(id);
        return find(caller, id)
                .chain(() -> cancellation.cancel(uuid))
                .chain(state -> state.isPresent()
                        ? Uni.createFrom().item(state.get())
                        : store.state(uuid).map(current -> {
                            JobState finished = current.orElseThrow(() -> ProblemException.jobNotFound(id));
                            throw new ProblemException(Problem.of(
                                            409,
                                            "job-finished",
                                            "Job already finished",
                                            "The job is " + finished.wireName() + " and can no longer be cancelled")
                                    .withJob(id, finished.wireName()));
                        }));
    }

    /** Re-drives a failed or aborted job and answers it as it is now; a 409 naming the status for any other. */
    public Uni<JobSummary> redrive(Tenant caller, String id) {
        UUID uuid = parseId(id);
        return find(caller, id).chain(() -> redrive.redrive(uuid)).chain(redriven -> {
            if (redriven.isPresent()) {
                return Uni.createFrom().item(redriven.get());
            }
            return store.state(uuid).map(current -> {
                JobState state = current.orElseThrow(() -> ProblemException.jobNotFound(id));
                throw new ProblemException(Problem.of(
                                409,
                                "job-not-redrivable",
                                "Job cannot be re-driven",
                                "The job is " + state.wireName() + "; only failed and aborted jobs can be re-driven")
                        .withJob(id, state.wireName()));
            });
        });
    }

    /** The job's operation-ledger entries; a 404 for an unknown job. */
    public Uni<List<LedgerEntry>> ops(Tenant caller, String id) {
        return find(caller, id).chain(job -> store.ops(job.id()));
    }
}
