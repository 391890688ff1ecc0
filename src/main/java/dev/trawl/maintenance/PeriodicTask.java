package dev.trawl.maintenance;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.jboss.logging.Logger;

/**
 * Runs a maintenance pass on a Vert.x timer. A pass that is still running when the timer fires
 * again is not doubled: the tick is skipped. A failed pass is logged and the next tick tries again.
 * Every pass is counted under the task's name: {@code trawl_task_runs_total},
 * {@code trawl_task_failures_total}, {@code trawl_task_items_total} (what the pass handled, as
 * {@code items} reads it from the pass's result) and {@code trawl_task_duration_seconds}.
 */
final class PeriodicTask<T> {

    private static final Logger LOG = Logger.getLogger(PeriodicTask.class);

    private final Vertx vertx;
    private final String description;
    private final Supplier<Uni<T>> pass;
    private final ToLongFunction<T> items;
    private final AtomicBoolean running = new AtomicBoolean();
    private final Counter runs;
    private final Counter failures;
    private final Counter handled;
    private final Timer duration;
    private volatile long timer = -1;

    /**
     * @param task        the {@code task} label: short, fixed, one per kind of task
     * @param description what a pass does, for the log
     */
    PeriodicTask(
            Vertx vertx,
            MeterRegistry registry,
            String task,
            String description,
            Supplier<Uni<T>> pass,
            ToLongFunction<T> items) {
        this.vertx = vertx;
        this.description = description;
        this.pass = pass;
        this.items = items;
        this.runs = Counter.builder("trawl.task.runs")
                .tag("task", task)
                .description("Passes of a background task, finished or failed")
                .register(registry);
        this.failures = Counter.builder("trawl.task.failures")
                .tag("task", task)
                .description("Passes of a background task that failed (the next tick tries again)")
                .register(registry);
        this.handled = Counter.builder("trawl.task.items")
                .tag("task", task)
                .description("What the passes of a background task handled: jobs, entries, rows or keys")
                .register(registry);
        this.duration = Timer.builder("trawl.task.duration")
                .tag("task", task)
                .description("How long one pass of a background task took")
                .register(registry);
    }

    void start(Duration interval) {
        timer = vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> runOnce());
    }

    void runOnce() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        Uni.createFrom()
                .deferred(pass::get)
                .eventually(() -> {
                    running.set(false);
                    runs.increment();
                    duration.record(Duration.ofNanos(System.nanoTime() - started));
                })
                .subscribe()
                .with(result -> handled.increment(result == null ? 0 : items.applyAsLong(result)), failure -> {
                    failures.increment();
                    LOG.warnf("%s failed, will try again: %s", description, failure.getMessage());
                });
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
