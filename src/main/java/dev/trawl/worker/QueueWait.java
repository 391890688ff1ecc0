package dev.trawl.worker;

import dev.trawl.events.StreamIds;
import dev.trawl.queue.RedisStreamsIncomingMetadata;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code trawl_queue_wait_seconds}: how long an entry sat in its work stream before a worker read
 * it, from the time Redis wrote into the entry's id at XADD. An entry taken over from a dead
 * worker is not counted again: its wait was recorded when it was first read.
 */
final class QueueWait {

    /** The shortest wait or job the histograms resolve; their buckets run from here to the job timeout. */
    static final Duration SHORTEST = Duration.ofMillis(10);

    private final Timer timer;

    QueueWait(MeterRegistry registry, Duration longest) {
        this.timer = Timer.builder("trawl.queue.wait")
                .description("Time from an entry's XADD to a worker reading it")
                .publishPercentileHistogram()
                .minimumExpectedValue(SHORTEST)
                .maximumExpectedValue(longest)
                .register(registry);
    }

    void record(RedisStreamsIncomingMetadata entry) {
        if (entry.claimed()) {
            return;
        }
        long added = StreamIds.millisOf(entry.id());
        timer.record(Math.max(0, System.currentTimeMillis() - added), TimeUnit.MILLISECONDS);
    }
}
