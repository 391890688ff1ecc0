package dev.trawl.batch;

import dev.trawl.runtime.OnContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Sends items in batches the way a database's group commit does: an item that arrives while
 * fewer than {@code maxInFlight} batches are out goes at once, in a batch of its own if nothing
 * else waits; one that arrives while they are all out waits for the first to come back and then
 * goes with everything that arrived meanwhile, up to {@code maxBatch}. So a quiet system pays no
 * delay, and a busy one pays one round trip per batch instead of one per item. On a Vert.x event
 * loop an item does not leave the moment it arrives but at the end of the event-loop task that
 * submitted it, so the items one task submits together (the claims of the entries of one read,
 * say) share a batch even when nothing is out.
 *
 * <p>The flush gets the items in arrival order and answers one result per item, in the same
 * order; a failed flush fails every item of its batch, unless the batcher was given a way to send
 * one item alone: then each item of a failed batch is tried alone, so an item the store refuses
 * fails only itself. That is for flushes that are all or nothing (one transaction), never for
 * ones that may have done part of their work before failing. Each caller gets its result back on
 * the Vert.x context it submitted from, so code after a batched call runs where it would have run
 * after a call of its own.
 *
 * @param <I> what a caller hands in
 * @param <O> what each caller gets back
 */
public final class Batcher<I, O> {

    private record Pending<I, O>(I item, Consumer<O> done, Consumer<Throwable> failed, Context context) {}

    private final Function<List<I>, Uni<List<O>>> flush;
    private final Function<I, Uni<O>> alone;
    private final int maxBatch;
    private final int maxInFlight;
    private final Queue<Pending<I, O>> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    public Batcher(int maxBatch, int maxInFlight, Function<List<I>, Uni<List<O>>> flush) {
        this(maxBatch, maxInFlight, flush, null);
    }

    /**
     * @param alone sends one item by itself; each item of a failed batch of more than one is
     *              retried with it. Only for an all-or-nothing flush.
     */
    public Batcher(int maxBatch, int maxInFlight, Function<List<I>, Uni<List<O>>> flush, Function<I, Uni<O>> alone) {
        if (maxBatch < 1 || maxInFlight < 1) {
            throw new IllegalArgumentException("maxBatch and maxInFlight must be at least 1");
        }
        this.flush = flush;
        this.alone = alone;
        this.maxBatch = maxBatch;
        this.maxInFlight = maxInFlight;
    }

    /** The item's result, once the batch it went out in has come back. */
    public Uni<O> submit(I item) {
        return Uni.createFrom().emitter(emitter -> {
            waiting.add(new Pending<>(item, emitter::complete, emitter::fail, Vertx.currentContext()));
            drainSoon();
        });
    }

    /**
     * The items' results, in order; a failure of any fails the whole. They join the queue
     * together, so they go out in one batch (if they fit) instead of the first alone and the rest
     * after it.
     */
    public Uni<List<O>> submitAll(List<I> items) {
        if (items.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.createFrom().emitter(emitter -> {
            Context context = Vertx.currentContext();
            Object[] results = new Object[items.size()];
            AtomicInteger left = new AtomicInteger(items.size());
            AtomicBoolean failed = new AtomicBoolean();
            for (int i = 0; i < items.size(); i++) {
                int index = i;
                Consumer<O> done = result -> {
                    results[index] = result;
                    if (left.decrementAndGet() == 0 && !failed.get()) {
                        @SuppressWarnings("unchecked")
                        List<O> all = (List<O>) Arrays.asList(results);
                        emitter.complete(all);
                    }
                };
                Consumer<Throwable> fail = failure -> {
                    if (failed.compareAndSet(false, true)) {
                        emitter.fail(failure);
                    }
                };
                waiting.add(new Pending<>(items.get(i), done, fail, context));
            }
            drainSoon();
        });
    }

    /** Items waiting for a batch to go out (not those already out). */
    public int waiting() {
        return waiting.size();
    }

    /** At the end of the current event-loop task, so what the task submits goes together; at once elsewhere. */
    private void drainSoon() {
        Context context = Vertx.currentContext();
        if (context == null || !Context.isOnEventLoopThread()) {
            drain();
        } else if (drainScheduled.compareAndSet(false, true)) {
            context.runOnContext(ignored -> {
                drainScheduled.set(false);
                drain();
            });
        }
    }

    // Both paths that can free a slot check the queue after changing their side (add, then check;
    // decrement, then check), so an item is never left waiting with no batch out to pick it up.
    private void drain() {
        while (!waiting.isEmpty()) {
            int out = inFlight.get();
            if (out >= maxInFlight) {
                return;
            }
            if (!inFlight.compareAndSet(out, out + 1)) {
                continue;
            }
            List<Pending<I, O>> batch = new ArrayList<>(Math.min(maxBatch, waiting.size()));
            Pending<I, O> next;
            while (batch.size() < maxBatch && (next = waiting.poll()) != null) {
                batch.add(next);
            }
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
            } else {
                send(batch);
            }
        }
    }

    private void send(List<Pending<I, O>> batch) {
        List<I> items = new ArrayList<>(batch.size());
        batch.forEach(pending -> items.add(pending.item()));
        Uni<List<O>> sent;
        try {
            sent = flush.apply(items);
        } catch (RuntimeException e) {
            sent = Uni.createFrom().failure(e);
        }
        sent.subscribe()
                .with(
                        results -> {
                            inFlight.decrementAndGet();
                            if (results.size() != batch.size()) {
                                IllegalStateException wrong = new IllegalStateException("A batch of " + batch.size()
                                        + " items came back with " + results.size() + " results");
                                batch.forEach(pending -> fail(pending, wrong));
                            } else {
                                for (int i = 0; i < batch.size(); i++) {
                                    complete(batch.get(i), results.get(i));
                                }
                            }
                            drain();
                        },
                        failure -> {
                            inFlight.decrementAndGet();
                            if (alone != null && batch.size() > 1) {
                                batch.forEach(this::sendAlone);
                            } else {
                                batch.forEach(pending -> fail(pending, failure));
                            }
                            drain();
                        });
    }

    private void sendAlone(Pending<I, O> pending) {
        Uni<O> sent;
        try {
            sent = alone.apply(pending.item());
        } catch (RuntimeException e) {
            sent = Uni.createFrom().failure(e);
        }
        sent.subscribe().with(result -> complete(pending, result), failure -> fail(pending, failure));
    }

    private static <I, O> void complete(Pending<I, O> pending, O result) {
        OnContext.run(pending.context(), () -> pending.done().accept(result));
    }

    private static <I, O> void fail(Pending<I, O> pending, Throwable failure) {
        OnContext.run(pending.context(), () -> pending.failed().accept(failure));
    }
}
