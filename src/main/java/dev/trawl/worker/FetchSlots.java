package dev.trawl.worker;

import dev.trawl.runtime.OnContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The {@code trawl.worker.concurrency} places in which a worker fetches: a single page's fetch, or
 * a whole crawl, holds one. A job gives its place back as soon as its page is in hand, so the
 * writing of its result (PostgreSQL, events, acknowledgement) goes on while the next job fetches.
 * Waiters are served in the order they asked, each on the Vert.x context it asked from (a job's
 * context carries its log context), not on the thread of the job that gave the place back.
 */
@ApplicationScoped
public class FetchSlots {

    /** A place taken; giving it back more than once gives it back once. */
    public interface Slot {
        void release();
    }

    private final int capacity;

    private record Waiter(UniEmitter<? super Taken> emitter, Context context) {}

    private final Queue<Waiter> waiting = new ArrayDeque<>();
    private int taken;

    @Inject
    public FetchSlots(WorkerConfig config) {
        this(config.concurrency());
    }

    FetchSlots(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("A worker needs at least one fetch slot");
        }
        this.capacity = capacity;
    }

    /** A place, at once if one is free, else when one is given back; a cancelled wait takes none. */
    public Uni<Slot> take() {
        return Uni.createFrom()
                .<Taken>emitter(emitter -> {
                    Waiter waiter = new Waiter(emitter, Vertx.currentContext());
                    boolean free;
                    synchronized (this) {
                        free = taken < capacity;
                        if (free) {
                            taken++;
                        } else {
                            waiting.add(waiter);
                        }
                    }
                    if (free) {
                        deliver(emitter);
                    } else {
                        emitter.onTermination(() -> {
                            synchronized (this) {
                                waiting.remove(waiter);
                            }
                        });
                    }
                })
                // runs within complete() when the item reaches the subscriber, not when it is dropped
                .invoke(Taken::receive)
                .map(slot -> slot);
    }

    /** Places taken now. */
    public synchronized int inUse() {
        return taken;
    }

    private void deliver(UniEmitter<? super Taken> emitter) {
        Taken slot = new Taken();
        emitter.complete(slot);
        if (!slot.received.get()) {
            // the waiter was cancelled as its place came: the place goes on
            slot.release();
        }
    }

    private void handOn() {
        Waiter next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                taken--;
                return;
            }
        }
        // the place goes straight to the next waiter: taken stays as it is
        OnContext.run(next.context(), () -> deliver(next.emitter()));
    }

    private final class Taken implements Slot {
        private final AtomicBoolean received = new AtomicBoolean();
        private final AtomicBoolean given = new AtomicBoolean();

        void receive() {
            received.set(true);
        }

        @Override
        public void release() {
            if (given.compareAndSet(false, true)) {
                handOn();
            }
        }
    }
}
