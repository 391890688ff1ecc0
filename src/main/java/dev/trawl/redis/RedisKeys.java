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

    /** A caller's token bucket (the tenant id holds no secret): {@code <prefix>rate:<tenant>}. */
    public String rateBucket(String tenant) {
        return prefix + "rate:" + tenant;
    }

    /**
     * Where fair shares are kept ({@code <prefix>fair:}): {@code owners} (job id → tenant),
     * {@code caps} (tenant → cap), and per tenant {@code <tenant>:running} (set) and
     * {@code <tenant>:held} (sorted set); see fair_admit.lua.
     */
    public String fairShares() {
        return prefix + "fair:";
    }

    /** The work stream of one priority: {@code <prefix>jobs:high|normal|low}. */
    public String jobStream(String priority) {
        return prefix + "jobs:" + priority;
    }

    /** Jobs that used up their attempts and failed: a stream of dead letters, one entry per failure. */
    public String deadLetters() {
        return prefix + "jobs:dead";
    }

    /**
     * The paused work streams: a set of stream keys ({@code jobStream(priority)}) that workers do
     * not take new entries from; the connector reads it every {@code pause-refresh-ms}.
     */
    public String pausedQueues() {
        return prefix + "queues:paused";
    }

    /** Jobs waiting for a retry: a sorted set of job ids scored by due time (ms). */
    public String delayedJobs() {
        return prefix + "jobs:delayed";
    }

    /**
     * A marker set (NX) by the first worker to find it missing. Its absence means Redis lost our
     * data (flushed, or restarted without persistence), so the queues must be rebuilt from PostgreSQL.
     */
    public String epoch() {
        return prefix + "epoch";
    }

    /** A job's event log: {@code <prefix>job:{id}:events}. */
    public String jobEvents(UUID jobId) {
        return prefix + "job:" + jobId + ":events";
    }

    /** The pub/sub channel that announces a job's new events to API pods. */
    public String jobChannel(UUID jobId) {
        return prefix + "job:" + jobId + ":live";
    }

    /** A site profile's session: a hash of {@code cookie} and {@code version} whose TTL is the session's life. */
    public String session(String profile) {
        return prefix + "session:" + profile;
    }

    /** Held (SET NX PX) by the one worker logging in for a profile; the value is that worker's token. */
    public String sessionLock(String profile) {
        return prefix + "session:" + profile + ":lock";
    }

    /**
     * The last version handed out for a profile. Kept apart from the session, which expires, so a
     * version is never reused and a stale invalidation can never delete a newer session.
     */
    public String sessionGeneration(String profile) {
        return prefix + "session:" + profile + ":generation";
    }

    /** Set for a short while after a failed login, so callers fail fast instead of queueing logins. */
    public String sessionFailure(String profile) {
        return prefix + "session:" + profile + ":failure";
    }

    /**
     * The permits held on a site: a sorted set of permit ids scored by lease expiry (ms, Redis
     * clock). The braces are a cluster hash tag, so the politeness scripts find every key of a
     * site in one slot.
     */
    public String siteHolders(String host) {
        return prefix + "site:{" + host + "}:holders";
    }

    /** When a site may next be started: a hash with {@code last} (last start) and {@code paused-until}, ms. */
    public String sitePace(String host) {
        return prefix + "site:{" + host + "}:pace";
    }

    /** A site's latest fetch outcomes: a ring of bits, 1 failed and 0 ok (see site_health.lua). */
    public String siteWindow(String host) {
        return prefix + "site:{" + host + "}:window";
    }

    /** How many outcomes a site's window has seen and how many of those in it failed: a hash of {@code n} and {@code failed}. */
    public String siteWindowCounts(String host) {
        return prefix + "site:{" + host + "}:window-counts";
    }

    /**
     * The cached robots.txt rules for us of an origin ({@code scheme://host[:port]}): at most
     * {@code trawl.robots.max-entry-bytes}, TTL {@code trawl.robots.cache-ttl} (error-ttl for an
     * unreachable file); a crawl creates at most {@code trawl.crawl.max-origins} of them.
     */
    public String robots(String origin) {
        return prefix + "robots:" + origin;
    }

    /**
     * The event types a job's webhook wants, as {@code ,type,type,}: next to the job's event stream
     * (append_events.lua finds it by replacing the stream's {@code events} suffix), with its TTL.
     */
    public String jobWebhook(UUID jobId) {
        return prefix + "job:" + jobId + ":webhook";
    }

    /**
     * Webhook deliveries to make: a sorted set of {@code <event entry id>\n<event JSON>} scored by
     * when (ms) a sender may next take it; a sender that takes one pushes its score a claim period
     * ahead, so a delivery whose sender died comes due again.
     */
    public String webhookDeliveries() {
        return prefix + "webhooks:due";
    }

    /** How many times each delivery was taken: a hash of {@code <job id>:<event entry id>} → count. */
    public String webhookAttempts() {
        return prefix + "webhooks:attempts";
    }
}
