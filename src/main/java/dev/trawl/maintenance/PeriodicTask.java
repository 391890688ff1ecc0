package dev.trawl.maintenance;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a maintenance pass on a Vert.x timer. A pass that is still running when the timer fires
 * again is not doubled: the tick is skipped. A failed pass is logged and the next tick tries again.
 */
final class PeriodicTask {

    private static final Logger LOG = Logger.getLogger(PeriodicTask.class);

    private final Vertx vertx;
    private final String name;
    private final Supplier<Uni<?>> pass;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long timer = -1;

    PeriodicTask(Vertx vertx, String name, Supplier<Uni<?>> pass) {
        this.vertx = vertx;
        this.name = name;
        this.pass = pass;
    }

    void start(Duration interval) {
        timer = vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> runOnce());
    }

    void runOnce() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        Uni.createFrom().deferred(pass)
                .eventually(() -> running.set(false))
                .subscribe().with(ignored -> { }, failure -> LOG.warnf("%s failed, will try again: %s", name,
                        failure.getMessage()));
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
