package dev.trawl.redis;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** Every Redis key and channel name, built in one place from the configured prefix. */
@ApplicationScoped
public class RedisKeys {

    private final String prefix;

    public RedisKeys(RedisConfig config) {
        this.prefix = config.keyPrefix();
    }

    public String prefix() {
        return prefix;
    }

    /** The work stream of one priority: {@code <prefix>jobs:high|normal|low}. */
    public String jobStream(String priority) {
        return prefix + "jobs:" + priority;
    }

    /** A job's event log: {@code <prefix>job:{id}:events}. */
    public String jobEvents(UUID jobId) {
        return prefix + "job:" + jobId + ":events";
    }

    /** The pub/sub channel that announces a job's new events to API pods. */
    public String jobChannel(UUID jobId) {
        return prefix + "job:" + jobId + ":live";
    }
}
