package dev.trawl.schedule;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Recurring jobs ({@code POST /v1/schedules}) and the worker task that fires their ticks. */
@ConfigMapping(prefix = "trawl.schedules")
public interface ScheduleConfig {

    /** How often each worker looks for due ticks: a tick's job is submitted at most this late. */
    @WithDefault("1S")
    Duration pollInterval();

    /** Due schedules one pass fires at most; the rest wait for the next pass. */
    @WithDefault("100")
    int batchSize();

    /** Schedules one owner may have (admins: no bound). */
    @WithDefault("100")
    int maxPerOwner();

    /** The shortest time between two ticks a cron expression may ask for. */
    @WithDefault("1M")
    Duration minInterval();
}
