package dev.trawl.job;

import java.util.List;

/**
 * What a result page needs to know of its job before reading pages: its state, the formats it
 * asked for (a page shows only those), whose it is and how many page rows it has (counted only
 * for a job that ended succeeded, failed, aborted or cancelled).
 */
public record JobResultHeader(String state, List<String> formats, String owner, long total) {

    public JobState jobState() {
        return JobState.fromWire(state);
    }

    /**
     * A job has a result once it succeeded, or once it ended otherwise with pages stored: a crawl
     * that was aborted, failed (timed out) or cancelled keeps what it fetched until then.
     */
    public boolean hasResult() {
        return switch (jobState()) {
            case SUCCEEDED -> true;
            case FAILED, ABORTED, CANCELLED -> total > 0;
            default -> false;
        };
    }
}
