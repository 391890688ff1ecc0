package dev.trawl.scrape;

import dev.trawl.redis.LuaScript;
import dev.trawl.redis.RedisKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Redis;
import jakarta.enterprise.context.ApplicationScoped;
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

    private final Redis redis;
    private final RedisKeys keys;
    private final AbortConfig config;
    private final PolitenessConfig politeness;
    private final MeterRegistry registry;

    public SiteHealth(Redis redis, RedisKeys keys, AbortConfig config, PolitenessConfig politeness,
            MeterRegistry registry) {
        this.redis = redis;
        this.keys = keys;
        this.config = config;
        this.politeness = politeness;
        this.registry = registry;
    }

    /** Records the outcome of one fetch; never fails, a lost sample is not worth failing a page for. */
    public Uni<Void> record(String host, Throwable failure) {
        if (failure != null && !(failure instanceof FetchFailure fetchFailure && fetchFailure.isTransient())) {
            return Uni.createFrom().voidItem();
        }
        return record(host, failure != null).replaceWithVoid()
                .onFailure().invoke(f -> LOG.debugf("Recording an outcome of %s failed: %s", host, f.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Item: true if this outcome paused the site. */
    public Uni<Boolean> record(String host, boolean failed) {
        String site = host.toLowerCase(Locale.ROOT);
        List<String> args = List.of(failed ? "1" : "0", Integer.toString(config.window()),
                Integer.toString(config.minSamples()), Double.toString(config.maxFailureRate()),
                Long.toString(config.siteCooldown().toMillis()), Long.toString(politeness.permitLease().toMillis()));
        return RECORD.run(redis, List.of(keys.siteOutcomes(site), keys.sitePace(site)), args).map(reply -> {
            boolean paused = reply.get(0).toInteger() == 1;
            if (paused) {
                registry.counter("trawl.sites.paused").increment();
                LOG.warnf("Site %s: %d of its last %d fetches failed; every worker leaves it alone for %s", site,
                        reply.get(1).toInteger(), reply.get(2).toInteger(), config.siteCooldown());
            }
            return paused;
        });
    }
}
