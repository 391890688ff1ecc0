package dev.trawl.worker;

import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.MDC;

/**
 * Runs each job on a Vert.x context of its own with the job id in its log context (MDC key
 * {@value #JOB_ID}), so every line logged for the job, on whichever thread its callbacks land,
 * names it. Quarkus keeps the MDC of a duplicated context in that context, not in the thread: the
 * Redis, PostgreSQL and HTTP clients resume on the context that called them, and one job's id
 * never shows in another's lines. It costs one context object and one task hop a job.
 */
@ApplicationScoped
public class JobLogContext {

    public static final String JOB_ID = "jobId";

    private final Vertx vertx;

    public JobLogContext(Vertx vertx) {
        this.vertx = vertx;
    }

    public <T> Uni<T> run(String jobId, Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicReference<Cancellable> running = new AtomicReference<>();
            // before the job starts, only a cancellation (the worker stopping) can end the emitter
            AtomicBoolean terminated = new AtomicBoolean();
            emitter.onTermination(() -> {
                terminated.set(true);
                Cancellable current = running.get();
                if (current != null) {
                    current.cancel();
                }
            });
            Context context =
                    VertxContext.createNewDuplicatedContext(VertxContext.getRootContext(vertx.getOrCreateContext()));
            context.runOnContext(ignored -> {
                if (terminated.get()) {
                    return;
                }
                MDC.put(JOB_ID, jobId);
                running.set(work.get().subscribe().with(emitter::complete, emitter::fail));
            });
        });
    }
}
