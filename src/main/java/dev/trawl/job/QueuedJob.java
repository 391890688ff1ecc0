package dev.trawl.job;

import java.util.UUID;

/**
 * A job to put on the work stream of its priority. {@code share} is its caller's fair share, for
 * a job admitted by turns ({@link FairShares}); null for a job that goes straight on.
 * {@code request}, when not null, goes in the entry so a worker may run the job before claiming it.
 */
public record QueuedJob(UUID id, Priority priority, FairShare share, JobRequest request) {

    public QueuedJob(UUID id, Priority priority) {
        this(id, priority, null, null);
    }

    boolean takesTurns() {
        return share != null && share.maxInFlight() > 0;
    }
}
