package dev.trawl.scrape;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Whether the heap is too full to start more work, and a way to wait, without blocking, until it
 * is not. Everyone waiting during one pause shares one poll, and the JVM gets one hint to collect
 * per pause: used heap counts garbage too, and a collection is often all it takes.
 */
@ApplicationScoped
public class MemoryPressure {

    private final Vertx vertx;
    private final HeapUsage heap;
    private final MemoryPressureConfig config;
    private final Runnable collectHint;

    // Guarded by this: the pause in progress, null when there is none.
    private Uni<Void> relief;

    @Inject
    public MemoryPressure(Vertx vertx, HeapUsage heap, MemoryPressureConfig config) {
        // System.gc() runs a full collection on the calling thread; keep it off the event loop.
        this(vertx, heap, config, () -> Infrastructure.getDefaultWorkerPool().execute(System::gc));
    }

    MemoryPressure(Vertx vertx, HeapUsage heap, MemoryPressureConfig config, Runnable collectHint) {
        this.vertx = vertx;
        this.heap = heap;
        this.config = config;
        this.collectHint = collectHint;
    }

    public boolean high() {
        return heap.fraction() > config.pauseHeapThreshold();
    }

    /** Completes once heap use is at or under the threshold: at once if it already is. */
    public Uni<Void> awaitRelief() {
        return Uni.createFrom()
                .deferred(() -> high() ? currentPause() : Uni.createFrom().voidItem());
    }

    private synchronized Uni<Void> currentPause() {
        if (relief == null) {
            collectHint.run();
            relief = pollUntilRelieved().invoke(this::pauseOver).memoize().indefinitely();
        }
        return relief;
    }

    private synchronized void pauseOver() {
        relief = null;
    }

    private Uni<Void> pollUntilRelieved() {
        return Uni.createFrom().emitter(emitter -> {
            long timer = vertx.setPeriodic(config.pausePollInterval().toMillis(), id -> {
                if (!high()) {
                    vertx.cancelTimer(id);
                    emitter.complete(null);
                }
            });
            emitter.onTermination(() -> vertx.cancelTimer(timer));
        });
    }
}
