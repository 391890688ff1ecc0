package dev.trawl.worker;

import java.time.Duration;

/**
 * The timings that decide how soon a dead worker's jobs run again. Its entry becomes claimable
 * {@code claimMinIdle} after it was last refreshed (up to one {@code claimInterval} before the
 * death), and a live worker's next claim pass takes it within another interval; the claim then
 * takes the job over only if its lease has run out. With a claim idle time shorter than the lease
 * plus one interval, a take-over can meet a live lease, acknowledge the entry and leave the job
 * to the reaper, a lease grace and an XADD at the tail of the stream later.
 */
public record RecoveryTimings(Duration lease, Duration claimMinIdle, Duration claimInterval) {

    /** Whether the queue's take-over always finds the dead worker's lease run out. */
    public enum Verdict {
        TAKE_OVER_FINDS_LEASE_EXPIRED,
        TAKE_OVER_MAY_MEET_LIVE_LEASE
    }

    public Verdict verdict() {
        return claimMinIdle.compareTo(lease.plus(claimInterval)) >= 0
                ? Verdict.TAKE_OVER_FINDS_LEASE_EXPIRED
                : Verdict.TAKE_OVER_MAY_MEET_LIVE_LEASE;
    }

    /** The latest a dead worker's job is taken over by the queue, a free slot aside. */
    public Duration latestTakeOver() {
        return claimMinIdle.plus(claimInterval);
    }
}
