package dev.trawl.worker;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The frontier a crawl attempt starts from. A first attempt starts from its start page; one that
 * follows an earlier attempt starts from that attempt's checkpoint plus the pages it stored after
 * it, or, with no usable checkpoint, from the stored pages alone. Either way a stored page is
 * never fetched again.
 */
record CrawlResumption(
        CrawlFrontier frontier,
        Source source,
        int pagesStored,
        String checkpointRejected,
        Long checkpointSequence,
        int pagesReplayed) {

    enum Source {
        START,
        CHECKPOINT,
        STORED_PAGES
    }

    boolean resumed() {
        return source != Source.START;
    }

    /** The data of the {@code resumed} event. */
    Map<String, Object> toEvent() {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("from", source == Source.CHECKPOINT ? "checkpoint" : "stored-pages");
        if (checkpointSequence != null) {
            data.put("checkpoint", checkpointSequence);
        }
        if (checkpointRejected != null) {
            data.put("checkpointRejected", checkpointRejected);
        }
        data.put("pagesDone", frontier.doneCount());
        data.put("pagesStored", pagesStored);
        data.put("pagesReplayed", pagesReplayed);
        data.put("frontier", frontier.pending());
        return data;
    }
}
