package dev.trawl.runtime;

import io.vertx.core.Context;
import io.vertx.core.Vertx;

/** Continuing on a caller's Vert.x context: where its log context and its clients' callbacks are. */
public final class OnContext {

    private OnContext() {}

    /** Runs {@code task} on {@code context}: at once if it is the current one (or null), else as a task of it. */
    public static void run(Context context, Runnable task) {
        if (context == null || context == Vertx.currentContext()) {
            task.run();
        } else {
            context.runOnContext(ignored -> task.run());
        }
    }
}
