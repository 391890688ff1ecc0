package dev.trawl.scrape;

import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One slot on a site, held in Redis for the whole cluster until released or until its lease runs
 * out. Release it exactly when the request to the site is over; releasing twice is harmless.
 */
public final class SitePermit {

    private final SitePoliteness politeness;
    private final String host;
    private final String id;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile Runnable stopRenewing = () -> {};

    SitePermit(SitePoliteness politeness, String host, String id) {
        this.politeness = politeness;
        this.host = host;
        this.id = id;
    }

    public String host() {
        return host;
    }

    /** The permit's id, as stored in the site's holders set. */
    public String id() {
        return id;
    }

    /** Frees the slot. Only the first release (of either kind) to be subscribed acts. */
    public Uni<Void> release() {
        return release(Duration.ZERO);
    }

    /**
     * Frees the slot and keeps the whole cluster off the site for {@code retryAfter} (a 429 or
     * 503 answer's Retry-After), capped at {@code trawl.politeness.max-retry-after}.
     */
    public Uni<Void> release(Duration retryAfter) {
        return Uni.createFrom().deferred(() -> {
            if (!released.compareAndSet(false, true)) {
                return Uni.createFrom().voidItem();
            }
            stopRenewing.run();
            return politeness.release(host, id, retryAfter);
        });
    }

    /**
     * Renews the lease every third of it until the permit is released, so a request may take as
     * long as it needs while the lease stays short: a worker that dies holding the permit frees
     * the slot one lease later. Returns this permit.
     */
    public SitePermit keepAlive() {
        stopRenewing = politeness.keepAlive(this);
        if (released.get()) {
            stopRenewing.run();
        }
        return this;
    }

    /**
     * Extends the lease by {@code trawl.politeness.permit-lease} from now, for a request that runs
     * long. False if the lease had already run out (the slot may be someone else's now) or the
     * permit was released.
     */
    public Uni<Boolean> renew() {
        return Uni.createFrom()
                .deferred(() -> released.get() ? Uni.createFrom().item(false) : politeness.renew(host, id));
    }
}
