package dev.trawl.scrape;

import dev.trawl.batch.Batcher;
import dev.trawl.redis.LuaScript;
import dev.trawl.redis.RedisKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * The cluster-wide failure window of each site. Only answers that say how the site is doing
 * count: a page fetched is a success, a transient failure (timeout, reset, 429, 5xx) a failure;
 * a 404 or a robots.txt skip says something about the link, not the site, and is left out, so a
 * crawl full of dead links aborts its own job (see the job window) without pausing the site for
 * everyone. A site whose rate crosses the bound is paused through its politeness pace.
 */
@ApplicationScoped
public class SiteHealth {

    private static final Logger LOG = Logger.getLogger(SiteHealth.class);
    private static final LuaScript RECORD = LuaScript.fromResource("lua/site_health.lua");

    /** Outcomes recorded per script call at most. */
    private static final int MAX_BATCH = 256;

    private record Outcome(String site, boolean failed) {}

    private final Redis redis;
    private final RedisKeys keys;
    private final AbortConfig config;
    private final PolitenessConfig politeness;
    private final MeterRegistry registry;
    private final Batcher<Outcome, Boolean> outcomes;

    public SiteHealth(
            Redis redis, RedisKeys keys, AbortConfig config, PolitenessConfig politeness, MeterRegistry registry) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
        this.politeness = politeness;
        this.registry = registry;
        this.outcomes = new Batcher<>(MAX_BATCH, 1, this::recordAll);
    }

    /** Records the outcome of one fetch; never fails, a lost sample is not worth failing a page for. */
    public Uni<Void> record(String host, Throwable failure) {
        if (failure != null && !(failure instanceof FetchFailure fetchFailure && fetchFailure.isTransient())) {
            return Uni.createFrom().voidItem();
        }
        return record(host, failure != null)
                .replaceWithVoid()
                .onFailure()
                .invoke(f -> LOG.debugf("Recording an outcome of %s failed: %s", host, f.getMessage()))
                .onFailure()
                .recoverWithNull();
    }

    /** Item: true if this outcome paused the site. Outcomes recorded at the same moment share one script call. */
    public Uni<Boolean> record(String host, boolean failed) {
        return outcomes.submit(new Outcome(host.toLowerCase(Locale.ROOT), failed));
    }

    private Uni<List<Boolean>> recordAll(List<Outcome> batch) {
        List<String> scriptKeys = new ArrayList<>(batch.size() * 3);
        List<String> args = new ArrayList<>(5 + batch.size());
        args.add(Integer.toString(config.window()));
        args.add(Integer.toString(config.minSamples()));
        args.add(Double.toString(config.maxFailureRate()));
        args.add(Long.toString(config.siteCooldown().toMillis()));
        args.add(Long.toString(politeness.permitLease().toMillis()));
        for (Outcome outcome : batch) {
            scriptKeys.add(keys.siteWindow(outcome.site()));
            scriptKeys.add(keys.siteWindowCounts(outcome.site()));
            scriptKeys.add(keys.sitePace(outcome.site()));
            args.add(outcome.failed() ? "1" : "0");
        }
        return RECORD.run(redis, scriptKeys, args).map(reply -> {
            List<Boolean> paused = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Response result = reply.get(i);
                boolean pausedNow = result.get(0).toInteger() == 1;
                if (pausedNow) {
                    registry.counter("trawl.sites.paused").increment();
                    LOG.warnf(
                            "Site %s: %d of its last %d fetches failed; every worker leaves it alone for %s",
                            batch.get(i).site(),
                            result.get(1).toInteger(),
                            result.get(2).toInteger(),
                            config.siteCooldown());
                }
                paused.add(pausedNow);
            }
            return paused;
        });
    }
}
