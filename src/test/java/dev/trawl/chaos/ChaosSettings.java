package dev.trawl.chaos;

import dev.trawl.support.TestServices;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every platform process of a chaos test is started with: where its PostgreSQL and Redis
 * are, a key prefix and database derived from TRAWL_TEST_PREFIX / TRAWL_TEST_DB (so checkouts
 * running side by side never share them), and its recovery timings: the production defaults
 * for the tests that measure recovery after a kill, or the test profile's short ones for the
 * tests that only need a dead worker's jobs back in seconds.
 */
final class ChaosSettings {

    private ChaosSettings() {}

    /** {@code <TRAWL_TEST_DB>_chaos_<name>}. */
    static String database(String name) {
        return TestServices.DATABASE + "_chaos_" + name;
    }

    /** {@code <TRAWL_TEST_PREFIX>chaos-<name>:}. */
    static String keyPrefix(String name) {
        return TestServices.KEY_PREFIX + "chaos-" + name + ":";
    }

    /**
     * With the production recovery timings: lease, claim, reaper, reconciler and the repair of a
     * terminal event are left at the defaults of the code, so what the test measures is what a
     * deployment gets.
     */
    static Map<String, String> platformWithProductionRecovery(
            String reactiveUrl, String jdbcUrl, String redisUrl, String keyPrefix) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("quarkus.datasource.reactive.url", reactiveUrl);
        properties.put("quarkus.datasource.jdbc.url", jdbcUrl);
        properties.put("quarkus.redis.hosts", redisUrl);
        properties.put("trawl.redis.key-prefix", keyPrefix);
        // the stub site is on 127.0.0.1
        properties.put("trawl.fetch.allow-private-networks", "true");
        // thousands of submits from one anonymous client: limits and quotas are not under test
        properties.put("trawl.rate-limit.enabled", "false");
        properties.put("trawl.tiers.enforced", "false");
        // the launcher's SIGTERM at the end of a test need not wait for jobs
        properties.put("trawl.worker.shutdown-grace", "2S");
        // no job is meant to fail; if one does, its retries need not slow the run
        properties.put("trawl.retry.initial-backoff", "100MS");
        properties.put("trawl.retry.max-backoff", "500MS");
        properties.put("trawl.retry.poll-interval", "100MS");
        // Every job is on the one local site. Politeness is not under test, and the permits a
        // killed worker held stay taken for their lease (30 s): a high limit keeps them from
        // throttling the run.
        properties.put("trawl.politeness.min-delay", "0MS");
        properties.put("trawl.politeness.max-concurrency", "1000");
        return properties;
    }

    /**
     * With the test profile's short recovery times (the %test values): claim, lease, reaper,
     * reconciler and its sweep, the repair of a terminal event a killed worker did not write.
     */
    static Map<String, String> platform(String reactiveUrl, String jdbcUrl, String redisUrl, String keyPrefix) {
        Map<String, String> properties = platformWithProductionRecovery(reactiveUrl, jdbcUrl, redisUrl, keyPrefix);
        properties.put("mp.messaging.incoming.jobs.claim-min-idle-ms", "3000");
        properties.put("mp.messaging.incoming.jobs.claim-interval-ms", "1000");
        properties.put("trawl.worker.lease", "5S");
        properties.put("trawl.recovery.reaper-interval", "500MS");
        properties.put("trawl.recovery.lease-grace", "1S");
        properties.put("trawl.recovery.reconcile-interval", "500MS");
        properties.put("trawl.recovery.stranded-after", "2S");
        properties.put("trawl.events.terminal-grace", "2S");
        return properties;
    }
}
