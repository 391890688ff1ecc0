package dev.trawl.maintenance;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** How long what ended jobs leave behind is kept. */
@ConfigMapping(prefix = "trawl.retention")
public interface RetentionConfig {

    /**
     * How long an ended job (succeeded, failed, cancelled, aborted) is kept after it ended, with
     * its pages, op-ledger entries, job key, checkpoint and Idempotency-Keys; its dead letter goes
     * at the same age.
     */
    @WithDefault("7D")
    Duration results();

    /** How long the checkpoint of a crawl is kept after its job ended (a re-drive resumes from its pages without it). */
    @WithDefault("1H")
    Duration checkpoints();

    /** The most entries the dead-letter stream keeps (the newest). */
    @WithDefault("10000")
    long deadLetters();

    /** How often a worker runs the retention sweep. */
    @WithDefault("10M")
    Duration interval();

    /** Rows deleted per statement. */
    @WithDefault("500")
    int batchSize();
}
