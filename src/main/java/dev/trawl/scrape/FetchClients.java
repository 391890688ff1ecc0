package dev.trawl.scrape;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * The worker's HTTP client, replaced by a fresh one after an age, a number of jobs, or while the
 * heap is high, so that whatever a long-lived client accumulates (pooled connections to sites
 * long gone, buffers, per-host state) is let go of regularly.
 *
 * <p>Callers take a {@link Lease} for a job's fetches and close it when they are done. A replaced
 * client is closed only once its last lease is closed: jobs in hand finish on the client they
 * started with, new leases get the new one.
 */
@ApplicationScoped
public class FetchClients {

    private static final Logger LOG = Logger.getLogger(FetchClients.class);

    enum Reason {
        AGE("age"),
        JOBS("jobs"),
        HEAP("heap");

        final String tag;

        Reason(String tag) {
            this.tag = tag;
        }
    }

    private final Supplier<WebClient> factory;
    private final FetchRecycleConfig config;
    private final Ticker ticker;
    private final HeapUsage heap;
    private final Map<Reason, Counter> recycles = new EnumMap<>(Reason.class);

    // Guarded by this.
    private Generation current;
    private final Set<Generation> retiring = new HashSet<>();
    private long generations;
    private boolean shutDown;

    @Inject
    public FetchClients(
            Vertx vertx, FetchConfig fetch, FetchRecycleConfig config, HeapUsage heap, MeterRegistry registry) {
        this(() -> WebClient.create(vertx, options(fetch)), config, Ticker.SYSTEM, heap, registry);
    }

    FetchClients(
            Supplier<WebClient> factory,
            FetchRecycleConfig config,
            Ticker ticker,
            HeapUsage heap,
            MeterRegistry registry) {
        this.factory = factory;
        this.config = config;
        this.ticker = ticker;
        this.heap = heap;
        for (Reason reason : Reason.values()) {
            recycles.put(
                    reason,
                    Counter.builder("trawl.fetch.recycles")
                            .tag("reason", reason.tag)
                            .description("Fetch clients replaced by a fresh one, by reason")
                            .register(registry));
        }
    }

    private static WebClientOptions options(FetchConfig fetch) {
        return new WebClientOptions()
                .setUserAgent(fetch.userAgent())
                .setFollowRedirects(false)
                .setDecompressionSupported(true)
                .setConnectTimeout((int) fetch.connectTimeout().toMillis())
                .setMaxPoolSize(256)
                .setKeepAlive(true);
    }

    /** A lease on the current client, replacing it first if it is due. Close the lease when done. */
    public Lease acquire() {
        Generation leased;
        Generation toClose = null;
        synchronized (this) {
            if (shutDown) {
                throw new IllegalStateException("The fetch clients are shut down");
            }
            if (current == null) {
                current = newGeneration();
            } else {
                Reason reason = reasonToRecycle(current);
                if (reason != null) {
                    toClose = retire(current, reason);
                    current = newGeneration();
                }
            }
            current.served++;
            current.open++;
            leased = current;
        }
        if (toClose != null) {
            toClose.client.close();
        }
        return new Lease(leased);
    }

    private Reason reasonToRecycle(Generation generation) {
        long age = ticker.nanos() - generation.bornNanos;
        if (age >= config.maxAge().toNanos()) {
            return Reason.AGE;
        }
        if (generation.served >= config.maxJobs()) {
            return Reason.JOBS;
        }
        if (age >= config.heapMinAge().toNanos() && heap.fraction() > config.heapThreshold()) {
            return Reason.HEAP;
        }
        return null;
    }

    /** Returns the generation if it can be closed at once, having no open lease. */
    private Generation retire(Generation generation, Reason reason) {
        recycles.get(reason).increment();
        if (generation.open == 0) {
            LOG.infof(
                    "Recycling fetch client %d (reason: %s) after %d jobs; closing it now",
                    generation.id, reason.tag, generation.served);
        } else {
            LOG.infof(
                    "Recycling fetch client %d (reason: %s) after %d jobs; it closes once its %d running jobs"
                            + " finish",
                    generation.id, reason.tag, generation.served, generation.open);
        }
        generation.retired = true;
        if (generation.open == 0) {
            generation.closed = true;
            return generation;
        }
        retiring.add(generation);
        return null;
    }

    private Generation newGeneration() {
        return new Generation(++generations, factory.get(), ticker.nanos());
    }

    private void release(Generation generation) {
        boolean closeNow;
        synchronized (this) {
            generation.open--;
            closeNow = generation.retired && generation.open == 0 && !generation.closed;
            if (closeNow) {
                generation.closed = true;
                retiring.remove(generation);
            }
        }
        if (closeNow) {
            LOG.debugf("Closing fetch client %d: its last job is done", generation.id);
            generation.client.close();
        }
    }

    @PreDestroy
    void shutDown() {
        List<Generation> all = new ArrayList<>();
        synchronized (this) {
            shutDown = true;
            all.addAll(retiring);
            retiring.clear();
            if (current != null) {
                all.add(current);
                current = null;
            }
            all.forEach(g -> g.closed = true);
        }
        all.forEach(g -> g.client.close());
    }

    private static final class Generation {
        final long id;
        final WebClient client;
        final long bornNanos;
        int served;
        int open;
        boolean retired;
        boolean closed;

        Generation(long id, WebClient client, long bornNanos) {
            this.id = id;
            this.client = client;
            this.bornNanos = bornNanos;
        }
    }

    /** The right to use one client until closed; closing twice is harmless. */
    public final class Lease implements AutoCloseable {

        private final Generation generation;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Lease(Generation generation) {
            this.generation = generation;
        }

        public WebClient client() {
            if (!open.get()) {
                throw new IllegalStateException("The lease on fetch client " + generation.id + " is closed");
            }
            return generation.client;
        }

        /** Which client this is: 1 for the first, counting up with each recycle. */
        public long generation() {
            return generation.id;
        }

        boolean clientClosed() {
            synchronized (FetchClients.this) {
                return generation.closed;
            }
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release(generation);
            }
        }
    }
}
