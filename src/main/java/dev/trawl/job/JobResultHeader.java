package dev.trawl.job;

import java.util.List;

/**
 * What a result page needs to know of its job before reading pages: its state (a result exists
 * only once it succeeded), the formats it asked for (a page shows only those), whose it is and
 * how many page rows it has (counted only for a succeeded job).
 */
public record JobResultHeader(String state, List<String> formats, String owner, long total) {

    public JobState jobState() {
        return JobState.fromWire(state);
    }
}
